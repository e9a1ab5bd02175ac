"""The outbox: emails are rows written with the change, claimed with a lease, retried with backoff, sent once."""
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from approvals import outbox, tasks
from approvals.models import Notification, OutboxMessage
from tests.factories import request_in_review, submitted_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def email(applicant):
    """The outbox row of the applicant's 'now under review' email, written by screening and not yet sent."""
    request_in_review(applicant)
    email = OutboxMessage.objects.filter(recipient=applicant).order_by("-id").first()
    OutboxMessage.objects.exclude(pk=email.pk).delete()  # the other emails of the filing: not this test's
    return email


def test_a_transition_writes_its_emails_as_outbox_rows_in_its_transaction(email, applicant):
    assert (email.kind, email.state, email.attempts) == ("email", "pending", 0)
    assert email.notification.recipient == applicant
    assert email.dedupe_key == f"email:{email.notification.dedupe_key}"
    assert mail.outbox == []  # the test's transaction never committed, so nothing was sent


def test_delivery_sends_once_with_the_dedupe_key_as_message_id(email, applicant):
    assert outbox.outbox_deliver(message_id=email.pk) == "delivered"
    assert outbox.outbox_deliver(message_id=email.pk) == "skipped"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [applicant.email]
    event = email.notification.import_request.events.get(action="screen")
    assert email.dedupe_key == f"email:event:{event.pk}:status_changed:{applicant.pk}"
    assert sent.extra_headers["Message-ID"] == f"<email.event.{event.pk}.status_changed.{applicant.pk}@chipgate.local>"
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == ("delivered", 1, "")
    assert Notification.objects.get(pk=email.notification_id).emailed_at == email.delivered_at


def test_a_failed_delivery_is_recorded_and_retried_after_the_schedule(email, monkeypatch, settings):
    settings.CHIPGATE_OUTBOX_RETRY_SCHEDULE = [5, 60]

    def smtp_down(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", smtp_down)
    start = email.next_attempt_at
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        assert outbox.outbox_deliver(message_id=email.pk) == "retry"
        email.refresh_from_db()
        assert (email.state, email.attempts, email.last_error) == ("pending", 1, "ConnectionRefusedError: SMTP down")
        assert email.next_attempt_at == start + timedelta(seconds=6)
        assert outbox.outbox_deliver(message_id=email.pk) == "skipped"  # not due yet
    with time_machine.travel(start + timedelta(seconds=7), tick=False):
        assert outbox.outbox_due_ids() == [email.pk]  # a retry is sent as soon as it falls due
        assert outbox.outbox_deliver(message_id=email.pk) == "retry"
    with time_machine.travel(start + timedelta(seconds=68), tick=False):
        assert outbox.outbox_deliver(message_id=email.pk) == "failed"  # the schedule had two retries
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", 3)
    monkeypatch.undo()
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert outbox.outbox_due_ids() == []
        assert outbox.outbox_deliver(message_id=email.pk) == "skipped"
    assert mail.outbox == []


def test_a_claimed_row_waits_for_its_lease_to_lapse(email, settings):
    settings.CHIPGATE_OUTBOX_LEASE_SECONDS = 60
    start = email.next_attempt_at + timedelta(seconds=20)
    with time_machine.travel(start, tick=False):
        assert outbox._claim(email.pk, timezone.now())  # a worker took it, then was killed
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert outbox.outbox_due_ids() == []
        assert outbox.outbox_deliver(message_id=email.pk) == "skipped"
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert tasks.sweep_outbox() == 1  # tasks run in-process here: the sweep delivered it
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("delivered", 2)


def test_the_sweep_delivers_in_its_own_task_what_is_due_and_only_that(email, applicant, monkeypatch):
    sent_tasks = []
    monkeypatch.setattr(tasks.deliver_outbox_messages, "delay", lambda *args: sent_tasks.append(args))
    later = OutboxMessage.objects.create(kind="email", dedupe_key="email:later", recipient=applicant,
                                         notification=email.notification,
                                         next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert tasks.sweep_outbox() == 1
    assert sent_tasks == []  # one sweep task did the work: a backlog is not multiplied by copies of tasks
    assert list(OutboxMessage.objects.order_by("pk").values_list("pk", "state")) == [
        (email.pk, "delivered"), (later.pk, "pending")]
    assert tasks.sweep_outbox() == 0


def test_a_sweep_stops_at_its_time_budget_and_the_next_one_goes_on(email):
    assert outbox.outbox_deliver_due(budget_seconds=0) == 0
    assert OutboxMessage.objects.get(pk=email.pk).state == "pending"
    assert outbox.outbox_deliver_due() == 1


def test_a_broker_that_is_down_at_commit_loses_nothing(applicant, reviewer, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    from approvals import services

    request = request_in_review(applicant)

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.deliver_outbox_messages, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                                    payload={"question": "Which site?"})
    question = OutboxMessage.objects.get(notification__kind="question")
    assert question.state == "pending" and mail.outbox == []
    monkeypatch.undo()
    assert tasks.sweep_outbox() >= 1
    question.refresh_from_db()
    assert question.state == "delivered"
    subjects = [message.subject for message in mail.outbox if message.to == [applicant.email]]
    assert subjects.count(f"{request.reference}: the reviewer has a question") == 1


def test_after_a_failed_publish_the_process_stops_trying_for_a_moment(monkeypatch, applicant,
                                                                      django_capture_on_commit_callbacks):
    from approvals import queue

    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.screen_request, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            queue.enqueue_on_commit("approvals.tasks.screen_request", 1)
    assert len(attempts) == 1  # the next two waited for the sweep instead of on the broker
    queue._skip_until = 0.0  # the pause is over
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_on_commit("approvals.tasks.screen_request", 1)
    assert len(attempts) == 2


def test_a_transition_queues_one_delivery_task_for_all_its_emails(applicant, reviewer, reviewer2, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from approvals import services

    sent_tasks = []
    monkeypatch.setattr(tasks.deliver_outbox_messages, "delay", lambda *args: sent_tasks.append(args))
    request = submitted_request(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_screen(import_request_id=request.pk)
    emails = list(OutboxMessage.objects.filter(notification__import_request=request,
                                               notification__kind="new_case").values_list("pk", flat=True))
    assert len(emails) == 2  # one per reviewer
    assert len(sent_tasks) == 1 and set(emails) <= set(sent_tasks[0][0])
