"""Celery tasks: thin wrappers that take ids and call services; all are safe to run twice."""
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from approvals import notifications, services

TRANSIENT = (OperationalError, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(acks_late=True, **RETRY)
def screen_request(request_id: int) -> bool:
    return services.request_screen(request_id=request_id)


@shared_task(acks_late=True, **RETRY)
def notify_event(event_id: int) -> None:
    notifications.notify_event(event_id=event_id)


@shared_task(
    acks_late=True, autoretry_for=(*TRANSIENT, SMTPException, OSError), retry_backoff=True,
    retry_backoff_max=600, max_retries=8,
)
def send_notification_email(notification_id: int) -> bool:
    return notifications.notification_send_email(notification_id=notification_id)


@shared_task(acks_late=True)
def sweep_submitted() -> int:
    """Re-enqueue screening for requests left in submitted (broker down at submit, worker died)."""
    request_ids = services.requests_stuck_in_submitted()
    for request_id in request_ids:
        screen_request.delay(request_id)
    return len(request_ids)


@shared_task(acks_late=True)
def lapse_overdue_information() -> int:
    return services.system_transition_many(request_ids=services.requests_to_lapse(), action="lapse")


@shared_task(acks_late=True)
def expire_approvals() -> int:
    return services.system_transition_many(request_ids=services.requests_to_expire(), action="expire")


@shared_task(acks_late=True)
def send_sla_reminders() -> int:
    return notifications.sla_reminders_send(today=timezone.localdate())


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    from approvals.api.idempotency import idempotency_keys_purge

    return idempotency_keys_purge(older_than=timedelta(days=settings.CHIPGATE_IDEMPOTENCY_KEY_DAYS))
