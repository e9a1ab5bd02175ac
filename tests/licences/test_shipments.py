"""Shipments draw a licence down: never past what remains, only while it is active and valid, and the last unit
shipped exhausts it; each shipment opens an end-use report."""
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import clock, services
from approvals.audit import audit_verify
from approvals.errors import WorkflowError
from approvals.models import CompanyMember, Document, EndUseReport, Licence, Shipment
from tests.factories import ApplicantFactory, approved_licence

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer)  # 8 H200 and 4 H20


def ship(licence, actor, *, lines, shipped_on=None, reference="INV-2026-0001", **extra):
    return services.shipment_record(licence_id=licence.pk, actor=actor, shipped_on=shipped_on or clock.today(),
                                    reference=reference, lines=lines, **extra)


def remaining(licence) -> dict:
    return {line.chip.slug: (line.approved, line.shipped, line.remaining)
            for line in Licence.objects.get(pk=licence.pk).lines.select_related("chip")}


def test_a_shipment_draws_down_and_opens_an_end_use_report(licence, applicant):
    shipment = ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 5}],
                    uploaded_file=SimpleUploadedFile("bill-of-lading.pdf", PDF))
    assert remaining(licence) == {"nvidia-h200": (8, 5, 3), "nvidia-h20": (4, 0, 4)}
    assert (shipment.units, list(shipment.lines.values_list("chip__slug", "quantity"))) == (5, [("nvidia-h200", 5)])
    report = EndUseReport.objects.get(shipment=shipment)
    assert (report.state, report.due_on) == ("due", clock.today() + timedelta(days=90))
    assert Document.objects.get(shipment=shipment).original_name == "bill-of-lading.pdf"
    licence.refresh_from_db()
    assert (licence.status, licence.version) == ("active", 2)
    assert list(licence.events.values_list("action", flat=True)) == ["issue", "ship"]
    assert audit_verify()[1] == []


def test_the_last_unit_shipped_exhausts_the_licence(licence, applicant):
    ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 8}])
    ship(licence, applicant, lines=[{"chip": "nvidia-h20", "quantity": 4}], reference="INV-2")
    licence.refresh_from_db()
    assert licence.status == "exhausted"
    assert list(licence.events.values_list("action", flat=True)) == ["issue", "ship", "ship", "exhaust"]


def test_more_than_remains_is_refused_with_exceeds_licence_and_changes_nothing(licence, applicant):
    ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 6}])
    with pytest.raises(WorkflowError) as excinfo:
        ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 3}, {"chip": "nvidia-h20", "quantity": 1}])
    assert excinfo.value.code == "exceeds_licence"
    assert excinfo.value.message == (
        f"The shipment exceeds what licence {licence.number} has left (nvidia-h200: 3 asked, 2 left).")
    assert remaining(licence) == {"nvidia-h200": (8, 6, 2), "nvidia-h20": (4, 0, 4)}
    assert Shipment.objects.count() == EndUseReport.objects.count() == 1


@pytest.mark.parametrize("state", ["suspended", "revoked", "surrendered", "expired", "outside validity"])
def test_only_an_active_licence_within_its_validity_ships(licence, applicant, senior, state):
    if state in ("suspended", "revoked"):
        action = {"suspended": "suspend", "revoked": "revoke"}[state]
        services.licence_transition(licence_id=licence.pk, action=action, actor=senior, payload={"reason": "Checks."})
    elif state == "surrendered":
        CompanyMember.objects.filter(user=applicant).update(role="admin")
        applicant.refresh_from_db()
        services.licence_transition(licence_id=licence.pk, action="surrender", actor=applicant)
    elif state == "expired":
        Licence.objects.filter(pk=licence.pk).update(valid_until=clock.today() - timedelta(days=1))
        services.licence_transition(licence_id=licence.pk, action="expire", actor=None)
    else:
        Licence.objects.filter(pk=licence.pk).update(valid_until=clock.today() - timedelta(days=1))
    with pytest.raises(WorkflowError) as excinfo:
        ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 1}])
    assert excinfo.value.code == "licence_not_active"
    assert not Shipment.objects.exists()


def test_an_exhausted_licence_ships_nothing_more(licence, applicant):
    ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 8}, {"chip": "nvidia-h20", "quantity": 4}])
    with pytest.raises(WorkflowError) as excinfo:
        ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 1}])
    assert excinfo.value.code == "licence_not_active"
    assert "exhausted" in excinfo.value.message


@pytest.mark.parametrize(("kwargs", "field", "words"), [
    ({"lines": [{"chip": "nvidia-h200", "quantity": 0}]}, "lines.0.quantity", "1 or more"),
    ({"lines": [{"chip": "nvidia-h200", "quantity": "two"}]}, "lines.0.quantity", "whole number"),
    ({"lines": [{"chip": "nvidia-b200", "quantity": 1}]}, "lines.0.chip", "is not a chip of this licence"),
    ({"lines": [{"chip": "nvidia-h200", "quantity": 1}, {"chip": "nvidia-h200", "quantity": 1}]}, "lines.1.chip",
     "named twice"),
    ({"lines": []}, "lines", "at least one line"),
    ({"lines": [{"chip": "nvidia-h200", "quantity": 1}], "shipped_on": "tomorrow"}, "shipped_on", "YYYY-MM-DD"),
    ({"lines": [{"chip": "nvidia-h200", "quantity": 1}], "reference": " "}, "reference", "invoice or bill"),
])
def test_bad_shipments_are_refused_naming_the_field(licence, applicant, kwargs, field, words):
    with pytest.raises(WorkflowError) as excinfo:
        ship(licence, applicant, **kwargs)
    assert excinfo.value.code == "invalid"
    assert words in " ".join(excinfo.value.field_errors[field])
    assert not Shipment.objects.exists()


def test_a_shipment_dated_in_the_future_is_refused(licence, applicant):
    with time_machine.travel("2026-12-01 10:00:00+08:00"), pytest.raises(WorkflowError) as excinfo:
        ship(licence, applicant, lines=[{"chip": "nvidia-h200", "quantity": 1}], shipped_on=date(2026, 12, 2))
    assert excinfo.value.field_errors == {
        "shipped_on": ["A shipment is recorded once it has shipped: the date is in the future."]}


def test_viewers_and_other_companies_record_nothing(licence, applicant):
    viewer = ApplicantFactory(membership__company=applicant.membership.company, membership__role="viewer")
    stranger = ApplicantFactory()
    for actor in (viewer, stranger):
        with pytest.raises(WorkflowError) as excinfo:
            ship(licence, actor, lines=[{"chip": "nvidia-h200", "quantity": 1}])
        assert excinfo.value.code == "forbidden"
    assert not Shipment.objects.exists()
