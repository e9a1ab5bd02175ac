"""Notifications: who hears of what, once per dedupe key, emailed at most once each."""
import pytest
from django.core import mail

from approvals import notifications, services
from approvals.models import Notification
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


def test_a_retried_notification_task_sends_nothing_twice(applicant, reviewer, django_capture_on_commit_callbacks):
    request = request_in_review(applicant)
    event = request.events.get(action="screen")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_event(event_id=event.pk)
    count, sent = Notification.objects.count(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_event(event_id=event.pk)
    assert (Notification.objects.count(), len(mail.outbox)) == (count, sent)


def test_a_failed_email_is_released_for_the_retry(applicant, reviewer, monkeypatch):
    request = request_in_review(applicant)
    notifications.notify_event(event_id=request.events.get(action="screen").pk)
    notification = Notification.objects.get(recipient=reviewer)

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with pytest.raises(ConnectionError):
        notifications.notification_send_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert notifications.notification_send_email(notification_id=notification.pk) is True
    assert notifications.notification_send_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_user_text_in_emails_is_not_html_escaped_but_stays_plain_text(applicant, reviewer):
    request = request_in_review(applicant)
    services.request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                                payload={"question": "Is <b>this</b> & that yours?"})
    notifications.notify_event(event_id=request.events.get(action="request_information").pk)
    assert "Is <b>this</b> & that yours?" in Notification.objects.get(kind="question").body
