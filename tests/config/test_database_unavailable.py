"""A database that cannot be reached, or keeps dropping connections after the services ran their work again,
answers 503 with Retry-After on every surface, never a 500, and writes nothing."""
import pytest
from django.db import OperationalError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from approvals import selectors, services
from approvals.models import ImportRequest
from approvals.services import common

pytestmark = pytest.mark.django_db

DETAIL = "The service cannot reach its database just now; nothing was changed. Try again in a few seconds."


def lost(*args, **kwargs):
    raise OperationalError("consuming input failed: server closed the connection unexpectedly")


def test_the_api_answers_503_with_retry_after(monkeypatch, applicant):
    monkeypatch.setattr(services, "idempotent_call", lost)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=applicant).key}")
    response = client.post("/api/v1/requests/", {"purpose_category": "training"}, format="json",
                           HTTP_IDEMPOTENCY_KEY="order-1")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"code": "database_unavailable", "detail": DETAIL}
    assert not ImportRequest.objects.exists()


def test_the_portal_answers_503_with_a_page(monkeypatch, client, applicant):
    client.force_login(applicant)
    monkeypatch.setattr(selectors, "request_list", lost)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "<h1>Temporarily unavailable</h1>" in response.content.decode()
    assert DETAIL in response.content.decode()


def test_other_errors_are_not_dressed_up_as_503(monkeypatch, client, applicant):
    client.raise_request_exception = False
    client.force_login(applicant)

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(selectors, "request_list", broken)
    assert client.get("/").status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_is_tried_five_times_with_pauses_then_given_up(monkeypatch):
    """On PostgreSQL a lost connection (no SQLSTATE) is run again; the pauses grow; the fifth loss is raised."""
    monkeypatch.setattr(common, "_connection_lost", lambda error: True)
    pauses, runs = [], []
    monkeypatch.setattr(common.time, "sleep", pauses.append)

    @common.reconnecting
    def service():
        runs.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        service()
    assert len(runs) == 5
    assert pauses == [0.05, 0.1, 0.2, 0.4]
