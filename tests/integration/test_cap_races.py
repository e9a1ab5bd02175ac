"""Two seniors approving two orders of one company at the same moment on PostgreSQL: the company's row lock
serialises them, so together they can never pass the customer cap."""
import threading
import time

import pytest
from django.db import connection, connections

from approvals import controls, services
from approvals.errors import WorkflowError
from approvals.models import ImportRequest, Licence
from tests.factories import line, request_in_review

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_approvals_racing_for_the_cap_one_wins(applicant, reviewer, senior, senior2, monkeypatch):
    assert connection.vendor == "postgresql"
    read_totals = controls.rolling_totals

    def slow_totals(**kwargs):
        """Hold each approval between reading the company's totals and writing its licence, so that the two
        overlap whatever the scheduler does: only the company's lock keeps the second from reading too early."""
        totals = read_totals(**kwargs)
        time.sleep(0.5)
        return totals

    monkeypatch.setattr(controls, "rolling_totals", slow_totals)
    cases = []
    for _ in range(2):
        case = request_in_review(applicant, lines=[line("nvidia-h200", 40_000)])
        services.request_transition(import_request_id=case.pk, action="escalate", actor=reviewer,
                                    payload={"recommendation": "approve", "rationale": "Fits the declared run."})
        cases.append(case)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(case, actor):
        try:
            barrier.wait()
            services.request_transition(import_request_id=case.pk, action="approve", actor=actor)
            outcomes.append("approved")
        except WorkflowError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(cases, (senior, senior2), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "over_customer_cap"]
    assert sum(Licence.objects.values_list("total_units", flat=True)) == 40_000
    assert sorted(ImportRequest.objects.values_list("status", flat=True)) == ["approved", "senior_review"]
