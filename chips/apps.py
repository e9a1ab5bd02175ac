"""App configuration for the chip catalog."""
from django.apps import AppConfig


class ChipsConfig(AppConfig):
    name = "chips"
    verbose_name = "Chip catalog"
