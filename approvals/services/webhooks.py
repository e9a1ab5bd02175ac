"""Webhook endpoints, managed by the company's administrator: register, change, delete, rotate the secret, ping,
and send a delivery again. Reads of endpoints and their deliveries are here too, under the same rule."""
import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from approvals import roles, webhook_http, webhooks
from approvals.errors import WorkflowError, invalid
from approvals.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

URL_MAX_LENGTH = 2000
DELIVERY_LOG_LIMIT = 100


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_company_id(user) -> int:
    """The company whose webhooks the user manages: only a company's administrator manages them."""
    membership = roles.membership_of(user)
    if membership is None or not roles.is_admin_for(user, membership.company_id):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only the company's administrator manages its webhooks.")
    return membership.company_id


def webhook_endpoints_for(*, user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(company_id=webhook_company_id(user)).order_by("created_at", "id")


def webhook_endpoint_get(*, user, public_id) -> WebhookEndpoint:
    """The administrator's endpoint; another company's answers 404."""
    try:
        return webhook_endpoints_for(user=user).get(public_id=public_id)
    except (WebhookEndpoint.DoesNotExist, ValueError) as exc:
        raise Http404("No such webhook endpoint.") from exc


def webhook_deliveries(*, endpoint: WebhookEndpoint, limit: int = DELIVERY_LOG_LIMIT) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first, each with its attempts (two queries)."""
    return list(endpoint.deliveries.prefetch_related(
        Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("at", "id"))
    ).order_by("-created_at", "-id")[:limit])


def webhook_delivery_get(*, endpoint: WebhookEndpoint, public_id) -> WebhookDelivery:
    try:
        return endpoint.deliveries.get(public_id=public_id)
    except (WebhookDelivery.DoesNotExist, ValueError) as exc:
        raise Http404("No such delivery.") from exc


def _clean_url(url) -> str:
    if not isinstance(url, str) or not url.strip():
        raise invalid({"url": ["Give the URL that receives the webhooks."]})
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise invalid({"url": [f"The URL is longer than {URL_MAX_LENGTH} characters."]})
    refusal = webhook_http.url_refusal(url)
    if refusal:
        raise invalid({"url": [refusal]})
    return url


def _clean_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events or not all(isinstance(name, str) for name in events):
        raise invalid({"events": [f"Give a list of one or more event types: {', '.join(webhooks.EVENT_TYPES)}."]})
    unknown = sorted(set(events) - set(webhooks.EVENT_TYPES))
    if unknown:
        raise invalid({"events": [f"Unknown event type{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                                  f"Event types: {', '.join(webhooks.EVENT_TYPES)}."]})
    return [name for name in webhooks.EVENT_TYPES if name in events]


def _clean_enabled(enabled) -> bool:
    if not isinstance(enabled, bool):
        raise invalid({"enabled": ["Give true or false."]})
    return enabled


def webhook_endpoint_create(*, actor, url, events, enabled=True) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its secret, which is shown this once."""
    company_id = webhook_company_id(actor)
    endpoint = WebhookEndpoint.objects.create(
        company_id=company_id, url=_clean_url(url), events=_clean_events(events), enabled=_clean_enabled(enabled),
        secret=new_secret(), created_by=actor,
    )
    return endpoint, endpoint.secret


def webhook_endpoint_update(*, actor, public_id, **changes) -> WebhookEndpoint:
    """Change the URL, the events or whether it is enabled; enabling clears a disabled endpoint's failure."""
    unknown = sorted(set(changes) - {"url", "events", "enabled"})
    if unknown:
        raise invalid({name: ["This field cannot be changed."] for name in unknown})
    with transaction.atomic():
        endpoint = webhook_endpoint_get(user=actor, public_id=public_id)
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        fields = ["updated_at"]
        if "url" in changes:
            endpoint.url = _clean_url(changes["url"])
            fields.append("url")
        if "events" in changes:
            endpoint.events = _clean_events(changes["events"])
            fields.append("events")
        if "enabled" in changes:
            enabled = _clean_enabled(changes["enabled"])
            if enabled and not endpoint.enabled:
                endpoint.failing_since, endpoint.disabled_reason = None, ""
                fields += ["failing_since", "disabled_reason"]
            endpoint.enabled = enabled
            fields.append("enabled")
        endpoint.save(update_fields=fields)
    return endpoint


def webhook_endpoint_delete(*, actor, public_id) -> None:
    """Delete an endpoint with its deliveries and their log; nothing more is sent to it."""
    endpoint = webhook_endpoint_get(user=actor, public_id=public_id)
    endpoint.delete()


@transaction.atomic
def webhook_endpoint_rotate_secret(*, actor, public_id) -> tuple[WebhookEndpoint, str]:
    """A new secret, shown this once; deliveries are signed with the old one too for the overlap (24 hours), so
    the receiver can switch without losing any."""
    endpoint = webhook_endpoint_get(user=actor, public_id=public_id)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + timedelta(
        hours=settings.CHIPGATE_WEBHOOK_SECRET_OVERLAP_HOURS)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint, endpoint.secret


@transaction.atomic
def webhook_endpoint_ping(*, actor, public_id) -> WebhookDelivery:
    """Send a ``ping`` event to the endpoint now (enabled or not): the administrator's test of the receiver."""
    endpoint = webhook_endpoint_get(user=actor, public_id=public_id)
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type=webhooks.PING, source_key=f"ping:{secrets.token_hex(8)}",
        payload=webhooks.payload(webhooks.PING, now, {
            "id": str(endpoint.public_id), "reference": None, "status": "enabled" if endpoint.enabled else "disabled",
            "version": 1, "url": f"{settings.CHIPGATE_BASE_URL}/api/v1/webhooks/{endpoint.public_id}/",
        }),
    )
    webhooks.delivery_send_again(delivery=delivery)
    return delivery


@transaction.atomic
def webhook_delivery_redeliver(*, actor, public_id, delivery_public_id) -> WebhookDelivery:
    """Send a delivery again, with its payload as it was and the same webhook-id (a consumer that has it
    already can drop it)."""
    endpoint = webhook_endpoint_get(user=actor, public_id=public_id)
    delivery = webhook_delivery_get(endpoint=endpoint, public_id=delivery_public_id)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.outbox_messages.filter(state="pending").exists():
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE,
                            "This delivery is still being sent (or waits for its next retry).")
    webhooks.delivery_send_again(delivery=delivery)
    delivery.refresh_from_db()
    return delivery
