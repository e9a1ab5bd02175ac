"""Concurrent moves on one request on PostgreSQL: exactly one wins, the rest are refused, the chain holds."""
import threading

import pytest
from django.db import connection, connections

from approvals import services
from approvals.audit import audit_verify_request
from approvals.errors import WorkflowError
from approvals.models import ImportRequest
from tests.factories import request_in_review

pytestmark = pytest.mark.django_db(transaction=True)

# Each of these leaves under_review for a state where none of the others is allowed.
DECISIONS = [
    ("approve", {}),
    ("reject", {"reason_codes": ["other"], "reason": "Concurrent rejection."}),
    ("approve", {"conditions": "Second approval."}),
    ("request_information", {"question": "Concurrent question?"}),
    ("request_information", {"question": "Another concurrent question?"}),
    ("reject", {"reason_codes": ["over_provisioned"], "reason": "Another rejection."}),
]


def test_conflicting_moves_exactly_one_wins(applicant, reviewer, reviewer2, senior):
    assert connection.vendor == "postgresql"
    request = request_in_review(applicant)
    actors = [reviewer, reviewer2, senior]
    barrier = threading.Barrier(len(DECISIONS))
    outcomes = []

    def attempt(index, action, payload):
        try:
            barrier.wait()
            services.request_transition(import_request_id=request.pk, action=action, actor=actors[index % 3],
                                        payload=payload)
            outcomes.append(("won", action))
        except WorkflowError as exc:
            outcomes.append((exc.code, action))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, *decision)) for i, decision in enumerate(DECISIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [action for outcome, action in outcomes if outcome == "won"]
    assert len(outcomes) == len(DECISIONS)
    assert len(winners) == 1
    assert all(outcome == "not_allowed_in_state" for outcome, _ in outcomes if outcome != "won")
    final = ImportRequest.objects.get(pk=request.pk)
    assert final.version == request.version + 1
    assert final.events.filter(action=winners[0]).count() == 1
    assert audit_verify_request(import_request=final) is None
