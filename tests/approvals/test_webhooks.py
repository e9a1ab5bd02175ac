"""Webhooks in the domain: deliveries written with the change, signed per Standard Webhooks, retried on the
schedule, logged per attempt, refused at private addresses, and an endpoint failing for days disabled."""
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook, WebhookVerificationError

from approvals import outbox, services, webhooks
from approvals.errors import WorkflowError
from approvals.models import Notification, OutboxMessage, WebhookDelivery
from tests.factories import ApplicantFactory, approved_licence, draft_request, request_in_review
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture
def local_receivers(settings):
    settings.CHIPGATE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def admin(company):
    return ApplicantFactory(membership__company=company, membership__role="admin")


@pytest.fixture
def endpoint(admin, receiver, local_receivers):
    created, secret = services.webhook_endpoint_create(actor=admin, url=receiver.url, events=list(webhooks.EVENT_TYPES))
    created.plain_secret = secret
    return created


def webhook_rows(endpoint):
    return list(OutboxMessage.objects.filter(webhook_delivery__endpoint=endpoint).order_by("id"))


def deliver_all(endpoint) -> list[str]:
    return [outbox.outbox_deliver(message_id=row.pk) for row in webhook_rows(endpoint)]


def test_a_transition_writes_one_delivery_per_subscribed_event_in_its_transaction(endpoint, applicant):
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="submit", actor=applicant)
    services.request_screen(import_request_id=import_request.pk)
    import_request.refresh_from_db()
    deliveries = list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id"))
    assert [(delivery.event_type, delivery.payload["data"]["status"]) for delivery in deliveries] == [
        ("request.status_changed", "submitted"), ("request.status_changed", "under_review"),
    ]
    first = deliveries[0].payload
    assert set(first) == {"type", "timestamp", "data"}
    assert first["data"] == {
        "id": str(import_request.public_id), "reference": import_request.reference, "status": "submitted",
        "version": first["data"]["version"], "url": f"http://127.0.0.1:8000/api/v1/requests/{import_request.public_id}/",
    }
    assert deliveries[1].payload["data"]["version"] > first["data"]["version"]
    assert [row.state for row in webhook_rows(endpoint)] == ["pending", "pending"]


def test_the_payload_carries_nothing_of_the_review(endpoint, applicant, reviewer):
    import_request = request_in_review(applicant)
    services.request_transition(import_request_id=import_request.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": "Secret rationale 7731."})
    import_request.refresh_from_db()
    text = json.dumps([delivery.payload for delivery in WebhookDelivery.objects.filter(endpoint=endpoint)])
    assert "7731" not in text
    assert "risk" not in text and "tier" not in text and reviewer.username not in text
    assert import_request.reference in text


def test_creating_a_draft_is_no_status_change(endpoint, applicant):
    draft_request(applicant)
    assert WebhookDelivery.objects.count() == 0


def test_unsubscribed_and_disabled_endpoints_get_nothing(admin, applicant, local_receivers):
    services.webhook_endpoint_create(actor=admin, url="https://hooks.example.com/a", events=["licence.issued"])
    services.webhook_endpoint_create(actor=admin, url="https://hooks.example.com/b",
                                     events=["request.status_changed"], enabled=False)
    request_in_review(applicant)
    assert WebhookDelivery.objects.count() == 0


def test_a_delivery_is_signed_so_that_the_standard_library_verifies_it(endpoint, applicant, receiver):
    request_in_review(applicant)
    assert deliver_all(endpoint) == ["delivered", "delivered"]
    assert len(receiver.received) == 2
    got = receiver.received[0]
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id").first()
    assert got.headers["webhook-id"] == delivery.webhook_id
    assert Webhook(endpoint.plain_secret).verify(got.body, got.headers) == delivery.payload
    with pytest.raises(WebhookVerificationError):
        Webhook(services.webhooks.new_secret()).verify(got.body, got.headers)
    assert got.headers["Content-Type"] == "application/json"


def test_500_twice_then_200_is_one_success_after_three_logged_attempts(endpoint, applicant, receiver, settings):
    settings.CHIPGATE_WEBHOOK_RETRY_SCHEDULE = [5, 60]
    receiver.script = [500, 500, 200]
    receiver.answer_body = b"x" * 3000
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    (row,) = webhook_rows(endpoint)
    start = row.next_attempt_at
    with time_machine.travel(start, tick=False):
        assert outbox.outbox_deliver(message_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.next_attempt_at == start + timedelta(seconds=5)
    assert row.last_error == "WebhookFailed: HTTP 500"
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        assert outbox.outbox_deliver(message_id=row.pk) == "retry"
    with time_machine.travel(start + timedelta(seconds=64), tick=False):
        assert outbox.outbox_deliver(message_id=row.pk) == "skipped"
    with time_machine.travel(start + timedelta(seconds=65), tick=False):
        assert outbox.outbox_deliver(message_id=row.pk) == "delivered"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.state, delivery.attempt_count, delivery.last_status_code) == ("delivered", 3, 200)
    attempts = list(delivery.attempts.all())
    assert [(attempt.status_code, attempt.succeeded) for attempt in attempts] == [
        (500, False), (500, False), (200, True)]
    assert len(attempts[0].response_body) == 1024
    assert all(attempt.duration_ms < 10_000 for attempt in attempts)
    assert len({got.headers["webhook-id"] for got in receiver.received}) == 1
    assert len(receiver.received) == 3


def test_the_last_failure_of_the_schedule_fails_the_delivery(endpoint, applicant, receiver, settings):
    settings.CHIPGATE_WEBHOOK_RETRY_SCHEDULE = [5]
    receiver.default = 503
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    (row,) = webhook_rows(endpoint)
    assert outbox.outbox_deliver(message_id=row.pk) == "retry"
    with time_machine.travel(timezone.now() + timedelta(seconds=6), tick=False):
        assert outbox.outbox_deliver(message_id=row.pk) == "failed"
    assert WebhookDelivery.objects.get(endpoint=endpoint).state == "failed"


def test_a_private_address_is_refused_at_delivery_unless_allowed(endpoint, applicant, receiver, settings):
    settings.CHIPGATE_WEBHOOK_ALLOWED_HOSTS = []
    endpoint.url = receiver.url.replace("127.0.0.1", "localhost")
    endpoint.save()
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    assert deliver_all(endpoint) == ["retry"]
    assert receiver.received == []
    (attempt,) = WebhookDelivery.objects.get(endpoint=endpoint).attempts.all()
    assert attempt.status_code is None
    assert "localhost resolves to" in attempt.error and "loopback" in attempt.error


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data",
    "http://[::1]:8080/hook", "http://224.0.0.1/hook", "http://0.0.0.0/hook", "http://[::ffff:192.168.1.1]/x",
])
def test_registering_a_literal_private_address_is_refused_naming_url(admin, url):
    with pytest.raises(WorkflowError) as refused:
        services.webhook_endpoint_create(actor=admin, url=url, events=["licence.issued"])
    assert list(refused.value.field_errors) == ["url"]
    assert "public addresses only" in refused.value.field_errors["url"][0]


def test_an_allowed_host_may_be_a_private_address(admin, settings):
    settings.CHIPGATE_WEBHOOK_ALLOWED_HOSTS = ["10.1.2.3:9999"]
    created, _ = services.webhook_endpoint_create(actor=admin, url="http://10.1.2.3:8080/h", events=["licence.issued"])
    assert created.url == "http://10.1.2.3:8080/h"


def test_https_only_refuses_http(admin, settings):
    settings.CHIPGATE_WEBHOOK_HTTPS_ONLY = True
    with pytest.raises(WorkflowError) as refused:
        services.webhook_endpoint_create(actor=admin, url="http://hooks.example.com/x", events=["licence.issued"])
    assert refused.value.field_errors == {"url": ["The URL must start with https://."]}


def test_unknown_event_types_are_refused_naming_events(admin):
    with pytest.raises(WorkflowError) as refused:
        services.webhook_endpoint_create(actor=admin, url="https://hooks.example.com/x",
                                         events=["licence.issued", "request.deleted"])
    assert list(refused.value.field_errors) == ["events"]
    assert refused.value.field_errors["events"][0].startswith("Unknown event type: request.deleted.")


def test_only_the_company_administrator_manages_webhooks(applicant, reviewer):
    for user in (applicant, reviewer):
        with pytest.raises(WorkflowError) as refused:
            services.webhook_endpoint_create(actor=user, url="https://hooks.example.com/x", events=["licence.issued"])
        assert refused.value.code == "forbidden"


def test_after_rotation_both_secrets_verify_for_24_hours(endpoint, admin, applicant, receiver):
    old = endpoint.plain_secret
    _, new = services.webhook_endpoint_rotate_secret(actor=admin, public_id=endpoint.public_id)
    assert new.startswith("whsec_") and new != old
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    assert deliver_all(endpoint) == ["delivered"]
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(got.body, got.headers)
    Webhook(new).verify(got.body, got.headers)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        services.webhook_delivery_redeliver(actor=admin, public_id=endpoint.public_id,
                                            delivery_public_id=delivery.public_id)
        assert [outbox.outbox_deliver(message_id=row.pk) for row in webhook_rows(endpoint)] == [
            "skipped", "delivered"]
        got = receiver.received[-1]
        assert len(got.headers["webhook-signature"].split(" ")) == 1
        Webhook(new).verify(got.body, got.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(got.body, got.headers)


def test_redelivery_sends_the_same_webhook_id_again(endpoint, admin, applicant, receiver):
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    deliver_all(endpoint)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_redeliver(actor=admin, public_id=endpoint.public_id,
                                        delivery_public_id=delivery.public_id)
    assert deliver_all(endpoint) == ["skipped", "delivered"]
    assert [got.headers["webhook-id"] for got in receiver.received] == [delivery.webhook_id] * 2
    assert receiver.received[0].body == receiver.received[1].body


def test_ping_reaches_the_endpoint(endpoint, admin, receiver):
    delivery = services.webhook_endpoint_ping(actor=admin, public_id=endpoint.public_id)
    assert deliver_all(endpoint) == ["delivered"]
    body = Webhook(endpoint.plain_secret).verify(receiver.received[0].body, receiver.received[0].headers)
    assert body["type"] == "ping"
    assert body["data"]["id"] == str(endpoint.public_id)
    delivery.refresh_from_db()
    assert delivery.state == "delivered"


def test_licence_issue_and_shipment_events(endpoint, applicant, reviewer):
    licence = approved_licence(applicant, reviewer)
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=licence.valid_from,
                             reference="BL-1", lines=[{"chip": "nvidia-h200", "quantity": 2}])
    licence.refresh_from_db()
    types = list(WebhookDelivery.objects.filter(endpoint=endpoint, event_type__in=[
        "licence.issued", "shipment.recorded", "end_use_report.due"]).order_by("id").values_list("event_type",
                                                                                                   flat=True))
    assert types == ["licence.issued", "shipment.recorded", "end_use_report.due"]
    shipped = WebhookDelivery.objects.get(endpoint=endpoint, event_type="shipment.recorded").payload["data"]
    assert shipped == {"id": str(licence.public_id), "reference": licence.number, "status": "active",
                       "version": licence.version,
                       "url": f"http://127.0.0.1:8000/api/v1/licences/{licence.public_id}/"}


def test_an_endpoint_failing_for_three_days_is_disabled_and_its_administrator_told(
        endpoint, admin, applicant, receiver, settings):
    settings.CHIPGATE_WEBHOOK_RETRY_SCHEDULE = [5, 60, 600, 3600, 21600, 86400, 86400, 86400]
    receiver.default = 500
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    (row,) = webhook_rows(endpoint)
    start = timezone.now()
    results = []
    for offset in (0, 5, 65, 665, 4265, 25865, 112265, 198665, 285065):
        with time_machine.travel(start + timedelta(seconds=offset + 1), tick=False):
            results.append(outbox.outbox_deliver(message_id=row.pk))
    assert results == ["retry"] * 8 + ["failed"]
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert endpoint.disabled_reason.endswith("every delivery failed for 3 days.")
    note = Notification.objects.get(recipient=admin, kind="webhook_disabled")
    assert endpoint.url in note.body
    assert not Notification.objects.filter(recipient=applicant, kind="webhook_disabled").exists()
    email = OutboxMessage.objects.get(notification=note)
    with time_machine.travel(start + timedelta(days=4), tick=False):
        assert outbox.outbox_deliver(message_id=email.pk) == "delivered"
    assert mail.outbox[-1].to == [admin.email]
    # Disabled: the next event sends nothing; enabling it again clears the failure.
    services.webhook_endpoint_update(actor=admin, public_id=endpoint.public_id, enabled=True)
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.failing_since, endpoint.disabled_reason) == (True, None, "")


def test_a_success_clears_the_failing_mark(endpoint, applicant, receiver):
    receiver.script = [500]
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    (row,) = webhook_rows(endpoint)
    outbox.outbox_deliver(message_id=row.pk)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None
    with time_machine.travel(timezone.now() + timedelta(seconds=6), tick=False):
        assert outbox.outbox_deliver(message_id=row.pk) == "delivered"
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_an_answer_slower_than_the_limit_is_a_failure(endpoint, applicant, receiver, settings):
    settings.CHIPGATE_WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 0.6
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    assert deliver_all(endpoint) == ["retry"]
    (attempt,) = WebhookDelivery.objects.get(endpoint=endpoint).attempts.all()
    assert (attempt.status_code, attempt.succeeded) == (None, False)
    assert attempt.error.startswith(("TimeoutError", "timeout"))
    assert 250 <= attempt.duration_ms < 600
