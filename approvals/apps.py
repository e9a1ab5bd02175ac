"""App configuration for the review workflow."""
from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Import approvals"
