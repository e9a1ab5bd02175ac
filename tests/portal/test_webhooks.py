"""The administrator's webhook settings page: add (secret once), edit, enable/disable, delete, rotate, ping, log,
redeliver; other members are refused, another company's endpoint is not found."""
import pytest

from approvals import outbox, services
from approvals.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from tests.factories import ApplicantFactory
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db
PAGE = "/settings/webhooks/"


@pytest.fixture
def admin(company):
    return ApplicantFactory(membership__company=company, membership__role="admin")


@pytest.fixture
def admin_client(signed_in, admin):
    return signed_in(admin)


@pytest.fixture
def endpoint(admin):
    created, _ = services.webhook_endpoint_create(actor=admin, url="https://hooks.example.com/in",
                                                  events=["licence.issued"])
    return created


def test_the_administrator_adds_an_endpoint_and_sees_the_secret_once(admin_client):
    response = admin_client.post(PAGE, {"url": "https://hooks.example.com/new",
                                        "events": ["request.status_changed", "shipment.recorded"], "enabled": "on"})
    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.events, endpoint.enabled) == (
        "https://hooks.example.com/new", ["request.status_changed", "shipment.recorded"], True)
    assert endpoint.secret in response.content.decode()
    listing = admin_client.get(PAGE).content.decode()
    assert "https://hooks.example.com/new" in listing
    assert endpoint.secret not in listing
    assert endpoint.secret not in admin_client.get(f"{PAGE}{endpoint.public_id}/").content.decode()


def test_a_private_address_is_refused_with_the_message_at_the_url_field(admin_client):
    response = admin_client.post(PAGE, {"url": "http://10.0.0.5/hook", "events": ["licence.issued"]})
    assert response.status_code == 400
    assert "public addresses only" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_the_nav_links_the_page_for_the_administrator_only(admin_client, applicant_client):
    assert f'href="{PAGE}"' in admin_client.get("/").content.decode()
    assert f'href="{PAGE}"' not in applicant_client.get("/").content.decode()


def test_other_members_are_refused_and_another_company_gets_not_found(applicant_client, signed_in, endpoint):
    assert applicant_client.get(PAGE).status_code == 403
    assert applicant_client.post(f"{PAGE}{endpoint.public_id}/ping/").status_code == 403
    stranger = signed_in(ApplicantFactory(membership__role="admin"))
    assert stranger.get(f"{PAGE}{endpoint.public_id}/").status_code == 404
    assert stranger.post(f"{PAGE}{endpoint.public_id}/delete/").status_code == 404
    assert WebhookEndpoint.objects.count() == 1


def test_edit_toggle_rotate_and_delete(admin_client, endpoint):
    detail = f"{PAGE}{endpoint.public_id}/"
    saved = admin_client.post(detail, {"url": "https://hooks.example.com/v2", "events": ["licence.status_changed"],
                                       "enabled": "on"})
    assert saved.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == ("https://hooks.example.com/v2", ["licence.status_changed"])
    admin_client.post(f"{detail}toggle/")
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    old = endpoint.secret
    rotated = admin_client.post(f"{detail}rotate-secret/")
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert endpoint.secret in rotated.content.decode()
    assert admin_client.get(f"{detail}delete/").status_code == 200
    assert admin_client.post(f"{detail}delete/").status_code == 302
    assert WebhookEndpoint.objects.count() == 0


def test_ping_the_log_and_redeliver(admin_client, admin, settings, django_assert_max_num_queries):
    settings.CHIPGATE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver = Receiver(script=[503])
    try:
        endpoint, _ = services.webhook_endpoint_create(actor=admin, url=receiver.url, events=["licence.issued"])
        detail = f"{PAGE}{endpoint.public_id}/"
        assert admin_client.post(f"{detail}ping/").status_code == 302
        (row,) = OutboxMessage.objects.filter(webhook_delivery__endpoint=endpoint)
        assert outbox.outbox_deliver(message_id=row.pk) == "retry"
        for _ in range(3):
            services.webhook_endpoint_ping(actor=admin, public_id=endpoint.public_id)
        with django_assert_max_num_queries(12):
            page = admin_client.get(detail).content.decode()
        assert "HTTP 503" in page and page.count("data-delivery=") == 4
        delivery = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id").first()
        OutboxMessage.objects.filter(pk=row.pk).update(state="failed")
        admin_client.post(f"{detail}deliveries/{delivery.public_id}/redeliver/")
        again = OutboxMessage.objects.filter(webhook_delivery=delivery).exclude(pk=row.pk).get()
        assert outbox.outbox_deliver(message_id=again.pk) == "delivered"
        assert "HTTP 200" in admin_client.get(detail).content.decode()
    finally:
        receiver.stop()
