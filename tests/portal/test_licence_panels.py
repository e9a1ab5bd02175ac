"""Where the portal points to licences: the decision panel of an approved order and the dashboard's section."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import clock, services
from approvals.models import EndUseReport
from tests.factories import approved_licence, line, request_in_review

pytestmark = pytest.mark.django_db


def test_an_approved_order_shows_the_decision_with_its_licence_and_certificate(applicant_client, applicant,
                                                                              reviewer):
    order = request_in_review(applicant, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00")])
    h200 = order.lines.order_by("id").first()
    services.request_transition(import_request_id=order.pk, action="approve", actor=reviewer, payload={
        "conditions": "No use by <third parties>.", "approved_lines": [{"line": h200.pk, "quantity": 5}]})
    licence = order.licence
    response = applicant_client.get(f"/requests/{order.public_id}/")
    html = response.content.decode()
    assert (response.context["approved_units"], response.context["requested_units"]) == (9, 12)
    assert "<strong>Approved: 9 of 12 units</strong>" in html
    assert f'href="/licences/{licence.public_id}/"' in html
    assert f'href="/licences/{licence.public_id}/certificate/"' in html
    assert licence.number in html and "No use by &lt;third parties&gt;." in html


def test_an_order_in_review_shows_no_decision(applicant_client, applicant):
    order = request_in_review(applicant)
    response = applicant_client.get(f"/requests/{order.public_id}/")
    assert response.context["licence"] is None and "data-decision" not in response.content.decode()


def test_the_dashboard_lists_the_companys_licences(applicant_client, applicant, other_applicant, reviewer):
    mine = approved_licence(applicant, reviewer)
    theirs = approved_licence(other_applicant, reviewer)
    shipment = services.shipment_record(licence_id=mine.pk, actor=applicant, shipped_on=clock.today(),
                                        reference="INV-1", lines=[{"chip": "nvidia-h200", "quantity": 3}])
    response = applicant_client.get("/")
    html = response.content.decode()
    assert [licence.number for licence in response.context["licences"]] == [mine.number]
    assert theirs.number not in html
    assert f'<a href="/licences/{mine.public_id}/">{mine.number}</a>' in html
    assert '<span class="badge badge-active">Active</span>' in html
    assert "9 of 12" in html  # 8 H200 and 4 H20 approved, 3 shipped
    due = shipment.end_use_report.due_on
    assert f'<time datetime="{due.isoformat()}">{due.strftime("%-d %b %Y")}</time>' in html


def test_an_overdue_report_is_marked_on_the_dashboard(applicant_client, applicant, reviewer):
    licence = approved_licence(applicant, reviewer)
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                             reference="INV-1", lines=[{"chip": "nvidia-h200", "quantity": 3}])
    report = EndUseReport.objects.get()
    EndUseReport.objects.update(due_on=clock.today() - timedelta(days=1))
    services.end_use_reports_mark_overdue()
    report.refresh_from_db()
    assert report.state == "overdue"
    assert '<strong class="error-text">overdue</strong>' in applicant_client.get("/").content.decode()


def test_a_company_without_licences_is_told_where_they_come_from(applicant_client):
    assert b"No licences yet: an approved order issues one." in applicant_client.get("/").content


@pytest.mark.parametrize("licences", [1, 4])
def test_the_licence_section_costs_the_same_however_many_licences(signed_in, applicant, reviewer, licences):
    for _ in range(licences):
        licence = approved_licence(applicant, reviewer)
        services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                 reference="INV-1", lines=[{"chip": "nvidia-h20", "quantity": 1}])
    client = signed_in(applicant)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert len(response.context["licences"]) == licences
    assert len(queries) == 13  # three of them list what needs the applicant
