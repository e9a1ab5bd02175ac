"""The outbox with a real Redis broker and Celery worker: a question asked while the broker was down reaches
the applicant once the broker is back, exactly once, through the periodic sweep."""
import pytest
from django.core import mail

from approvals import services, tasks
from approvals.models import OutboxMessage
from tests.factories import request_in_review
from tests.integration.conftest import reset_producers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_question_asked_while_the_broker_is_down_is_emailed_once_it_is_back(
    celery_app_real, worker, applicant, reviewer,
):
    case = request_in_review(applicant)
    wait_for(lambda: not OutboxMessage.objects.filter(state="pending").exists())
    mail.outbox.clear()
    real_broker = celery_app_real.conf.broker_url
    celery_app_real.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    reset_producers(celery_app_real)
    try:
        moved = services.request_transition(import_request_id=case.pk, action="request_information", actor=reviewer,
                                            payload={"question": "Which hall hosts the cluster?"})
        assert moved.status == "information_requested"  # the move stands; its email is a row
    finally:
        celery_app_real.conf.broker_url = real_broker
        reset_producers(celery_app_real)
    question = OutboxMessage.objects.get(notification__kind="question", recipient=applicant)
    assert question.state == "pending"
    assert tasks.sweep_outbox.apply_async(ignore_result=False).get(timeout=30) >= 1
    wait_for(lambda: OutboxMessage.objects.get(pk=question.pk).state == "delivered")
    assert tasks.sweep_outbox.apply_async(ignore_result=False).get(timeout=30) == 0
    sent = [message for message in mail.outbox if "has a question" in message.subject]
    assert [message.to for message in sent] == [[applicant.email]]
