"""Per-token throttling: a consumer over its budget gets 429 with Retry-After; other tokens are unaffected."""
import pytest

from tests.api.conftest import url


@pytest.fixture
def rate(settings):
    def set_rate(token: str = "3/min", anon: str = "2/min"):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": token, "anon": anon},
        }

    return set_rate


def test_a_token_over_its_budget_gets_429_with_retry_after(api_for, applicant, draft, rate):
    rate("3/min")
    client = api_for(applicant)
    assert [client.get(url(draft.public_id, "status/")).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url(draft.public_id, "status/"))
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_budget_is_per_token(api_for, applicant, other_applicant, draft, rate):
    rate("2/min")
    first = api_for(applicant)
    for _ in range(2):
        first.get("/api/v1/requests/")
    assert first.get("/api/v1/requests/").status_code == 429
    assert api_for(other_applicant).get("/api/v1/requests/").status_code == 200


def test_asking_for_tokens_is_throttled_per_address(anonymous, applicant, rate):
    rate(anon="2/min")
    credentials = {"username": applicant.username, "password": "wrong"}
    answers = [anonymous.post("/api/v1/auth/token/", credentials, format="json").status_code for _ in range(2)]
    assert answers == [400, 400]
    response = anonymous.post("/api/v1/auth/token/", credentials, format="json")
    assert response.status_code == 429
    assert "Retry-After" in response
