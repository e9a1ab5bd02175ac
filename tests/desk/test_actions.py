"""Each desk action as each role: buttons only where allowed, the service decides, refusals change nothing."""
import pytest

from approvals import services
from approvals.models import InformationRequest, ReviewEvent
from tests.desk.conftest import action_url, change_url

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "request_information": {"question": "Which labs share the cluster?", "due_date": ""},
    "approve": {"conditions": "Quarterly usage reports."},
    "reject": {"reason_codes": ["over_provisioned", "other"], "reason": "The order exceeds the declared run."},
    "escalate": {"recommendation": "approve", "rationale": "Declared run matches the order."},
    "return": {"comment": "Please check the rolling totals."},
}


def buttons(client, request_obj) -> str:
    return client.get(change_url(request_obj)).content.decode()


def post_action(client, request_obj, action, data=None):
    return client.post(action_url(request_obj, action), data if data is not None else PAYLOADS[action], follow=True)


def assert_unchanged(request_obj, status, events_before):
    request_obj.refresh_from_db()
    assert request_obj.status == status
    assert ReviewEvent.objects.filter(import_request=request_obj).count() == events_before


@pytest.mark.parametrize("role", ["reviewer", "senior"])
@pytest.mark.parametrize(("action", "target"), [
    ("request_information", "information_requested"), ("approve", "approved"), ("reject", "rejected"),
    ("escalate", "senior_review"),
])
def test_reviewers_take_each_action_on_a_standard_case(client, request, role, action, target, standard_case):
    client.force_login(request.getfixturevalue(role))
    assert f'data-action="{action}"' in buttons(client, standard_case)
    form = client.get(action_url(standard_case, action))
    assert form.status_code == 200 and 'id="action-form"' in form.content.decode()
    response = post_action(client, standard_case, action)
    assert f"the request is now {target.replace('_', ' ')}" in response.content.decode()
    standard_case.refresh_from_db()
    assert standard_case.status == target
    assert ReviewEvent.objects.filter(import_request=standard_case, action=action).count() == 1


def test_request_information_stores_the_question_and_due_date(client, reviewer, standard_case):
    client.force_login(reviewer)
    post_action(client, standard_case, "request_information",
                {"question": "Name the labs.", "due_date": "2099-01-05"})
    info = InformationRequest.objects.get(import_request=standard_case)
    assert info.question == "Name the labs." and info.due_date.isoformat() == "2099-01-05"


def test_reject_records_reason_codes(client, reviewer, standard_case):
    client.force_login(reviewer)
    post_action(client, standard_case, "reject")
    event = ReviewEvent.objects.get(import_request=standard_case, action="reject")
    assert event.payload["reason_codes"] == ["other", "over_provisioned"]
    assert event.comment == "The order exceeds the declared run."


def test_reject_without_reason_codes_shows_the_form_again_and_changes_nothing(client, reviewer, standard_case):
    client.force_login(reviewer)
    events = ReviewEvent.objects.filter(import_request=standard_case).count()
    response = post_action(client, standard_case, "reject", {"reason": "No."})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert_unchanged(standard_case, "under_review", events)


def test_a_past_due_date_is_refused_by_the_service_and_shown_on_the_form(client, reviewer, standard_case):
    client.force_login(reviewer)
    events = ReviewEvent.objects.filter(import_request=standard_case).count()
    response = post_action(client, standard_case, "request_information", {"question": "Q?", "due_date": "2001-01-01"})
    assert "The answer&#x27;s due date must be after today." in response.content.decode()
    assert_unchanged(standard_case, "under_review", events)


@pytest.mark.parametrize("role", ["auditor", "maintainer"])
@pytest.mark.parametrize("action", list(PAYLOADS))
def test_auditors_and_maintainers_are_refused_every_action(client, request, role, action, standard_case):
    client.force_login(request.getfixturevalue(role))
    events = ReviewEvent.objects.filter(import_request=standard_case).count()
    assert client.post(action_url(standard_case, action), PAYLOADS[action]).status_code == 403
    assert client.get(action_url(standard_case, action)).status_code == 403
    assert_unchanged(standard_case, "under_review", events)


SENIOR_TIER = "This is a senior-tier case: escalate it with a recommendation; a senior reviewer signs it off."
TWO_PERSON = "Two-person rule: you escalated this case, so another senior reviewer must decide it."


def shown_messages(response) -> list[str]:
    """The messages the page shows, as the person reads them."""
    return [str(message) for message in response.context["messages"]]


def test_reviewer_gets_no_approve_button_on_a_senior_tier_case(client, reviewer, senior_case):
    client.force_login(reviewer)
    page = buttons(client, senior_case)
    assert 'data-action="escalate"' in page and 'data-action="approve"' not in page
    response = client.get(action_url(senior_case, "approve"), follow=True)
    assert shown_messages(response) == [SENIOR_TIER]
    assert f'<li class="error">{SENIOR_TIER}</li>' in response.content.decode()


def test_opening_an_action_that_is_not_available_says_so_in_a_sentence(client, reviewer, standard_case):
    client.force_login(reviewer)
    response = client.get(action_url(standard_case, "return"), follow=True)
    assert shown_messages(response) == ["That action is not available to you on this request now."]


def test_forged_approve_of_a_senior_tier_case_is_refused_by_the_service(client, reviewer, senior_case):
    client.force_login(reviewer)
    events = ReviewEvent.objects.filter(import_request=senior_case).count()
    response = post_action(client, senior_case, "approve")
    assert shown_messages(response) == [SENIOR_TIER]
    assert_unchanged(senior_case, "under_review", events)


def test_senior_approves_an_escalated_case(client, senior, escalated_case):
    client.force_login(senior)
    page = buttons(client, escalated_case)
    assert 'data-action="approve"' in page and 'data-action="return"' in page
    post_action(client, escalated_case, "approve")
    escalated_case.refresh_from_db()
    assert escalated_case.status == "approved"


def test_reviewer_cannot_decide_in_senior_review(client, reviewer2, escalated_case):
    client.force_login(reviewer2)
    assert 'data-action="approve"' not in buttons(client, escalated_case)
    events = ReviewEvent.objects.filter(import_request=escalated_case).count()
    for action in ("approve", "reject", "return"):
        response = post_action(client, escalated_case, action)
        assert "Only the senior reviewer may" in response.content.decode()
    assert_unchanged(escalated_case, "senior_review", events)


def test_two_person_rule_hides_decisions_from_the_escalator_and_refuses_forged_posts(
    client, senior, senior2, senior_case
):
    services.request_transition(
        import_request_id=senior_case.pk, action="escalate", actor=senior,
        payload={"recommendation": "reject", "rationale": "Over the cap."},
    )
    client.force_login(senior)
    page = buttons(client, senior_case)
    assert 'data-action="approve"' not in page and 'data-action="reject"' not in page
    assert 'data-action="return"' in page
    events = ReviewEvent.objects.filter(import_request=senior_case).count()
    for action in ("approve", "reject"):
        response = post_action(client, senior_case, action)
        assert shown_messages(response) == [TWO_PERSON]
    response = client.get(action_url(senior_case, "approve"), follow=True)
    assert shown_messages(response) == [TWO_PERSON]
    assert_unchanged(senior_case, "senior_review", events)

    client.force_login(senior2)
    assert 'data-action="reject"' in buttons(client, senior_case)
    post_action(client, senior_case, "reject")
    senior_case.refresh_from_db()
    assert senior_case.status == "rejected"


def test_senior_returns_an_escalated_case_to_review(client, senior, escalated_case):
    client.force_login(senior)
    post_action(client, escalated_case, "return")
    escalated_case.refresh_from_db()
    assert escalated_case.status == "under_review" and escalated_case.escalated_by is None


def test_an_action_from_the_wrong_state_is_refused(client, reviewer, approved_case):
    client.force_login(reviewer)
    response = post_action(client, approved_case, "escalate")
    assert "not possible while the request is approved" in response.content.decode()
    approved_case.refresh_from_db()
    assert approved_case.status == "approved"


def test_unknown_action_is_not_found(client, reviewer, standard_case):
    client.force_login(reviewer)
    assert client.post(action_url(standard_case, "screen"), {}).status_code == 404


def test_reviewer_claims_and_releases(client, reviewer, standard_case):
    client.force_login(reviewer)
    assert 'data-action="claim"' in buttons(client, standard_case)
    response = client.post(f"/admin/approvals/importrequest/{standard_case.pk}/claim/", follow=True)
    assert "You now hold" in response.content.decode()
    standard_case.refresh_from_db()
    assert standard_case.assignee == reviewer
    page = buttons(client, standard_case)
    assert 'data-action="release"' in page and 'data-action="claim"' not in page
    client.post(f"/admin/approvals/importrequest/{standard_case.pk}/release/")
    standard_case.refresh_from_db()
    assert standard_case.assignee is None


def test_claim_needs_a_post(client, reviewer, standard_case):
    client.force_login(reviewer)
    assert client.get(f"/admin/approvals/importrequest/{standard_case.pk}/claim/").status_code == 405


def test_another_reviewer_cannot_release_a_held_case_but_a_senior_can(client, reviewer, reviewer2, senior,
                                                                        standard_case):
    services.request_claim(import_request_id=standard_case.pk, actor=reviewer)
    client.force_login(reviewer2)
    assert 'data-action="release"' not in buttons(client, standard_case)
    response = client.post(f"/admin/approvals/importrequest/{standard_case.pk}/release/", follow=True)
    assert "Only the reviewer holding the case" in response.content.decode()
    standard_case.refresh_from_db()
    assert standard_case.assignee == reviewer

    client.force_login(senior)
    assert 'data-action="release"' in buttons(client, standard_case)
    client.post(f"/admin/approvals/importrequest/{standard_case.pk}/release/")
    standard_case.refresh_from_db()
    assert standard_case.assignee is None


def test_claiming_a_decided_case_is_refused(client, reviewer, approved_case):
    client.force_login(reviewer)
    response = client.post(f"/admin/approvals/importrequest/{approved_case.pk}/claim/", follow=True)
    assert "Only cases in review can be claimed." in response.content.decode()
    approved_case.refresh_from_db()
    assert approved_case.assignee is None
