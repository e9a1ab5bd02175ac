"""Webhook endpoints over the API: the administrator manages them, other members get 403, another company 404."""
import pytest

from approvals import services
from approvals.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from tests.factories import ApplicantFactory, draft_request

pytestmark = pytest.mark.django_db
BASE = "/api/v1/webhooks/"


@pytest.fixture
def admin(company):
    return ApplicantFactory(membership__company=company, membership__role="admin")


@pytest.fixture
def other_admin(db):
    return ApplicantFactory(membership__role="admin")


@pytest.fixture
def created(api_for, admin):
    response = api_for(admin).post(BASE, {"url": "https://hooks.example.com/chipgate",
                                          "events": ["request.status_changed", "licence.issued"]}, format="json")
    assert response.status_code == 201, response.json()
    return {**response.json(), "_cache_control": response["Cache-Control"]}


def test_the_administrator_registers_an_endpoint_and_sees_its_secret_once(created, api_for, admin):
    assert created["secret"].startswith("whsec_")
    assert created["_cache_control"] == "no-store"
    assert (created["url"], created["events"], created["enabled"]) == (
        "https://hooks.example.com/chipgate", ["request.status_changed", "licence.issued"], True)
    listed = api_for(admin).get(BASE).json()
    assert [item["id"] for item in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api_for(admin).get(f"{BASE}{created['id']}/").json()


def test_unknown_events_answer_400_naming_events(api_for, admin):
    response = api_for(admin).post(BASE, {"url": "https://hooks.example.com/x", "events": ["request.deleted"]},
                                   format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(set(body) - {"code", "detail"}) == ["events"]
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://192.168.0.10/x", "http://[fe80::1]/x"])
def test_a_private_literal_address_answers_400_naming_url(api_for, admin, url):
    response = api_for(admin).post(BASE, {"url": url, "events": ["licence.issued"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "detail", "url"}
    assert WebhookEndpoint.objects.count() == 0


def test_other_members_get_403(api_for, applicant, reviewer, created):
    for user in (applicant, reviewer):
        client = api_for(user)
        assert client.get(BASE).status_code == 403
        assert client.post(BASE, {"url": "https://a.example.com/", "events": ["licence.issued"]},
                           format="json").status_code == 403
        assert client.get(f"{BASE}{created['id']}/").status_code == 403
        assert client.post(f"{BASE}{created['id']}/ping/").status_code == 403


def test_another_companys_endpoint_answers_404(api_for, other_admin, created):
    client = api_for(other_admin)
    assert client.get(BASE).json() == []
    for method, suffix in (("get", ""), ("patch", ""), ("delete", ""), ("post", "rotate-secret/"), ("post", "ping/"),
                           ("get", "deliveries/")):
        assert getattr(client, method)(f"{BASE}{created['id']}/{suffix}", {}, format="json").status_code == 404
    assert WebhookEndpoint.objects.count() == 1


def test_patch_disables_and_changes_events(api_for, admin, created):
    response = api_for(admin).patch(f"{BASE}{created['id']}/", {"enabled": False, "events": ["shipment.recorded"]},
                                    format="json")
    assert response.status_code == 200
    assert (response.json()["enabled"], response.json()["events"]) == (False, ["shipment.recorded"])
    bad = api_for(admin).patch(f"{BASE}{created['id']}/", {"url": "ftp://x.example.com/"}, format="json")
    assert bad.status_code == 400 and "url" in bad.json()
    assert WebhookEndpoint.objects.get().url == "https://hooks.example.com/chipgate"


def test_rotate_secret_answers_a_new_secret(api_for, admin, created):
    response = api_for(admin).post(f"{BASE}{created['id']}/rotate-secret/")
    assert response.status_code == 200
    assert response.json()["secret"] != created["secret"]
    assert response.json()["previous_secret_expires_at"] is not None
    assert WebhookEndpoint.objects.get().previous_secret == created["secret"]


def test_ping_deliveries_and_redeliver(api_for, admin, created, applicant):
    client = api_for(admin)
    ping = client.post(f"{BASE}{created['id']}/ping/")
    assert ping.status_code == 202
    assert (ping.json()["event_type"], ping.json()["state"]) == ("ping", "pending")
    import_request = draft_request(applicant)
    services.request_transition(import_request_id=import_request.pk, action="withdraw", actor=applicant)
    deliveries = client.get(f"{BASE}{created['id']}/deliveries/").json()
    assert [item["event_type"] for item in deliveries] == ["request.status_changed", "ping"]
    assert deliveries[0]["payload"]["data"]["status"] == "withdrawn"
    assert deliveries[0]["attempts"] == []
    busy = client.post(f"{BASE}{created['id']}/deliveries/{deliveries[0]['id']}/redeliver/")
    assert busy.status_code == 409
    OutboxMessage.objects.filter(webhook_delivery__public_id=deliveries[0]["id"]).update(state="failed")
    again = client.post(f"{BASE}{created['id']}/deliveries/{deliveries[0]['id']}/redeliver/")
    assert again.status_code == 202
    assert OutboxMessage.objects.filter(webhook_delivery__public_id=deliveries[0]["id"]).count() == 2


def test_the_delivery_log_runs_a_constant_number_of_queries(api_for, admin, created, django_assert_max_num_queries):
    client = api_for(admin)
    for _ in range(5):
        client.post(f"{BASE}{created['id']}/ping/")
    with django_assert_max_num_queries(6):
        assert len(client.get(f"{BASE}{created['id']}/deliveries/").json()) == 5
    with django_assert_max_num_queries(5):
        client.get(BASE)


def test_delete_removes_the_endpoint_and_its_deliveries(api_for, admin, created):
    api_for(admin).post(f"{BASE}{created['id']}/ping/")
    assert api_for(admin).delete(f"{BASE}{created['id']}/").status_code == 204
    assert (WebhookEndpoint.objects.count(), WebhookDelivery.objects.count()) == (0, 0)
