"""The applicant portal: web forms for company members."""
from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Applicant portal"
