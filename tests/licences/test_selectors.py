"""Who sees which licence: the holder's members and the regulator; anyone by the certificate's code; reads in a
fixed number of queries."""
from datetime import timedelta

import pytest
from django.http import Http404

from approvals import clock, selectors, services
from approvals.models import EndUseReport, Licence
from tests.factories import ApplicantFactory, approved_licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer)


def test_the_holder_and_the_regulator_see_it_and_no_one_else(licence, applicant, reviewer, auditor, maintainer):
    for user in (applicant, reviewer, auditor):
        assert selectors.licence_get(user=user, public_id=licence.public_id) == licence
    for user in (ApplicantFactory(), maintainer):
        with pytest.raises(Http404):
            selectors.licence_get(user=user, public_id=licence.public_id)
    assert list(selectors.licence_list(user=ApplicantFactory())) == []


def test_the_code_finds_the_licence_and_nothing_else_does(licence):
    assert selectors.licence_by_verification_code(licence.verification_code) == licence
    for code in ("", "x" * 10, licence.verification_code[:-1] + "A", "y" * 65, None):
        with pytest.raises(Http404):
            selectors.licence_by_verification_code(code)


def test_the_detail_costs_the_same_however_many_shipments(licence, applicant, django_assert_max_num_queries):
    def read():
        found = selectors.licence_get(user=applicant, public_id=licence.public_id, detail=True)
        return [(shipment.reference, [line.chip.slug for line in shipment.lines.all()], list(shipment.documents.all()))
                for shipment in found.shipments.all()], [line.chip.slug for line in found.lines.all()], [
            report.shipment.reference for report in found.end_use_reports.all()]

    with django_assert_max_num_queries(7):
        read()
    for index in range(3):
        services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                 reference=f"INV-{index}", lines=[{"chip": "nvidia-h200", "quantity": 1}])
    with django_assert_max_num_queries(7):
        shipments, lines, reports = read()
    assert (len(shipments), lines, len(reports)) == (3, ["nvidia-h20", "nvidia-h200"], 3)


def test_unreported_units_at_expiry_are_listed(licence, applicant, reviewer):
    first = services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                     reference="INV-1", lines=[{"chip": "nvidia-h200", "quantity": 3}])
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                             reference="INV-2", lines=[{"chip": "nvidia-h20", "quantity": 2}])
    services.end_use_report_file(report_id=EndUseReport.objects.get(shipment=first).pk, actor=applicant,
                                 installed_units=3, site="Hall B", use="Training.")
    Licence.objects.filter(pk=licence.pk).update(valid_until=clock.today() - timedelta(days=1))
    services.licence_transition(licence_id=licence.pk, action="expire", actor=None)
    rows = selectors.unreported_units_at_expiry()
    assert [(row["licence"].pk, row["shipped"], row["reported"], row["unreported"]) for row in rows] == [
        (licence.pk, 5, 3, 2)]
