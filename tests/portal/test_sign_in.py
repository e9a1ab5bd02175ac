"""Sign-in, sign-out, password reset by email, and the lockout after repeated failures."""
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(company):
    return ApplicantFactory(username="mei", membership__company=company)


def test_the_login_page_has_labelled_fields(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username"' in html and '<label for="id_password"' in html
    assert 'type="submit"' in html
    assert 'href="/accounts/password-reset/"' in html


def test_signing_in_leads_to_the_dashboard(client, person):
    response = client.post("/accounts/login/", {"username": "mei", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, person):
    response = client.post("/accounts/login/", {"username": "mei", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/login/", {"username": "mei", "password": "wrong"}).status_code == 200
    locked = client.post("/accounts/login/", {"username": "mei", "password": "wrong"})
    assert locked.status_code == 429
    assert b"Signing in is paused" in locked.content
    again = client.post("/accounts/login/", {"username": "mei", "password": "pw-for-tests"})
    assert again.status_code == 429
    assert client.get("/").status_code == 302


def test_the_lockout_is_per_account(client, person, company, settings):
    ApplicantFactory(username="jun", membership__company=company)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "mei", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "jun", "password": "pw-for-tests"})
    assert response.status_code == 302



def test_the_lockout_is_counted_in_the_shared_cache(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "mei", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "mei", "password": "pw-for-tests"}).status_code == 429
    assert not AccessAttempt.objects.exists()
    cache.clear()
    assert client.post("/accounts/login/", {"username": "mei", "password": "pw-for-tests"}).status_code == 302

def test_sign_out_needs_a_post(client, person):
    client.force_login(person)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_sign_out_is_csrf_protected(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/").status_code == 200


def test_a_password_reset_goes_by_email_and_works_once(client, person):
    response = client.post("/accounts/password-reset/", {"email": person.email})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Reset your Chipgate password"
    assert message.to == [person.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "a-much-longer-passphrase", "new_password2": "a-much-longer-passphrase"})
    assert done["Location"] == "/accounts/reset/done/"
    assert b'href="/accounts/login/"' in client.get("/accounts/reset/done/").content
    person.refresh_from_db()
    assert person.check_password("a-much-longer-passphrase")
    assert not client.get(link, follow=True).context["validlink"]


def test_an_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []
