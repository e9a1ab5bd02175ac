"""App configuration for the review workflow: staff groups, re-scoring on catalog and policy changes, tasks."""
from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs):
    from approvals.groups import groups_ensure
    from approvals.services import rescore_after_policy_change

    groups_ensure()
    rescore_after_policy_change()


def _rescore_after_catalog_change(sender, *, chip=None, reason: str, triggered_by=None, **kwargs):
    from approvals.services import rescore_job_start

    return rescore_job_start(triggered_by=triggered_by, chip=chip, reason=reason)


def _rescreen_after_list_change(sender, *, source: str, count: int, **kwargs):
    from approvals.services import party_screening_job_start

    return party_screening_job_start(reason=f"Screening list '{source}' loaded ({count:,} entries).")


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Import approvals"

    def ready(self):
        from approvals import tasks  # noqa: F401  (registers the tasks the services start by name)
        from chips.signals import catalog_changed
        from parties.signals import screening_list_changed

        post_migrate.connect(_after_migrate, sender=self)
        catalog_changed.connect(_rescore_after_catalog_change, dispatch_uid="approvals.rescore_after_catalog_change")
        screening_list_changed.connect(_rescreen_after_list_change, dispatch_uid="approvals.rescreen_after_list_change")
