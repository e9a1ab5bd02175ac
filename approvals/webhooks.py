"""Webhook deliveries: which events go to which endpoints, written in the change's transaction as outbox rows,
and one signed attempt of a delivery (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).

The payload says what changed and where to read it (id, reference, status, version, url), nothing of the review
itself. An endpoint that keeps failing for CHIPGATE_WEBHOOK_DISABLE_AFTER_DAYS is disabled and the company's
administrators told.
"""
import json
import logging
from collections.abc import Callable
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from standardwebhooks import Webhook

from approvals import webhook_http
from approvals.models import (
    CompanyMember,
    LicenceEvent,
    Notification,
    OutboxMessage,
    ReviewEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from approvals.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

DELIVER_TASK = "approvals.tasks.deliver_outbox_message"

REQUEST_STATUS_CHANGED = "request.status_changed"
REQUEST_INFORMATION_REQUESTED = "request.information_requested"
LICENCE_ISSUED = "licence.issued"
LICENCE_STATUS_CHANGED = "licence.status_changed"
SHIPMENT_RECORDED = "shipment.recorded"
END_USE_REPORT_DUE = "end_use_report.due"
PING = "ping"
# The event types an endpoint subscribes to (a ping goes to an endpoint whatever it subscribed to).
EVENT_TYPES = (REQUEST_STATUS_CHANGED, REQUEST_INFORMATION_REQUESTED, LICENCE_ISSUED, LICENCE_STATUS_CHANGED,
               SHIPMENT_RECORDED, END_USE_REPORT_DUE)
EVENT_DESCRIPTIONS = {
    REQUEST_STATUS_CHANGED: "A request moved to another status.",
    REQUEST_INFORMATION_REQUESTED: "The reviewer asked a question about a request.",
    LICENCE_ISSUED: "A licence was issued for an approved request.",
    LICENCE_STATUS_CHANGED: "A licence was suspended, reinstated, revoked, surrendered, expired or exhausted.",
    SHIPMENT_RECORDED: "A shipment was recorded against a licence.",
    END_USE_REPORT_DUE: "An end-use report fell due (a new shipment, a follow-up question) or is overdue.",
}
LICENCE_STATUS_ACTIONS = frozenset({"suspend", "reinstate", "revoke", "surrender", "expire", "exhaust"})
END_USE_REPORT_ACTIONS = frozenset({"ship", "follow_up", "report_overdue"})


class WebhookFailed(Exception):
    """No 2xx answer in time: the message says what came back, or why nothing did."""


class DeliveryAbandoned(Exception):
    """A delivery not to be tried again (its endpoint is disabled, its payload too large)."""


def _api_url(kind: str, public_id) -> str:
    return f"{settings.CHIPGATE_BASE_URL}/api/v1/{kind}/{public_id}/"


def request_data(import_request) -> dict:
    return {"id": str(import_request.public_id), "reference": import_request.reference,
            "status": import_request.status, "version": import_request.version,
            "url": _api_url("requests", import_request.public_id)}


def licence_data(licence) -> dict:
    return {"id": str(licence.public_id), "reference": licence.number, "status": licence.status,
            "version": licence.version, "url": _api_url("licences", licence.public_id)}


def payload(event_type: str, at, data: dict) -> dict:
    return {"type": event_type, "timestamp": at.isoformat().replace("+00:00", "Z"), "data": data}


def review_event_types(event: ReviewEvent) -> list[str]:
    types = []
    if event.from_status and event.from_status != event.to_status:  # not a draft's creation
        types.append(REQUEST_STATUS_CHANGED)
    if event.action == "request_information":
        types.append(REQUEST_INFORMATION_REQUESTED)
    return types


def licence_event_types(event: LicenceEvent) -> list[str]:
    types = []
    if event.action == "issue":
        types.append(LICENCE_ISSUED)
    elif event.action in LICENCE_STATUS_ACTIONS and event.from_status != event.to_status:
        types.append(LICENCE_STATUS_CHANGED)
    if event.action == "ship":
        types.append(SHIPMENT_RECORDED)
    if event.action in END_USE_REPORT_ACTIONS:
        types.append(END_USE_REPORT_DUE)
    return types


def webhooks_for_review_event(event: ReviewEvent) -> list[int]:
    """The deliveries of a request's audit event to its company's endpoints, in the caller's transaction."""
    types = review_event_types(event)
    if not types:
        return []
    import_request = event.import_request
    return _fan_out(import_request.company_id, types, f"event:{event.pk}", event.at, request_data(import_request))


def webhooks_for_licence_event(event: LicenceEvent) -> list[int]:
    """The deliveries of a licence's audit event to its holder's endpoints, in the caller's transaction."""
    types = licence_event_types(event)
    if not types:
        return []
    licence = event.licence
    return _fan_out(licence.holder_id, types, f"licence-event:{event.pk}", event.at, licence_data(licence))


def _fan_out(company_id: int, types: list[str], source_key: str, at, data: dict) -> list[int]:
    endpoints = list(WebhookEndpoint.objects.filter(company_id=company_id, enabled=True).only("pk", "events"))
    deliveries = [
        WebhookDelivery(endpoint_id=endpoint.pk, event_type=event_type, source_key=source_key,
                        payload=payload(event_type, at, data))
        for endpoint in endpoints for event_type in types if event_type in endpoint.events
    ]
    if not deliveries:
        return []
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    stored = WebhookDelivery.objects.filter(
        endpoint_id__in=[endpoint.pk for endpoint in endpoints], source_key=source_key, event_type__in=types,
        outbox_messages__isnull=True,
    ).values_list("pk", flat=True)
    return _outbox_rows([(pk, f"webhook:{pk}") for pk in stored])


def _outbox_rows(keyed: list[tuple[int, str]], *, manual: bool = False) -> list[int]:
    """Outbox rows for these (delivery, dedupe key) pairs, sent on commit by a worker. Without a broker the
    periodic sweep sends them within seconds: a slow receiver must not hold up the web request that committed."""
    now = timezone.now()
    messages = OutboxMessage.objects.bulk_create([
        OutboxMessage(kind=OutboxMessage.Kind.WEBHOOK, dedupe_key=key, webhook_delivery_id=delivery_id,
                      payload={"manual": True} if manual else {}, next_attempt_at=now)
        for delivery_id, key in keyed
    ])
    ids = [message.pk for message in messages]
    if ids and ids[0] is None:  # a backend that does not return ids from bulk inserts
        ids = list(OutboxMessage.objects.filter(dedupe_key__in=[key for _, key in keyed]).values_list("pk", flat=True))
    if not current_app.conf.task_always_eager:
        for message_id in ids:
            enqueue_on_commit(DELIVER_TASK, message_id)
    return ids


def delivery_send_again(*, delivery: WebhookDelivery) -> int:
    """A new outbox row for a delivery already made (redeliver, or a ping): same webhook-id, sent even to a
    disabled endpoint, since its administrator asked for it."""
    number = OutboxMessage.objects.filter(webhook_delivery=delivery).count() + 1
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=WebhookDelivery.State.PENDING)
    return _outbox_rows([(delivery.pk, f"webhook:{delivery.pk}:{number}")], manual=True)[0]


def signature_header(endpoint: WebhookEndpoint, webhook_id: str, at, body: str) -> str:
    """``v1,<base64>`` with the secret, and with the previous secret while it is still valid (space-separated,
    as Standard Webhooks allows), so a consumer holding either verifies the delivery."""
    secrets = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and \
            endpoint.previous_secret_expires_at > timezone.now():
        secrets.append(endpoint.previous_secret)
    return " ".join(Webhook(secret).sign(webhook_id, at, body) for secret in secrets)


def body_bytes(delivery: WebhookDelivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)


def webhook_deliver(message: OutboxMessage) -> Callable[[], None]:
    """One signed POST of the message's delivery, logged as an attempt; a 2xx answer within the time limit is
    success, anything else raises (the outbox schedules the retry)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=message.webhook_delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.enabled and not message.payload.get("manual"):
        raise DeliveryAbandoned("the endpoint is disabled")
    body = body_bytes(delivery)
    if len(body.encode()) > settings.CHIPGATE_WEBHOOK_MAX_PAYLOAD_BYTES:
        raise DeliveryAbandoned(f"the payload is larger than {settings.CHIPGATE_WEBHOOK_MAX_PAYLOAD_BYTES} bytes")
    at = timezone.now()
    headers = {
        "Content-Type": "application/json", "User-Agent": "Chipgate-Webhooks/1",
        "webhook-id": delivery.webhook_id, "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature_header(endpoint, delivery.webhook_id, at, body),
    }
    answer, error = None, ""
    try:
        answer = webhook_http.post(endpoint.url, body.encode(), headers)
    except Exception as exc:  # no answer: refused address, DNS, connection, TLS, timeout
        error = f"{type(exc).__name__}: {exc}"[:500]
    succeeded = answer is not None and 200 <= answer.status_code < 300
    finished = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery, at=at, status_code=answer.status_code if answer else None,
        response_body=answer.body if answer else "", succeeded=succeeded, error=error,
        duration_ms=answer.duration_ms if answer else round((finished - at).total_seconds() * 1000),
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempt_count=F("attempt_count") + 1, last_status_code=answer.status_code if answer else None,
        **({"state": WebhookDelivery.State.DELIVERED, "delivered_at": finished} if succeeded else {}),
    )
    if succeeded:
        if endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return lambda: None
    reason = error or f"HTTP {answer.status_code}"
    if _record_failure(endpoint, finished):
        raise DeliveryAbandoned(f"{reason}; the endpoint was disabled after failing since "
                                f"{endpoint.failing_since:%Y-%m-%d %H:%M}")
    raise WebhookFailed(reason)


def _record_failure(endpoint: WebhookEndpoint, now) -> bool:
    """Mark the endpoint failing (from now, unless it already was); True when it has failed long enough to be
    disabled, which this call did."""
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        endpoint.failing_since = now
        return False
    patience = timedelta(days=settings.CHIPGATE_WEBHOOK_DISABLE_AFTER_DAYS)
    if not endpoint.enabled or now - endpoint.failing_since < patience:
        return False
    return endpoint_disable_failing(endpoint_id=endpoint.pk, now=now)


@transaction.atomic
def endpoint_disable_failing(*, endpoint_id: int, now) -> bool:
    """Disable an endpoint that has failed for days, and tell its company's administrators (in the app and by
    email), once."""
    reason = f"Disabled on {now:%Y-%m-%d %H:%M} UTC: every delivery failed for " \
             f"{settings.CHIPGATE_WEBHOOK_DISABLE_AFTER_DAYS} days."
    if not WebhookEndpoint.objects.filter(pk=endpoint_id, enabled=True).update(
            enabled=False, disabled_reason=reason, updated_at=now):
        return False
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    admins = get_user_model().objects.filter(
        membership__company_id=endpoint.company_id, membership__role=CompanyMember.CompanyRole.ADMIN, is_active=True,
    )
    url = f"{settings.CHIPGATE_BASE_URL}/settings/webhooks/"
    subject = "A webhook endpoint was disabled"
    message = (f"Deliveries to {endpoint.url} have failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC, so the "
               f"endpoint was disabled. Fix the receiver, send a ping, then enable it again: {url}")
    key = f"webhook-disabled:{endpoint.pk}:{now:%Y%m%d%H%M%S}"
    for admin in admins:
        body = render_to_string("emails/webhook_disabled.txt", {"user": admin, "message": message})
        notification, _ = Notification.objects.get_or_create(
            dedupe_key=f"{key}:{admin.pk}",
            defaults={"recipient": admin, "kind": "webhook_disabled", "subject": subject, "body": body},
        )
        if admin.email:
            email, _ = OutboxMessage.objects.get_or_create(
                dedupe_key=f"email:{notification.dedupe_key}",
                defaults={"kind": OutboxMessage.Kind.EMAIL, "recipient": admin, "notification": notification,
                          "next_attempt_at": now},
            )
            enqueue_on_commit(DELIVER_TASK, email.pk)
    logger.warning("Webhook endpoint %s disabled: %s", endpoint.pk, reason)
    return True
