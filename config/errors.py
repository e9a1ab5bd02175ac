"""The site's 403, 404 and 500 pages: the desk's own under /admin/, the portal's elsewhere, JSON under /api/.

The 500 pages are plain templates rendered without the request: no context processor, no database query, so they
still show when the fault is the database or the code that builds a page's context."""
import logging

from django.contrib import admin
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

DESK_PREFIX = "/admin/"
API_PREFIX = "/api/"
NOT_FOUND = "There is nothing at this address, or it is not yours to see."
FORBIDDEN = "Your account may not see this page or take this action."
SERVER_ERROR = "Something went wrong on our side and nothing was changed. The fault has been logged."


def _area(request) -> str:
    path = request.path
    if path.startswith(DESK_PREFIX):
        return "desk"
    if path.startswith(API_PREFIX):
        return "api"
    return "portal"


def _desk_page(request, template: str, status: int, context: dict) -> HttpResponse:
    # The admin's chrome (header, user links) for staff who are in; a bare desk page for anyone else.
    if admin.site.has_permission(request):
        context = {**admin.site.each_context(request), **context}
    return render(request, template, {"site_header": admin.site.site_header, **context}, status=status)


def page_not_found(request, exception=None) -> HttpResponse:
    area = _area(request)
    if area == "api":
        return JsonResponse({"code": "not_found", "detail": NOT_FOUND}, status=404)
    if area == "desk":
        return _desk_page(request, "desk/404.html", 404, {"title": "Not found"})
    return render(request, "portal/not_found.html", status=404)


def permission_denied(request, exception=None) -> HttpResponse:
    area = _area(request)
    reason = str(exception) if exception is not None and str(exception) else FORBIDDEN
    if area == "api":
        return JsonResponse({"code": "permission_denied", "detail": reason}, status=403)
    if area == "desk":
        return _desk_page(request, "desk/403.html", 403, {"title": "Not available to you", "reason": reason})
    return render(request, "portal/forbidden.html", {"reason": reason}, status=403)


def server_error(request) -> HttpResponse:
    area = _area(request)
    if area == "api":
        return JsonResponse({"code": "server_error", "detail": SERVER_ERROR}, status=500)
    template = "desk/500.html" if area == "desk" else "500.html"
    return HttpResponseServerError(loader.get_template(template).render({"detail": SERVER_ERROR}))
