"""The site's routes plus two that fail, to show the 500 pages (used by tests/config/test_error_pages.py)."""
from django.urls import path

from config.urls import handler403, handler404, handler500, urlpatterns


def fail(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [path("admin/fail/", fail), path("requests/fail/", fail), *urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
