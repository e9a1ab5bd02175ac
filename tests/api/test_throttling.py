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


def token_attempts(client, user, forwarded_for: list[str]) -> list[int]:
    """One token request per address, alternating wrong passwords and bodies without a password."""
    bodies = [{"username": user.username, "password": "wrong"}, {"username": user.username}]
    return [
        client.post("/api/v1/auth/token/", bodies[i % 2], format="json", HTTP_X_FORWARDED_FOR=address).status_code
        for i, address in enumerate(forwarded_for)
    ]


def test_a_rotating_x_forwarded_for_does_not_escape_the_address_budget(anonymous, applicant, rate):
    rate(anon="5/min")
    answers = token_attempts(anonymous, applicant, [f"198.51.100.{i}" for i in range(100)])
    assert 429 not in answers[:5]
    assert answers[5:] == [429] * 95


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_budget(anonymous, applicant, rate, settings):
    settings.CHIPGATE_TRUSTED_PROXIES = 1
    rate(anon="2/min")
    assert token_attempts(anonymous, applicant, ["203.0.113.7"] * 3)[-1] == 429
    assert token_attempts(anonymous, applicant, ["203.0.113.8"]) == [400]


def test_behind_a_trusted_proxy_a_spoofed_left_entry_does_not_change_the_address(anonymous, applicant, rate, settings):
    settings.CHIPGATE_TRUSTED_PROXIES = 1
    rate(anon="2/min")
    spoofed = [f"198.51.100.{i}, 203.0.113.7" for i in range(3)]
    assert token_attempts(anonymous, applicant, spoofed) == [400, 400, 429]
