"""Notifications: who hears of what, once per dedupe key, emailed at most once each."""
import pytest
from django.core import mail

from approvals import notifications, services
from approvals.models import Notification, OutboxMessage
from tests.factories import request_in_review, submitted_request

pytestmark = pytest.mark.django_db


def test_reviewers_hear_of_new_cases_and_applicants_of_every_status_change(
    applicant, reviewer, senior, django_capture_on_commit_callbacks
):
    request = submitted_request(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_screen(import_request_id=request.pk)
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == {(reviewer.username, "new_case"), (senior.username, "new_case"),
                     (applicant.username, "status_changed")}
    assert len(mail.outbox) == 3
    assert {message.to[0] for message in mail.outbox} == {reviewer.email, senior.email, applicant.email}
    applicant_mail = next(message for message in mail.outbox if message.to == [applicant.email])
    assert f"/requests/{request.public_id}/" in applicant_mail.body


def test_applicant_hears_every_question_and_the_reviewer_every_answer(
    applicant, reviewer, django_capture_on_commit_callbacks
):
    request = request_in_review(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                                    payload={"question": "Who operates the site?"})
    question = Notification.objects.get(recipient=applicant, kind="question")
    assert "Who operates the site?" in question.body
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(import_request_id=request.pk, action="respond", actor=applicant,
                                    payload={"answer": "We do."})
    answer = Notification.objects.get(recipient=reviewer, kind="answer")
    assert "We do." in answer.body
    assert f"/admin/approvals/importrequest/{request.pk}/change/" in answer.body


def test_notifying_an_event_again_writes_and_sends_nothing_new(
    applicant, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_in_review(applicant)
    event = request.events.get(action="screen")
    counts = (Notification.objects.count(), OutboxMessage.objects.count(), len(mail.outbox))
    assert counts == (3, 3, 3)  # submitted and under review for the applicant, a new case for the reviewer
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_event(event) == []
    assert (Notification.objects.count(), OutboxMessage.objects.count(), len(mail.outbox)) == counts


def test_applicants_are_not_told_the_escalation_rationale(applicant, reviewer, django_capture_on_commit_callbacks):
    request = request_in_review(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(import_request_id=request.pk, action="escalate", actor=reviewer,
                                    payload={"recommendation": "reject", "rationale": "Looks like a front company."})
    told = Notification.objects.get(recipient=applicant, kind="status_changed", body__contains="senior review")
    assert "front company" not in told.body
    assert not [message for message in mail.outbox if "front company" in message.body and applicant.email in message.to]


def test_user_text_in_emails_is_not_html_escaped_but_stays_plain_text(applicant, reviewer):
    request = request_in_review(applicant)
    services.request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                                payload={"question": "Is <b>this</b> & that yours?"})
    assert "Is <b>this</b> & that yours?" in Notification.objects.get(kind="question").body


def test_status_names_are_written_in_words(applicant, reviewer, django_capture_on_commit_callbacks):
    request = submitted_request(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_screen(import_request_id=request.pk)
    moved = Notification.objects.filter(recipient=applicant, kind="status_changed").order_by("-id").first()
    assert moved.subject == f"{request.reference} is now under review"
    assert f"Your request {request.reference} moved from submitted to under review." in moved.body
    new_case = Notification.objects.get(recipient=reviewer, kind="new_case")
    assert ": tier standard (one reviewer), risk score" in new_case.body
    assert "under_review" not in moved.body + moved.subject
