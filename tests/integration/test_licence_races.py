"""Shipments racing for a licence's last units on PostgreSQL: exactly the approved quantity ships, the rest are
refused with exceeds_licence (or licence_not_active once it is exhausted), and the licence's chain holds."""
import threading
from collections import Counter

import pytest
from django.db import connection, connections

from approvals import clock, services
from approvals.audit import audit_verify_licence
from approvals.errors import WorkflowError
from approvals.models import Licence, Shipment
from tests.factories import approved_licence, line

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 16


def test_sixteen_shipments_race_for_ten_units(applicant, reviewer):
    assert connection.vendor == "postgresql"
    licence = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 10)])
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def attempt(index):
        try:
            barrier.wait()
            services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                     reference=f"INV-{index}", lines=[{"chip": "nvidia-h200", "quantity": 1}])
            outcomes.append("shipped")
        except WorkflowError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(outcomes)
    assert counts["shipped"] == 10
    assert counts["exceeds_licence"] + counts["licence_not_active"] == THREADS - 10
    licence = Licence.objects.get(pk=licence.pk)
    assert (licence.status, [line.shipped for line in licence.lines.all()]) == ("exhausted", [10])
    assert Shipment.objects.filter(licence=licence).count() == 10
    assert audit_verify_licence(licence=licence) is None
