"""REST API v1 for company systems and staff tools."""
from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = "REST API v1"
