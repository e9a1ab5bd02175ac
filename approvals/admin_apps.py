"""The admin app configured with Chipgate's admin site (who may enter, the dashboard)."""
from django.contrib.admin.apps import AdminConfig


class ChipgateAdminConfig(AdminConfig):
    default_site = "approvals.admin_site.ChipgateAdminSite"
