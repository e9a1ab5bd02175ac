"""Guards of the transition service: tiers, the two-person rule, frozen content, completeness at submit."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from approvals import services
from approvals.errors import WorkflowError
from approvals.models import ImportRequest
from approvals.selectors import available_actions
from tests.factories import draft_request, line, request_in_review

pytestmark = pytest.mark.django_db


def on(day: date):
    """Run the block on that day, mid-morning in the site's time zone (no holidays are configured here)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Asia/Shanghai")))


def test_a_single_reviewer_cannot_approve_a_senior_tier_case(applicant, reviewer):
    request = request_in_review(applicant, lines=[line("nvidia-h200", 8000)])
    assert request.tier == "senior"
    with pytest.raises(WorkflowError) as excinfo:
        services.request_transition(import_request_id=request.pk, action="approve", actor=reviewer)
    assert excinfo.value.code == "forbidden"
    assert "senior-tier" in excinfo.value.message
    assert "approve" not in available_actions(import_request=request, user=reviewer)


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_two_person_rule_the_escalator_cannot_decide(applicant, senior, senior2, decision):
    request = request_in_review(applicant, lines=[line("nvidia-h200", 8000)])
    services.request_transition(import_request_id=request.pk, action="escalate", actor=senior,
                                payload={"recommendation": "approve", "rationale": "Fits the declared purpose."})
    payload = {"reason_codes": ["other"], "reason": "No."} if decision == "reject" else {}
    with pytest.raises(WorkflowError) as excinfo:
        services.request_transition(import_request_id=request.pk, action=decision, actor=senior, payload=payload)
    assert excinfo.value.code == "forbidden"
    assert "Two-person rule" in excinfo.value.message
    request.refresh_from_db()
    assert decision not in available_actions(import_request=request, user=senior)
    assert decision in available_actions(import_request=request, user=senior2)
    decided = services.request_transition(import_request_id=request.pk, action=decision, actor=senior2, payload=payload)
    assert decided.status == ("approved" if decision == "approve" else "rejected")


def test_return_clears_the_escalator_so_a_new_escalation_counts(applicant, reviewer, senior):
    request = request_in_review(applicant, lines=[line("nvidia-h200", 8000)])
    services.request_transition(import_request_id=request.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "reject", "rationale": "Over-provisioned."})
    services.request_transition(import_request_id=request.pk, action="return", actor=senior,
                                payload={"comment": "Check the rolling totals first."})
    request.refresh_from_db()
    assert (request.status, request.escalated_by, request.recommendation) == ("under_review", None, "")


def test_submitted_content_is_frozen(applicant):
    request = request_in_review(applicant)
    before = ImportRequest.objects.get(pk=request.pk)
    with pytest.raises(WorkflowError) as excinfo:
        services.request_update(import_request_id=request.pk, actor=applicant, data={"end_user": "Someone else"},
                                lines=[line(quantity=1)])
    assert excinfo.value.code == "not_allowed_in_state"
    after = ImportRequest.objects.get(pk=request.pk)
    assert (after.end_user, after.version, after.total_units) == (before.end_user, before.version, 8)
    assert list(after.lines.values_list("quantity", flat=True)) == [8]


def test_draft_edits_bump_the_version_and_recompute_totals(applicant):
    request = draft_request(applicant)
    updated = services.request_update(import_request_id=request.pk, actor=applicant, data={"end_user": "New Ltd."},
                                      lines=[line(quantity=10), line("nvidia-h20", 5, "12000")])
    assert updated.version == request.version + 1
    assert updated.total_units == 15
    assert updated.total_tpp == 10 * 15832 + 5 * 2368


@pytest.mark.parametrize(
    ("overrides", "lines", "field", "words"),
    [
        ({"purpose_statement": "Training."}, None, "purpose_statement", "at least 200 characters"),
        ({"attest_no_reexport": False}, None, "attest_no_reexport", "not be re-exported"),
        ({"attest_no_military_end_use": False}, None, "attest_no_military_end_use", "military"),
        ({"end_user": ""}, None, "end_user", "Name the end user"),
        ({"deployment_site": " "}, None, "deployment_site", "deployment site"),
        ({}, [line("nvidia-h100-sxm")], "lines.0.chip", "not eligible"),
        ({}, [line("huawei-ascend-910c")], "lines.0.chip", "domestic"),
        ({"purpose_category": "model_training"}, None, "training_parameters", "model size"),
    ],
    ids=["short-purpose", "no-reexport", "no-military", "end-user", "site", "not-eligible", "domestic",
         "training-declaration"],
)
def test_submit_is_refused_for_an_incomplete_draft_naming_the_field(applicant, overrides, lines, field, words):
    request = draft_request(applicant, lines=lines, **overrides)
    with pytest.raises(WorkflowError) as excinfo:
        services.request_transition(import_request_id=request.pk, action="submit", actor=applicant)
    assert excinfo.value.code == "invalid"
    assert words in " ".join(excinfo.value.field_errors[field])
    request.refresh_from_db()
    assert (request.status, request.submitted_at, request.version) == ("draft", None, 1)


def test_submit_without_lines_is_refused(applicant):
    request = services.request_create(actor=applicant, data={"purpose_category": "research"}, lines=[])
    with pytest.raises(WorkflowError) as excinfo:
        services.request_transition(import_request_id=request.pk, action="submit", actor=applicant)
    assert "lines" in excinfo.value.field_errors


@pytest.mark.parametrize(
    ("action", "payload", "field"),
    [
        ("request_information", {}, "question"),
        ("request_information", {"question": "Why?", "due_date": "2001-01-01"}, "due_date"),
        ("request_information", {"question": "Why?", "due_date": "soon"}, "due_date"),
        ("reject", {"reason": "No."}, "reason_codes"),
        ("reject", {"reason_codes": ["made_up"], "reason": "No."}, "reason_codes"),
        ("reject", {"reason_codes": ["other"]}, "reason"),
        ("escalate", {"recommendation": "maybe", "rationale": "x"}, "recommendation"),
        ("escalate", {"recommendation": "approve"}, "rationale"),
        ("approve", {"conditions": 42}, "conditions"),
    ],
)
def test_a_bad_payload_is_refused_naming_the_field_and_changes_nothing(applicant, reviewer, action, payload, field):
    request = request_in_review(applicant)
    with pytest.raises(WorkflowError) as excinfo:
        services.request_transition(import_request_id=request.pk, action=action, actor=reviewer, payload=payload)
    assert excinfo.value.code == "invalid"
    assert field in excinfo.value.field_errors
    after = ImportRequest.objects.get(pk=request.pk)
    assert (after.status, after.version) == ("under_review", request.version)
    assert not after.information_requests.exists()


def test_an_unknown_action_is_invalid(applicant):
    request = draft_request(applicant)
    with pytest.raises(WorkflowError) as excinfo:
        services.request_transition(import_request_id=request.pk, action="teleport", actor=applicant)
    assert excinfo.value.code == "invalid"
    assert "action" in excinfo.value.field_errors


def test_information_request_pauses_and_answer_resumes_the_sla_clock(applicant, reviewer):
    with on(date(2026, 11, 30)):  # a Monday
        request = request_in_review(applicant)
    assert request.sla_due == date(2026, 12, 28)
    with on(date(2026, 12, 10)):  # 12 working days left
        asked = services.request_transition(import_request_id=request.pk, action="request_information",
                                            actor=reviewer, payload={"question": "Which site?"})
    assert (asked.sla_due, asked.sla_paused_days_left, asked.assignee) == (None, 12, reviewer)
    assert asked.information_requests.get().due_date == date(2026, 12, 24)
    with on(date(2026, 12, 21)):
        answered = services.request_transition(import_request_id=request.pk, action="respond", actor=applicant,
                                               payload={"answer": "Qianhai, building 3."})
    assert (answered.sla_due, answered.sla_paused_days_left) == (date(2027, 1, 6), None)
    info = answered.information_requests.get()
    assert (info.answer, info.answered_by) == ("Qianhai, building 3.", applicant)


def test_screening_sets_tier_queue_and_sla(applicant):
    with on(date(2026, 11, 30)):
        request = request_in_review(applicant, purpose_category="research")
        senior = request_in_review(applicant, lines=[line("nvidia-h200", 8000)])
    assert request.status == "under_review"
    assert (request.tier, request.queue, request.sla_working_days, request.sla_due) == (
        "standard", "research", 20, date(2026, 12, 28))
    assert (senior.tier, senior.sla_working_days, senior.sla_due) == ("senior", 45, date(2027, 2, 1))


def test_approval_issues_the_licence_with_validity_and_conditions(applicant, reviewer):
    with on(date(2026, 11, 30)):
        request = request_in_review(applicant)
        approved = services.request_transition(import_request_id=request.pk, action="approve", actor=reviewer,
                                               payload={"conditions": "Quarterly reports."})
    licence = approved.licence
    assert (licence.conditions, licence.valid_from, licence.valid_until) == (
        "Quarterly reports.", date(2026, 11, 30), date(2027, 11, 30))
    assert licence.number == f"CGL-2026-{licence.pk:06d}"
    assert approved.decided_at.astimezone(ZoneInfo("Asia/Shanghai")).date() == date(2026, 11, 30)


def test_claim_and_release_are_audited_events_not_states(applicant, reviewer, reviewer2):
    request = request_in_review(applicant)
    claimed = services.request_claim(import_request_id=request.pk, actor=reviewer)
    assert (claimed.status, claimed.assignee) == ("under_review", reviewer)
    with pytest.raises(WorkflowError) as excinfo:
        services.request_release(import_request_id=request.pk, actor=reviewer2)
    assert excinfo.value.code == "forbidden"
    released = services.request_release(import_request_id=request.pk, actor=reviewer)
    assert released.assignee is None
    assert list(released.events.values_list("action", flat=True))[-2:] == ["claim", "release"]


def test_applicants_cannot_claim(applicant):
    request = request_in_review(applicant)
    with pytest.raises(WorkflowError) as excinfo:
        services.request_claim(import_request_id=request.pk, actor=applicant)
    assert excinfo.value.code == "forbidden"
