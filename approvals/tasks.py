"""Celery tasks: thin wrappers that take ids and call services; all are safe to run twice.

Names are explicit and stable (the beat schedule and messages already queued refer to them), including
the re-scoring tasks that began life in the catalog app.
"""
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from approvals import notifications, outbox, selectors, services
from approvals.queue import DELIVERY_PRIORITY

TRANSIENT = (OperationalError, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="approvals.tasks.screen_request", acks_late=True, **RETRY)
def screen_request(import_request_id: int) -> bool:
    return services.request_screen(import_request_id=import_request_id)


@shared_task(name="approvals.tasks.deliver_outbox_message", acks_late=True, priority=DELIVERY_PRIORITY, **RETRY)
def deliver_outbox_message(message_id: int) -> str:
    """One delivery attempt; a failure of the far side is scheduled for retry on the row, not here."""
    return outbox.outbox_deliver(message_id=message_id)


@shared_task(name="approvals.tasks.deliver_outbox_messages", acks_late=True, priority=DELIVERY_PRIORITY, **RETRY)
def deliver_outbox_messages(message_ids: list[int]) -> int:
    """The rows one transaction wrote, one attempt each; the single-row task stays for messages already queued."""
    return outbox.outbox_deliver_many(message_ids=message_ids)


@shared_task(name="approvals.tasks.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    """Deliver what is due: retries, rows whose broker message was lost, rows of a worker that died."""
    return outbox.outbox_deliver_due()


@shared_task(name="approvals.tasks.sweep_submitted", acks_late=True)
def sweep_submitted() -> int:
    """Screen requests left in submitted (broker down at submit, worker died)."""
    return services.requests_screen_stuck()


@shared_task(name="approvals.tasks.lapse_overdue_information", acks_late=True)
def lapse_overdue_information() -> int:
    return services.system_transition_many(import_request_ids=services.requests_to_lapse(), action="lapse")


@shared_task(name="approvals.tasks.expire_approvals", acks_late=True)
def expire_approvals() -> int:
    """Licences whose validity has ended expire (the name is the beat entry's since approvals expired)."""
    return services.licences_expire_due()


@shared_task(name="approvals.tasks.mark_overdue_end_use_reports", acks_late=True)
def mark_overdue_end_use_reports() -> int:
    return services.end_use_reports_mark_overdue()


@shared_task(name="approvals.tasks.send_sla_reminders", acks_late=True)
def send_sla_reminders() -> int:
    return notifications.sla_reminders_send(today=timezone.localdate())


@shared_task(name="approvals.tasks.refresh_dashboard", acks_late=True)
def refresh_dashboard() -> None:
    """The desk dashboard's snapshot, computed ahead of the page (the page reads it from the cache)."""
    selectors.dashboard_figures_refresh(first_month=selectors.dashboard_first_month(today=timezone.localdate()))


@shared_task(name="approvals.tasks.purge_idempotency_keys", acks_late=True)
def purge_idempotency_keys() -> int:
    return services.idempotency_keys_purge(older_than=timedelta(days=settings.CHIPGATE_IDEMPOTENCY_KEY_DAYS))


@shared_task(
    name="chips.tasks.rescore_open_requests", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
    max_retries=5,
)
def rescore_open_requests(job_id: int) -> None:
    services.rescore_job_run(job_id=job_id)


@shared_task(name="chips.tasks.rescore_sweep_queued", acks_late=True)
def rescore_sweep_queued() -> int:
    """Start re-scoring jobs left queued, and one for a screening policy that came into force."""
    job_ids = services.rescore_jobs_left_queued()
    for job_id in job_ids:
        rescore_open_requests.delay(job_id)
    return len(job_ids) + (services.rescore_after_policy_change() is not None)
