"""POST /api/v1/requests/{id}/transitions/: success, 409 in the wrong state, 403 for the wrong actor, 400 payloads."""
import pytest

from approvals import services
from approvals.models import ImportRequest, ReviewEvent
from tests.api.conftest import url
from tests.factories import draft_request


def move(client, request, action, **payload):
    return client.post(url(request.public_id, "transitions/"), {"action": action, **payload}, format="json")


def test_submit_answers_the_new_status_and_version(api_for, applicant, draft):
    response = move(api_for(applicant), draft, "submit")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["version"] == draft.version + 1
    assert body["available_actions"] == ["withdraw"]
    assert response["ETag"] == f'W/"{draft.public_id}-{draft.version + 1}"'


def test_an_incomplete_draft_answers_400_naming_the_fields(api_for, applicant):
    incomplete = draft_request(applicant, end_user="", attest_no_reexport=False)
    response = move(api_for(applicant), incomplete, "submit")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body) >= {"end_user", "attest_no_reexport"}
    incomplete.refresh_from_db()
    assert incomplete.status == "draft"


def test_a_move_the_state_does_not_allow_answers_409(api_for, applicant, draft):
    response = move(api_for(applicant), draft, "respond", answer="Early.")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "not_allowed_in_state"
    assert "draft" in body["detail"]


@pytest.mark.parametrize(("action", "payload"), [
    ("approve", {}),
    ("reject", {"reason_codes": ["other"], "reason": "No."}),
    ("escalate", {"recommendation": "approve", "rationale": "Fine."}),
    ("request_information", {"question": "Why?"}),
])
def test_an_applicant_gets_403_on_reviewer_actions(api_for, applicant, in_review, action, payload):
    response = move(api_for(applicant), in_review, action, **payload)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    in_review.refresh_from_db()
    assert in_review.status == "under_review"


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_staff_cannot_reach_a_draft_to_submit_it(request, api_for, draft, role):
    response = move(api_for(request.getfixturevalue(role)), draft, "submit")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("action", ["approve", "reject", "withdraw"])
def test_an_auditor_changes_nothing(api_for, auditor, in_review, action):
    response = move(api_for(auditor), in_review, action, reason_codes=["other"], reason="x")
    assert response.status_code == 403


@pytest.mark.parametrize(("action", "payload", "field"), [
    ("reject", {"reason": "Too big."}, "reason_codes"),
    ("reject", {"reason_codes": ["nonsense"], "reason": "Too big."}, "reason_codes"),
    ("reject", {"reason_codes": ["other"]}, "reason"),
    ("escalate", {"recommendation": "maybe", "rationale": "x"}, "recommendation"),
    ("escalate", {"recommendation": "approve"}, "rationale"),
    ("request_information", {}, "question"),
    ("request_information", {"question": "Why?", "due_date": "tomorrow-ish"}, "due_date"),
    ("request_information", {"question": "Why?", "due_date": "2020-01-01"}, "due_date"),
])
def test_a_bad_payload_answers_400_naming_the_field(api_for, reviewer, in_review, action, payload, field):
    response = move(api_for(reviewer), in_review, action, **payload)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()
    assert ReviewEvent.objects.filter(import_request=in_review, action=action).count() == 0


@pytest.mark.parametrize("action", ["fly", "screen", "lapse", "expire", ""])
def test_unknown_and_system_actions_answer_400(api_for, applicant, draft, action):
    response = move(api_for(applicant), draft, action)
    assert response.status_code == 400
    assert "action" in response.json()


def test_a_missing_action_answers_400(api_for, applicant, draft):
    response = api_for(applicant).post(url(draft.public_id, "transitions/"), {}, format="json")
    assert response.status_code == 400
    assert "action" in response.json()


def test_a_reviewer_rejects_with_reason_codes(api_for, reviewer, in_review):
    response = move(api_for(reviewer), in_review, "reject", reason_codes=["over_provisioned"], reason="Too many.")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["available_actions"] == []


def test_a_reviewer_approves_a_standard_tier_case(api_for, reviewer, in_review):
    response = move(api_for(reviewer), in_review, "approve", conditions="Report utilisation quarterly.")
    assert response.status_code == 200
    assert ImportRequest.objects.get(pk=in_review.pk).licence.conditions == "Report utilisation quarterly."


def test_a_reviewer_cannot_approve_a_senior_tier_case(api_for, reviewer, senior_tier_in_review):
    response = move(api_for(reviewer), senior_tier_in_review, "approve")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_senior_returns_then_signs_off(api_for, reviewer, senior, senior_tier_in_review):
    services.request_transition(import_request_id=senior_tier_in_review.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": "Plausible."})
    returned = move(api_for(senior), senior_tier_in_review, "return", comment="Check the site.")
    assert returned.json()["status"] == "under_review"
    services.request_transition(import_request_id=senior_tier_in_review.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": "Site checked."})
    assert move(api_for(senior), senior_tier_in_review, "approve").json()["status"] == "approved"
    # Revoking is a move of the licence now; the request has no such action.
    refused = move(api_for(senior), senior_tier_in_review, "revoke", reason="End user changed.")
    assert (refused.status_code, list(refused.json())) == (400, ["action", "code", "detail"])


def test_the_applicant_withdraws(api_for, applicant, in_review):
    response = move(api_for(applicant), in_review, "withdraw", comment="Order cancelled.")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert move(api_for(applicant), in_review, "withdraw").status_code == 409


def test_malformed_json_answers_400(api_for, applicant, draft):
    response = api_for(applicant).post(url(draft.public_id, "transitions/"), "{action", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db(transaction=True)
def test_a_submit_answers_the_state_of_its_own_commit_when_screening_has_moved_on(api_for, applicant):
    """Without a broker, screening runs at the submit's commit, before the answer is written: the answer still
    says what the submit did (status submitted, version 2), and the request is under review by then."""
    draft = draft_request(applicant)
    response = api_for(applicant).post(url(draft.public_id, "transitions/"), {"action": "submit"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["version"]) == ("submitted", 2)
    assert response["ETag"] == f'W/"{draft.public_id}-2"'
    assert ImportRequest.objects.get(pk=draft.pk).status == "under_review"
