"""Webhooks with a real worker and a local receiver: a receiver failing twice gets the event on the third attempt,
exactly once, signed so that the Standard Webhooks library verifies it; and a delivery starts at the commit."""
import time

import pytest
from standardwebhooks import Webhook

from approvals import services, tasks
from approvals.models import WebhookDelivery
from tests.factories import ApplicantFactory, draft_request
from tests.integration.conftest import wait_for
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(settings):
    settings.CHIPGATE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.CHIPGATE_WEBHOOK_RETRY_SCHEDULE = [1, 1, 1]
    running = Receiver(script=[500, 500, 200])
    yield running
    running.stop()


def delivered_after_sweeps(delivery_filter) -> bool:
    """What beat does every few seconds: a sweep sends the retries that fell due."""
    tasks.sweep_outbox.delay()
    return WebhookDelivery.objects.filter(**delivery_filter, state="delivered").exists()


def test_500_twice_then_200_is_delivered_once_after_three_logged_attempts(worker, receiver, company):
    admin = ApplicantFactory(membership__company=company, membership__role="admin")
    applicant = ApplicantFactory(membership__company=company)
    endpoint, secret = services.webhook_endpoint_create(actor=admin, url=receiver.url,
                                                        events=["request.status_changed"])
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    wait_for(lambda: delivered_after_sweeps({"endpoint": endpoint}), timeout=30, interval=0.5)
    time.sleep(2)  # nothing more arrives: no retry after the success
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.state, delivery.attempt_count) == ("delivered", 3)
    assert [(attempt.status_code, attempt.succeeded) for attempt in delivery.attempts.all()] == [
        (500, False), (500, False), (200, True)]
    assert len(receiver.received) == 3
    assert {got.headers["webhook-id"] for got in receiver.received} == {delivery.webhook_id}
    last = receiver.received[-1]
    body = Webhook(secret).verify(last.body, last.headers)
    assert body["type"] == "request.status_changed"
    assert body["data"]["id"] == str(import_request.public_id)
    assert body["data"]["status"] == "withdrawn"


def test_a_delivery_is_sent_at_the_commit_not_at_the_next_sweep(worker, receiver, company):
    receiver.script = []
    admin = ApplicantFactory(membership__company=company, membership__role="admin")
    applicant = ApplicantFactory(membership__company=company)
    endpoint, _ = services.webhook_endpoint_create(actor=admin, url=receiver.url, events=["request.status_changed"])
    import_request = draft_request(applicant)
    committed = time.time()
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    wait_for(lambda: receiver.received, timeout=10, interval=0.02)
    # Started on commit, not left to the sweep (every 5 s); bench/webhooks.py measures the latency itself.
    assert receiver.received[0].at - committed < 2.0
    wait_for(lambda: WebhookDelivery.objects.filter(endpoint=endpoint, state="delivered").exists(), timeout=10)
