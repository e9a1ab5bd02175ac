"""App configuration for denied-party screening lists and name matching."""
from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "parties"
    verbose_name = "Screening lists"
