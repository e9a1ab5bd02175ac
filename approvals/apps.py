"""App configuration for the review workflow; staff groups are kept in step after every migrate."""
from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_groups(sender, **kwargs):
    from approvals.groups import groups_ensure

    groups_ensure()


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Import approvals"

    def ready(self):
        post_migrate.connect(_ensure_groups, sender=self)
