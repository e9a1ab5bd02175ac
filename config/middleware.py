"""Request hygiene for every surface: a query string holding a NUL character is refused before any view reads it.

Lists, filters and searches on the portal, the desk and the API take their values from the query string, and
PostgreSQL can neither store nor compare text with a NUL in it; refusing it here, naming the parameter, means
no view has to remember to.
"""
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.html import escape


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
