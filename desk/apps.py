"""The reviewer's desk: Django's admin with Chipgate's site, and the desk app that holds its ModelAdmins."""
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ChipgateAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the desk's site (who may enter, the dashboard) as the default site."""

    default = False
    default_site = "desk.site.ChipgateAdminSite"


class DeskConfig(AppConfig):
    default = True
    name = "desk"
    verbose_name = "Review desk"
