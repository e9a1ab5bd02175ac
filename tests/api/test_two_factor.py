"""With staff 2FA on, a staff account gets an API token only with a code (`otp`); applicants are unaffected."""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import totp_code, wrong_totp_code

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
GIVE_A_CODE = "Enter the 6-digit code from your authenticator app, or one of your backup codes."
WRONG_CODE = (
    "That code is wrong or has expired. Enter the current 6-digit code from your authenticator app, "
    "or a backup code you have not used yet."
)


def ask(client, user, **extra):
    return client.post(TOKEN_URL, {"username": user.username, "password": "pw-for-tests", **extra}, format="json")


def test_staff_without_otp_get_400_otp_required_and_no_token(anonymous, reviewer, enrolment, two_factor_on):
    response = ask(anonymous, reviewer)
    assert response.status_code == 400
    assert response.json() == {"otp": [GIVE_A_CODE], "code": "otp_required", "detail": GIVE_A_CODE}
    assert not Token.objects.filter(user=reviewer).exists()


def test_an_empty_otp_counts_as_none(anonymous, reviewer, enrolment, two_factor_on):
    response = ask(anonymous, reviewer, otp="")
    assert response.status_code == 400
    assert response.json()["code"] == "otp_required"


def test_staff_with_a_code_from_the_app_get_their_token(anonymous, reviewer, enrolment, two_factor_on):
    response = ask(anonymous, reviewer, otp=totp_code(enrolment.device, 1))
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=reviewer).key}


def test_a_wrong_code_gets_400_naming_otp_and_no_token(anonymous, reviewer, enrolment, two_factor_on):
    response = ask(anonymous, reviewer, otp=wrong_totp_code(enrolment.device))
    assert response.status_code == 400
    assert response.json() == {"otp": [WRONG_CODE], "code": "invalid", "detail": WRONG_CODE}
    assert not Token.objects.filter(user=reviewer).exists()


def test_a_backup_code_gets_a_token_once(anonymous, reviewer, enrolment, two_factor_on):
    code = enrolment.backup_codes[0]
    assert ask(anonymous, reviewer, otp=code).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        again = ask(anonymous, reviewer, otp=code)
    assert again.status_code == 400
    assert again.json()["otp"] == [WRONG_CODE]


def test_after_a_wrong_code_the_next_one_waits(anonymous, reviewer, enrolment, two_factor_on):
    with time_machine.travel(timezone.now(), tick=False):
        ask(anonymous, reviewer, otp=wrong_totp_code(enrolment.device))
        response = ask(anonymous, reviewer, otp=totp_code(enrolment.device, 1))
    message = "Too many wrong codes: wait 1 second, then try again."
    assert response.status_code == 400
    assert response.json() == {"otp": [message], "code": "otp_throttled", "detail": message}


def test_staff_who_have_not_set_up_an_app_are_told_to_do_so(anonymous, reviewer, two_factor_on):
    response = ask(anonymous, reviewer, otp="123456")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "otp_required"
    assert body["otp"] == [
        "This staff account has no authenticator app set up yet: sign in to the review desk once to set one up, "
        "then give a code from it."
    ]


def test_a_wrong_password_is_refused_before_any_code_is_looked_at(anonymous, reviewer, enrolment, two_factor_on):
    device = enrolment.device
    last_used_step = device.last_t
    response = anonymous.post(
        TOKEN_URL, {"username": reviewer.username, "password": "wrong", "otp": totp_code(device, 1)}, format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Unable to log in with provided credentials."
    device.refresh_from_db()
    assert (device.last_t, device.throttling_failure_count) == (last_used_step, 0)


def test_otp_must_be_a_string(anonymous, reviewer, enrolment, two_factor_on):
    response = ask(anonymous, reviewer, otp={"code": "123456"})
    assert response.status_code == 400
    assert response.json() == {
        "otp": ["Not a valid string."], "code": "invalid", "detail": "Some fields need attention.",
    }


@pytest.mark.parametrize("role", ["senior", "maintainer", "auditor"])
def test_every_desk_group_needs_otp(anonymous, role, request, two_factor_on):
    assert ask(anonymous, request.getfixturevalue(role)).json()["code"] == "otp_required"


def test_applicants_need_no_otp(anonymous, applicant, two_factor_on):
    response = ask(anonymous, applicant)
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=applicant).key}


def test_with_2fa_off_staff_need_no_otp(anonymous, reviewer):
    response = ask(anonymous, reviewer)
    assert response.status_code == 200


def test_the_schema_documents_otp(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    body = schema["components"]["schemas"]["TokenInputRequest"]
    assert set(body["properties"]) == {"username", "password", "otp"}
    assert body["required"] == ["password", "username"]
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "otp_required" in responses["400"]["description"]
