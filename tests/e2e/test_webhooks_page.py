"""The company administrator sets up a webhook in a real browser: adds it, copies the secret shown once, pings
the receiver, reads the log and redelivers."""
import pytest
from standardwebhooks import Webhook

from approvals import outbox
from tests.factories import ApplicantFactory, CompanyFactory
from tests.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(settings):
    settings.CHIPGATE_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    running = Receiver()
    yield running
    running.stop()


def test_the_administrator_adds_pings_and_redelivers(page, login, receiver, artifacts_dir):
    company = CompanyFactory(legal_name="Shenzhen Lattice Compute Co., Ltd.")
    ApplicantFactory(username="admin-a", membership__company=company, membership__role="admin")
    login("admin-a")
    page.get_by_role("link", name="Webhooks").click()
    assert "No endpoints yet." in page.inner_text("main")

    page.fill("#id_url", "http://10.0.0.7/hooks")
    page.check("input[value='request.status_changed']")
    page.click("text=Add the endpoint")
    assert "public addresses only" in page.inner_text("main")

    page.fill("#id_url", receiver.url)
    page.check("input[value='licence.issued']")
    page.click("text=Add the endpoint")
    secret = page.inner_text("[data-webhook-secret]").strip()
    assert secret.startswith("whsec_")
    page.screenshot(path=str(artifacts_dir / "webhook-secret.png"), full_page=True)
    page.click("text=I have copied it")
    assert secret not in page.content()

    page.click("text=Send a ping")
    assert outbox.outbox_deliver_due(budget_seconds=5) == 1  # the periodic sweep's work, without a broker
    page.reload()
    log = page.inner_text("[data-webhook-deliveries]")
    assert "ping" in log and "HTTP 200" in log
    body = Webhook(secret).verify(receiver.received[0].body, receiver.received[0].headers)
    assert body["type"] == "ping"

    page.click("text=Redeliver")
    assert "Delivery queued to be sent again." in page.inner_text("main")
    assert outbox.outbox_deliver_due(budget_seconds=5) == 1
    assert [got.headers["webhook-id"] for got in receiver.received] == [receiver.received[0].headers["webhook-id"]] * 2
    page.screenshot(path=str(artifacts_dir / "webhook-log.png"), full_page=True)
