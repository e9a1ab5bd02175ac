"""Which language a page speaks: the portal follows the reader (the switcher's cookie, else the browser's
Accept-Language); the desk and the API always speak English (reviewers' working language, stable API errors)."""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

ENGLISH_ONLY_PREFIXES = ("/admin/", "/api/")


class PortalLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith(ENGLISH_ONLY_PREFIXES):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request, response):
        if request.path_info.startswith(ENGLISH_ONLY_PREFIXES):
            return response
        return super().process_response(request, response)
