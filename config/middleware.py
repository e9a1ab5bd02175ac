"""Request hygiene for every surface: a query string holding a NUL character is refused before any view reads it.

Lists, filters and searches on the portal, the desk and the API take their values from the query string, and
PostgreSQL can neither store nor compare text with a NUL in it; refusing it here, naming the parameter, means
no view has to remember to.
"""
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape

logger = logging.getLogger(__name__)


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return self.refuse(request, name.replace("\x00", "\\u0000"))
        return self.get_response(request)

    @staticmethod
    def refuse(request, name: str):
        detail = f"The query parameter '{name}' contains a NUL character (%00), which is not allowed."
        if request.path.startswith("/api/"):
            return JsonResponse({name: [detail], "code": "invalid", "detail": detail}, status=400)
        return HttpResponseBadRequest(
            f"<!doctype html><title>Bad request</title><h1>Bad request</h1><p>{escape(detail)}</p>"
            f'<p><a href="{escape(request.path)}">Try again without it</a></p>'
        )


DATABASE_RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    """The database could not be reached, or kept dropping the connection after the services ran their work
    again (``approvals.services.common.reconnecting``): answer 503 with Retry-After, which a client may retry,
    rather than a 500. Nothing was written: the transaction died with its connection."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable for %s %s", request.method, request.path, exc_info=exception)
        detail = "The service cannot reach its database just now; nothing was changed. Try again in a few seconds."
        if request.path.startswith("/api/"):
            response = JsonResponse({"code": "database_unavailable", "detail": detail}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", {"detail": detail}), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
