"""Without Redis the periodic work runs in a loop beside the server: one pass does every job of the schedule."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from approvals.models import ImportRequest, OutboxMessage
from tests.factories import submitted_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_pass_screens_what_was_left_in_submitted_and_delivers_the_outbox(applicant, reviewer, capsys):
    stuck = submitted_request(applicant)  # the in-process screening at commit was lost (a crash, say)
    ImportRequest.objects.filter(pk=stuck.pk).update(status="submitted",
                                                     submitted_at=timezone.now() - timedelta(minutes=5))
    a_while_ago = timezone.now() - timedelta(minutes=5)  # emails whose delivery at commit was lost too
    OutboxMessage.objects.update(state="pending", next_attempt_at=a_while_ago)
    call_command("run_periodic", "--once")
    assert "Periodic work in this process: sweep-outbox, sweep-submitted" in capsys.readouterr().out
    assert ImportRequest.objects.get(pk=stuck.pk).status == "under_review"
    assert OutboxMessage.objects.count() >= 2
    assert set(OutboxMessage.objects.filter(next_attempt_at=a_while_ago).values_list("state", flat=True)) == {
        "delivered"}
