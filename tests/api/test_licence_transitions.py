"""POST /api/v1/licences/{id}/transitions/: seniors suspend, reinstate (another senior) and revoke, the holder's
administrator surrenders; 409 in the wrong state, 403 for the wrong actor, 400 payloads, as for requests."""
import pytest

from approvals.models import CompanyMember, Licence
from tests.api.conftest import licence_url
from tests.factories import ApplicantFactory, approved_licence


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer)


@pytest.fixture
def admin(applicant):
    CompanyMember.objects.filter(user=applicant).update(role="admin")
    applicant.refresh_from_db()
    return applicant


def move(client, licence, action, **payload):
    return client.post(licence_url(licence.public_id, "transitions/"), {"action": action, **payload}, format="json")


def state(licence) -> tuple[str, int]:
    licence = Licence.objects.get(pk=licence.pk)
    return licence.status, licence.version


def test_a_senior_suspends_and_the_answer_is_the_licence(api_for, senior, licence):
    response = move(api_for(senior), licence, "suspend", reason="Site inspection pending.")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["version"]) == (str(licence.public_id), "suspended", 2)
    assert body["available_actions"] == ["revoke"]  # reinstating is for another senior
    assert list(licence.events.values_list("action", "comment"))[-1] == ("suspend", "Site inspection pending.")


def test_another_senior_reinstates_and_the_one_who_suspended_cannot(api_for, senior, senior2, licence):
    move(api_for(senior), licence, "suspend", reason="Site inspection pending.")
    refused = move(api_for(senior), licence, "reinstate")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert "Two-person rule" in refused.json()["detail"]
    assert state(licence) == ("suspended", 2)
    response = move(api_for(senior2), licence, "reinstate")
    assert (response.status_code, response.json()["status"]) == (200, "active")


def test_a_senior_revokes(api_for, senior, licence):
    response = move(api_for(senior), licence, "revoke", reason="False end-use statement.")
    assert (response.status_code, response.json()["status"], response.json()["available_actions"]) == (
        200, "revoked", [])


def test_the_holders_administrator_surrenders(api_for, admin, licence):
    response = move(api_for(admin), licence, "surrender", reason="Order cancelled by the supplier.")
    assert (response.status_code, response.json()["status"]) == (200, "surrendered")


@pytest.mark.parametrize(("role", "action"), [
    ("applicant", "surrender"),
    ("viewer", "surrender"),
    ("applicant", "suspend"),
    ("reviewer", "suspend"),
    ("reviewer", "revoke"),
    ("reviewer", "surrender"),
    ("auditor", "suspend"),
    ("senior", "surrender"),
])
def test_the_wrong_actor_gets_403_and_nothing_changes(request, api_for, applicant, licence, role, action):
    if role == "viewer":
        caller = ApplicantFactory(membership__company=applicant.membership.company, membership__role="viewer")
    else:
        caller = request.getfixturevalue(role)
    response = move(api_for(caller), licence, action, reason="Because.")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert state(licence) == ("active", 1)


@pytest.mark.parametrize(("before", "action"), [
    (None, "reinstate"), ("revoke", "suspend"), ("revoke", "revoke"), ("revoke", "reinstate"), ("suspend", "suspend"),
])
def test_a_move_the_state_does_not_allow_answers_409(api_for, senior, senior2, licence, before, action):
    if before:
        move(api_for(senior), licence, before, reason="First.")
    expected = state(licence)
    response = move(api_for(senior2), licence, action, reason="Second.")
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed_in_state"
    assert state(licence) == expected


def test_the_administrator_cannot_surrender_a_revoked_licence(api_for, senior, admin, licence):
    move(api_for(senior), licence, "revoke", reason="False end-use statement.")
    response = move(api_for(admin), licence, "surrender")
    assert (response.status_code, response.json()["code"]) == (409, "not_allowed_in_state")


@pytest.mark.parametrize(("body", "field"), [
    ({"action": "suspend"}, "reason"),
    ({"action": "revoke", "reason": "   "}, "reason"),
    ({"action": "expire"}, "action"),
    ({"action": "exhaust"}, "action"),
    ({"action": "approve"}, "action"),
    ({}, "action"),
])
def test_a_bad_payload_answers_400_naming_the_field(api_for, senior, licence, body, field):
    response = api_for(senior).post(licence_url(licence.public_id, "transitions/"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()
    assert state(licence) == ("active", 1)


def test_a_suspended_licence_shows_the_holder_the_reason_but_not_who(api_for, applicant, senior, licence):
    move(api_for(senior), licence, "suspend", reason="Site inspection pending.")
    body = api_for(applicant).get(licence_url(licence.public_id)).json()
    assert body["status"] == "suspended"
    assert senior.username not in str(body)
