"""Token authentication: obtaining a token, refusing bad credentials, and 401 without a valid token."""
import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.api.conftest import url

TOKEN_URL = "/api/v1/auth/token/"


def test_it_issues_a_token_for_valid_credentials(anonymous, applicant):
    response = anonymous.post(TOKEN_URL, {"username": applicant.username, "password": "pw-for-tests"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=applicant).key}


def test_the_token_works_on_the_api(anonymous, applicant):
    token = anonymous.post(
        TOKEN_URL, {"username": applicant.username, "password": "pw-for-tests"}, format="json"
    ).json()["token"]
    response = anonymous.get("/api/v1/requests/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_it_refuses_wrong_credentials_with_400_and_a_clear_message(anonymous, applicant):
    response = anonymous.post(TOKEN_URL, {"username": applicant.username, "password": "wrong"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Unable to log in with provided credentials."
    assert not Token.objects.filter(user=applicant).exists()


def test_it_names_missing_fields(anonymous):
    response = anonymous.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}


@pytest.mark.parametrize("suffix", ["", "status/", "events/"])
def test_request_routes_answer_401_without_a_token(anonymous, draft, suffix):
    response = anonymous.get(url(draft.public_id, suffix))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/requests/"), ("post", "/api/v1/requests/"), ("get", "/api/v1/chips/"),
    ("get", "/api/v1/chips/nvidia-h200/"),
])
def test_collection_routes_answer_401_without_a_token(anonymous, db, method, path):
    assert getattr(anonymous, method)(path, {}, format="json").status_code == 401


def test_transitions_answer_401_without_a_token(anonymous, draft):
    assert anonymous.post(url(draft.public_id, "transitions/"), {"action": "submit"}, format="json").status_code == 401


def test_an_unknown_token_answers_401(anonymous, draft):
    response = anonymous.get(url(draft.public_id, "status/"), HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_stops_working(api_for, applicant, draft):
    client = api_for(applicant)
    assert client.get(url(draft.public_id, "status/")).status_code == 200
    Token.objects.filter(user=applicant).delete()  # what revoking in the admin does
    assert client.get(url(draft.public_id, "status/")).status_code == 401


def test_an_inactive_users_token_answers_401(api_for, applicant, draft):
    client = api_for(applicant)
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    assert client.get(url(draft.public_id, "status/")).status_code == 401


def test_tokens_are_revocable_in_the_admin(admin_client, applicant):
    token = Token.objects.create(user=applicant)
    # DRF's token admin addresses a token by its user.
    delete_url = reverse("admin:authtoken_tokenproxy_delete", args=[applicant.pk])
    response = admin_client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(key=token.key).exists()


def test_repeated_failures_lock_the_user_out_with_403(anonymous, applicant, settings):
    wrong = {"username": applicant.username, "password": "wrong"}
    answers = [anonymous.post(TOKEN_URL, wrong, format="json").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [403]
    right = {"username": applicant.username, "password": "pw-for-tests"}
    response = anonymous.post(TOKEN_URL, right, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"
    assert not Token.objects.filter(user=applicant).exists()


def fail_from(client, user, addresses: list[str]) -> list[int]:
    wrong = {"username": user.username, "password": "wrong"}
    return [client.post(TOKEN_URL, wrong, format="json", HTTP_X_FORWARDED_FOR=address).status_code
            for address in addresses]


def sign_in_from(client, user, address: str):
    right = {"username": user.username, "password": "pw-for-tests"}
    return client.post(TOKEN_URL, right, format="json", HTTP_X_FORWARDED_FOR=address)


def test_a_rotating_x_forwarded_for_does_not_escape_the_lockout(anonymous, applicant, settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert fail_from(anonymous, applicant, [f"198.51.100.{i}" for i in range(limit)])[-1] == 403
    response = sign_in_from(anonymous, applicant, "198.51.100.250")
    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"


def test_behind_a_trusted_proxy_the_lockout_is_per_client_address(anonymous, applicant, settings):
    settings.CHIPGATE_TRUSTED_PROXIES = 1
    assert fail_from(anonymous, applicant, ["203.0.113.7"] * settings.AXES_FAILURE_LIMIT)[-1] == 403
    assert sign_in_from(anonymous, applicant, "198.51.100.1, 203.0.113.7").status_code == 403
    assert sign_in_from(anonymous, applicant, "203.0.113.8").status_code == 200
