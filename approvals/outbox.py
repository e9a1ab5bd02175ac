"""The outbox: side effects written as rows in the transaction that caused them, delivered by workers.

A row is claimed with a lease (a compare-and-swap UPDATE, as healthchecks claims its flips), delivered,
and marked delivered; a failure schedules the next attempt with backoff, and after the last one the row
is marked failed. A worker killed mid-delivery leaves its lease to expire, and the periodic sweep delivers the
row then; a broker that was down when the transaction committed leaves rows the sweep delivers.
Webhook rows deliver a WebhookDelivery (approvals.webhooks) on a schedule of their own.
Emails carry the row's dedupe key as Message-ID, so a receiver can tell a rare repeat from a new message.
"""
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone

from approvals import webhooks
from approvals.models import Notification, OutboxMessage, WebhookDelivery
from approvals.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

DELIVER_TASK = "approvals.tasks.deliver_outbox_messages"
SWEEP_LIMIT = 500
SWEEP_BATCH = 100
SWEEP_BUDGET_SECONDS = 30.0


class DeliveryFailed(Exception):
    """A delivery that did not go through; the message says why, for the row's last_error."""


def deliver_on_commit(message_ids: list[int]) -> None:
    """Start delivery of these rows once the transaction that wrote them commits: one task for all of them (a
    transition writes one row per recipient), so that a burst of transitions queues a task per transition, not
    one per email, ahead of the screening tasks that follow."""
    if message_ids:
        enqueue_on_commit(DELIVER_TASK, list(message_ids))


def outbox_deliver_many(*, message_ids: list[int]) -> int:
    """Deliver each row (as ``outbox_deliver``, each claimed on its own); returns how many were delivered."""
    return sum(outbox_deliver(message_id=message_id) == "delivered" for message_id in message_ids)


def retry_delay(attempts: int, kind: str = OutboxMessage.Kind.EMAIL) -> timedelta | None:
    """How long after its ``attempts``-th failed attempt a row is tried again; None when that was the last.
    Webhooks have a schedule of their own (CHIPGATE_WEBHOOK_RETRY_SCHEDULE)."""
    schedule = (settings.CHIPGATE_WEBHOOK_RETRY_SCHEDULE if kind == OutboxMessage.Kind.WEBHOOK
                else settings.CHIPGATE_OUTBOX_RETRY_SCHEDULE)
    if attempts > len(schedule):
        return None
    return timedelta(seconds=schedule[attempts - 1])


def outbox_due_ids(*, now=None, limit: int = SWEEP_LIMIT) -> list[int]:
    """Pending rows whose attempt is due and that no live lease holds, oldest first."""
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )


def outbox_deliver_due(*, budget_seconds: float = SWEEP_BUDGET_SECONDS) -> int:
    """Deliver what is due, oldest first, until nothing is left or the time budget is spent (the next sweep goes
    on from there); returns how many were delivered.

    The sweep delivers in its own task rather than sending one task per row: when workers fall behind, the
    queue then holds one sweep every few seconds instead of a copy of every waiting row. Several sweeps (and
    the tasks started on commit) may run at once; the claim lets each row go out once.
    """
    deadline = time.monotonic() + budget_seconds
    delivered = 0
    while time.monotonic() < deadline:
        due = outbox_due_ids(limit=SWEEP_BATCH)
        if not due:
            break
        for message_id in due:
            delivered += outbox_deliver(message_id=message_id) == "delivered"
            if time.monotonic() >= deadline:
                break
    return delivered


def _claim(message_id: int, now) -> bool:
    lease = now + timedelta(seconds=settings.CHIPGATE_OUTBOX_LEASE_SECONDS)
    return bool(
        OutboxMessage.objects.filter(
            pk=message_id, state=OutboxMessage.State.PENDING, next_attempt_at__lte=now,
        ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now)).update(
            locked_until=lease, attempts=F("attempts") + 1,
        )
    )


def outbox_deliver(*, message_id: int) -> str:
    """Deliver one row if it is due and free: 'delivered', 'retry', 'failed' or 'skipped'. Safe to run twice."""
    now = timezone.now()
    if not _claim(message_id, now):
        return "skipped"
    message = OutboxMessage.objects.select_related("recipient", "notification").get(pk=message_id)
    try:
        finish = DELIVERERS[message.kind](message)
    except Exception as exc:  # any failure of the far side is recorded on the row and retried
        delay = None if isinstance(exc, webhooks.DeliveryAbandoned) else retry_delay(message.attempts, message.kind)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if delay is None:
            OutboxMessage.objects.filter(pk=message_id).update(
                state=OutboxMessage.State.FAILED, locked_until=None, last_error=error,
            )
            if message.webhook_delivery_id:
                WebhookDelivery.objects.filter(pk=message.webhook_delivery_id).exclude(
                    state=WebhookDelivery.State.DELIVERED).update(state=WebhookDelivery.State.FAILED)
            logger.error("Outbox message %s gave up after %s attempts: %s", message_id, message.attempts, error)
            return "failed"
        OutboxMessage.objects.filter(pk=message_id).update(  # the sweep sends the retry when it falls due
            next_attempt_at=timezone.now() + delay, locked_until=None, last_error=error,
        )
        logger.warning("Outbox message %s failed (attempt %s), retry in %s: %s", message_id, message.attempts,
                       delay, error)
        return "retry"
    delivered_at = timezone.now()
    OutboxMessage.objects.filter(pk=message_id).update(
        state=OutboxMessage.State.DELIVERED, delivered_at=delivered_at, locked_until=None, last_error="",
    )
    finish()
    if message.notification_id:
        Notification.objects.filter(pk=message.notification_id, emailed_at__isnull=True).update(
            emailed_at=delivered_at
        )
    return "delivered"


def message_id_header(dedupe_key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "chipgate.local"
    local = "".join(char if char.isascii() and (char.isalnum() or char in ".-_") else "." for char in dedupe_key)
    return f"<{local}@{domain}>"


def _deliver_email(message: OutboxMessage) -> Callable[[], None]:
    """Hand the email to the mail server; returns what closes the session, which the caller runs only after
    recording the delivery, so that a worker killed in between is killed as rarely as can be."""
    recipient = message.recipient
    if recipient is None or not recipient.email or not recipient.is_active:
        raise DeliveryFailed("the recipient has no active account with an email address")
    notification = message.notification
    connection = get_connection()
    connection.open()
    try:
        EmailMessage(
            subject=notification.subject, body=notification.body, to=[recipient.email], connection=connection,
            headers={"Message-ID": message_id_header(message.dedupe_key)},
        ).send()
    except Exception:
        connection.close()
        raise

    def close() -> None:
        try:
            connection.close()
        except OSError as error:  # the message was accepted; a failed goodbye changes nothing
            logger.info("Closing the mail session after outbox message %s: %s", message.pk, error)

    return close


DELIVERERS = {
    OutboxMessage.Kind.EMAIL: _deliver_email,
    OutboxMessage.Kind.WEBHOOK: webhooks.webhook_deliver,
}
