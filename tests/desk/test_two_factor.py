"""Staff sign in to the desk with a second factor: set-up with a QR code, codes, backup codes, no way around it."""
import re
from base64 import b32encode
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import StaffFactory, enrolled, totp_code, wrong_totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/verify/"
BACKUP_CODES = "/admin/two-factor/"
DESK_PAGES = ["/admin/", "/admin/dashboard/", "/admin/approvals/importrequest/", "/admin/chips/chipmodel/",
              BACKUP_CODES]


def sign_in(client, user, next_page: str = "/admin/"):
    """The admin's login form, as a browser posts it (its hidden ``next`` field included)."""
    return client.post(LOGIN, {"username": user.username, "password": "pw-for-tests", "next": next_page})


def setup_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def shown_codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)


# Off: nothing changes -------------------------------------------------------------------------------

def test_with_2fa_off_the_password_alone_opens_the_desk(client, reviewer):
    response = sign_in(client, reviewer)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_with_2fa_off_the_desk_offers_no_two_factor_page(client, reviewer):
    sign_in(client, reviewer)
    assert "Two-factor sign-in" not in client.get("/admin/").content.decode()
    response = client.get(BACKUP_CODES)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(SETUP)["Location"] == "/admin/"


# Setting up the authenticator app -----------------------------------------------------------------

def test_a_staff_member_without_an_app_is_sent_from_the_password_to_set_up(client, reviewer, two_factor_on):
    response = sign_in(client, reviewer)
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/setup/?next=%2Fadmin%2F"


@pytest.mark.parametrize("path", DESK_PAGES)
def test_no_desk_page_opens_before_the_second_factor(client, reviewer, two_factor_on, path):
    sign_in(client, reviewer)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    final = client.get(path, follow=True)
    assert final.redirect_chain[-1][0].startswith(SETUP)
    assert b"Set up two-factor sign-in" in final.content


def test_the_setup_page_shows_a_qr_code_and_the_secret_for_typing_in(client, reviewer, two_factor_on):
    sign_in(client, reviewer)
    page = client.get(SETUP).content.decode()
    device = setup_device(reviewer)
    secret = b32encode(device.bin_key).decode()
    assert device.confirmed is False
    assert re.search(r'<div class="qr-code" role="img" aria-label="QR code for your authenticator app"><svg ', page)
    shown = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert shown.replace(" ", "") == secret
    assert len(shown.split(" ")) == 8
    assert "Account: Chipgate (" + reviewer.username + ")" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org/2000/svg", "")


def test_reloading_the_setup_page_keeps_the_same_secret(client, reviewer, two_factor_on):
    sign_in(client, reviewer)
    client.get(SETUP)
    first = setup_device(reviewer).key
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1
    assert setup_device(reviewer).key == first


def test_a_code_from_the_app_confirms_it_and_shows_ten_backup_codes_once(client, reviewer, two_factor_on):
    sign_in(client, reviewer)
    client.get(SETUP)
    response = client.post(SETUP + "?next=%2Fadmin%2F", {"otp": totp_code(setup_device(reviewer)), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/?next=%2Fadmin%2F"
    assert setup_device(reviewer).confirmed is True

    page = client.get(response["Location"]).content.decode()
    codes = shown_codes(page)
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))
    assert "Store these codes now" in page and "They are shown only this once" in page
    assert 'href="/admin/" id="continue"' in page
    assert "Two-factor sign-in is set up for your account." in page

    again = client.get(BACKUP_CODES).content.decode()
    assert shown_codes(again) == []
    assert "You have <strong>10</strong> unused backup codes." in again
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_at_setup_is_refused_and_changes_nothing(client, reviewer, two_factor_on):
    sign_in(client, reviewer)
    client.get(SETUP)
    device = setup_device(reviewer)
    response = client.post(SETUP, {"otp": wrong_totp_code(device)})
    assert response.status_code == 200
    assert "That code is wrong or has expired." in response.content.decode()
    assert setup_device(reviewer).confirmed is False
    assert not StaticToken.objects.exists()
    assert client.get("/admin/").status_code == 302


def test_something_else_than_six_digits_at_setup_is_refused(client, reviewer, two_factor_on):
    sign_in(client, reviewer)
    client.get(SETUP)
    response = client.post(SETUP, {"otp": "12345"})
    assert "Enter the 6-digit code your authenticator app shows." in response.content.decode()
    assert setup_device(reviewer).confirmed is False


# Signing in with a code -----------------------------------------------------------------------------

def test_a_staff_member_with_an_app_is_asked_for_a_code(client, reviewer, enrolment, two_factor_on):
    response = sign_in(client, reviewer)
    assert response["Location"] == "/admin/two-factor/verify/?next=%2Fadmin%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Enter the 6-digit code from your authenticator app, or one of your backup codes" in page
    assert 'class="qr-code"' not in page and "totp-secret" not in page


def test_a_code_from_the_app_opens_the_desk(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    response = client.post(VERIFY, {"otp": totp_code(enrolment.device, 1), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_second_step_carries_on_to_the_page_asked_for(client, reviewer, enrolment, two_factor_on):
    response = sign_in(client, reviewer, next_page="/admin/dashboard/")
    assert response["Location"] == "/admin/two-factor/verify/?next=%2Fadmin%2Fdashboard%2F"
    done = client.post(response["Location"], {"otp": totp_code(enrolment.device, 1)})
    assert done["Location"] == "/admin/dashboard/"


def test_the_second_step_never_sends_anyone_to_another_site(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    done = client.post(VERIFY + "?next=https://evil.example/", {"otp": totp_code(enrolment.device, 1)})
    assert done["Location"] == "/admin/"


def test_a_wrong_code_is_refused_with_a_message(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    response = client.post(VERIFY, {"otp": wrong_totp_code(enrolment.device)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "That code is wrong or has expired. Enter the current 6-digit code from your authenticator app" in page
    assert client.get("/admin/").status_code == 302


def test_the_code_used_at_setup_cannot_be_used_again(client, reviewer, two_factor_on):
    device = TOTPDevice.objects.create(user=reviewer, name="Authenticator app", confirmed=False)
    code = totp_code(device)
    from approvals import second_factor

    second_factor.totp_enrolment_confirm(user=reviewer, otp=code)
    sign_in(client, reviewer)
    response = client.post(VERIFY, {"otp": code})
    assert "That code is wrong or has expired." in response.content.decode()


def test_after_a_wrong_code_even_the_right_one_waits(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    with time_machine.travel(timezone.now(), tick=False):
        client.post(VERIFY, {"otp": wrong_totp_code(enrolment.device)})
        response = client.post(VERIFY, {"otp": totp_code(enrolment.device, 1)})
    assert "Too many wrong codes: wait 1 second, then try again." in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_wait_doubles_with_each_wrong_code(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    start = timezone.now()

    def at(seconds: int):
        return time_machine.travel(start + timedelta(seconds=seconds), tick=False)

    # Each wrong code comes just when the wait set by the one before has passed: 1, 2, 4, 8, 16 seconds.
    for seconds in (0, 1, 3, 7, 15, 31):
        with at(seconds):
            client.post(VERIFY, {"otp": wrong_totp_code(enrolment.device)})
    with at(62):
        response = client.post(VERIFY, {"otp": totp_code(enrolment.device, 1)})
    assert "Too many wrong codes: wait 1 second, then try again." in response.content.decode()
    with at(31):
        response = client.post(VERIFY, {"otp": totp_code(enrolment.device, 1)})
    assert "Too many wrong codes: wait 32 seconds, then try again." in response.content.decode()
    with at(63):
        assert client.post(VERIFY, {"otp": totp_code(enrolment.device, 1)})["Location"] == "/admin/"


def test_a_backup_code_works_once_only(client, reviewer, enrolment, two_factor_on):
    code = enrolment.backup_codes[0]
    sign_in(client, reviewer)
    response = client.post(VERIFY, {"otp": code})
    assert response["Location"] == "/admin/"
    assert "You signed in with a backup code; 9 left." in client.get("/admin/").content.decode()

    other = Client()
    sign_in(other, reviewer)
    again = other.post(VERIFY, {"otp": code})
    assert again.status_code == 200
    assert "That code is wrong or has expired." in again.content.decode()
    assert other.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=reviewer).count() == 9


def test_a_backup_code_may_be_typed_in_capitals_and_groups(client, reviewer, enrolment, two_factor_on):
    code = enrolment.backup_codes[1]
    sign_in(client, reviewer)
    response = client.post(VERIFY, {"otp": f"{code[:4].upper()} {code[4:].upper()}"})
    assert response["Location"] == "/admin/"


def test_a_superuser_gives_a_second_factor_too(client, two_factor_on):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    response = sign_in(client, root)
    assert response["Location"] == "/admin/two-factor/setup/?next=%2Fadmin%2F"
    assert client.get("/admin/auth/user/").status_code == 302


def test_cancel_signs_out(client, reviewer, two_factor_on):
    sign_in(client, reviewer)
    response = client.post("/admin/two-factor/sign-out/")
    assert response["Location"] == "/admin/login/"
    assert client.get(SETUP)["Location"].startswith("/admin/login/")


def test_the_code_form_needs_the_csrf_token(reviewer, enrolment, two_factor_on):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(VERIFY, {"otp": totp_code(enrolment.device, 1)}).status_code == 403
    assert client.get("/admin/").status_code == 302


def test_the_second_step_is_not_for_visitors_who_are_not_signed_in(client, two_factor_on):
    response = client.get(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/two-factor/verify/"


# No way around it ----------------------------------------------------------------------------------

def test_signing_in_through_the_portal_does_not_open_the_desk(client, reviewer, enrolment, two_factor_on):
    response = client.post("/accounts/login/", {"username": reviewer.username, "password": "pw-for-tests"})
    assert response.status_code == 302
    final = client.get("/", follow=True)
    assert final.redirect_chain[-1][0] == "/admin/two-factor/verify/?next=%2Fadmin%2F"
    for path in DESK_PAGES:
        assert client.get(path).status_code == 302


def test_a_session_that_has_not_given_its_code_gets_no_api_access(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    response = client.get("/api/v1/requests/")
    assert response.status_code == 401
    assert response.json() == {
        "code": "otp_required",
        "detail": "This session has not finished signing in: give the code from your authenticator app at /admin/ "
                  "first.",
    }
    client.post(VERIFY, {"otp": totp_code(enrolment.device, 1)})
    assert client.get("/api/v1/requests/").status_code == 200


def test_applicants_sign_in_to_the_portal_as_before(client, applicant, two_factor_on):
    response = client.post("/accounts/login/", {"username": applicant.username, "password": "pw-for-tests"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/requests/").status_code == 200


def test_applicants_still_never_reach_the_desk(client, applicant, two_factor_on):
    client.force_login(applicant)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    assert client.get(SETUP)["Location"] == "/admin/"


# Backup codes afterwards ----------------------------------------------------------------------------

@pytest.fixture
def verified(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    client.post(VERIFY, {"otp": totp_code(enrolment.device, 1)})
    return client


def test_the_desk_home_links_to_two_factor_sign_in_with_the_codes_left(verified):
    page = verified.get("/admin/").content.decode()
    assert '<a href="/admin/two-factor/">Two-factor sign-in</a>' in page
    assert "10 backup codes left" in page


def test_making_new_backup_codes_replaces_the_old_ones(verified, reviewer, enrolment):
    response = verified.post(BACKUP_CODES)
    assert response["Location"] == "/admin/two-factor/"
    page = verified.get(BACKUP_CODES).content.decode()
    codes = shown_codes(page)
    assert len(codes) == 10
    assert not set(codes) & set(enrolment.backup_codes)
    assert "New backup codes are ready; the old ones no longer work." in page

    other = Client()
    sign_in(other, reviewer)
    refused = other.post(VERIFY, {"otp": enrolment.backup_codes[0]})
    assert "That code is wrong or has expired." in refused.content.decode()
    with time_machine.travel(timedelta(seconds=2)):  # past the wait a wrong code sets
        assert other.post(VERIFY, {"otp": codes[0]})["Location"] == "/admin/"


def test_making_new_backup_codes_needs_the_second_factor(client, reviewer, enrolment, two_factor_on):
    sign_in(client, reviewer)
    assert client.post(BACKUP_CODES)["Location"].startswith("/admin/login/")
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(enrolment.backup_codes)


def test_each_desk_group_and_only_staff_is_asked_for_a_second_factor(client, two_factor_on):
    for groups in (["reviewer"], ["senior_reviewer"], ["catalog_maintainer"], ["auditor"]):
        staff = StaffFactory(groups=groups)
        assert sign_in(Client(), staff)["Location"] == "/admin/two-factor/setup/?next=%2Fadmin%2F"


def test_a_superuser_removes_a_lost_authenticator_without_seeing_its_secret(client, reviewer, enrolment, two_factor_on):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    root_enrolment = enrolled(root)
    sign_in(client, root)
    client.post(VERIFY, {"otp": totp_code(root_enrolment.device, 1)})
    device_page = f"/admin/otp_totp/totpdevice/{enrolment.device.pk}/"
    page = client.get(device_page + "change/").content.decode()
    assert reviewer.username in page
    assert enrolment.device.key not in page and "qrcode" not in page
    assert client.get(device_page + "config/").status_code == 403
    assert client.post(device_page + "delete/", {"post": "yes"}).status_code == 302

    owner = Client()
    assert sign_in(owner, reviewer)["Location"] == "/admin/two-factor/setup/?next=%2Fadmin%2F"
