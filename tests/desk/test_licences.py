"""The desk's licences: the list, the licence page, moves by senior reviewers (with the two-person rule), decisions
on end-use reports, the expired licences with unreported units; read only for everyone else."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format

from approvals import clock, services
from approvals.models import EndUseReport, Licence, LicenceEvent, LicenceLine
from tests.desk.test_request_list import make_requests
from tests.factories import CompanyFactory, approved_licence

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/approvals/licence/"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TWO_PERSON = "Two-person rule: you suspended this licence, so another senior reviewer must reinstate it."


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer)  # 8 H200 and 4 H20


def page_url(licence) -> str:
    return f"{LIST_URL}{licence.pk}/change/"


def move_url(licence, action) -> str:
    return f"{LIST_URL}{licence.pk}/do/{action}/"


def accept_url(report) -> str:
    return f"{LIST_URL}{report.licence_id}/reports/{report.pk}/accept/"


def follow_up_url(report) -> str:
    return f"{LIST_URL}{report.licence_id}/reports/{report.pk}/follow-up/"


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def status_of(licence) -> str:
    return Licence.objects.get(pk=licence.pk).status


@pytest.fixture
def filed_report(licence, applicant):
    shipment = services.shipment_record(
        licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference="BL-77",
        lines=[{"chip": "nvidia-h200", "quantity": 6}],
        uploaded_file=SimpleUploadedFile("bill.pdf", PDF))
    return services.end_use_report_file(report_id=shipment.end_use_report.pk, actor=applicant, installed_units=6,
                                        site="Hall B, Qianhai Data Park", use="Fine-tuning <legal> models.")


# The list ------------------------------------------------------------------------------------------------

def bulk_licences(count, *, applicant, **fields) -> list[Licence]:
    """Licences written straight to the tables: the list's cost is measured, not the services'."""
    company = applicant.membership.company
    requests = make_requests(count, company=company, created_by=applicant, status="approved", sla_due=None)
    now = timezone.now()
    start = Licence.objects.count()
    licences = Licence.objects.bulk_create([
        Licence(import_request=request, holder=company, number=f"CGL-2026-{800000 + start + n:06d}",
                valid_from=clock.today(), valid_until=clock.today() + timedelta(days=365), total_units=8,
                issued_at=now - timedelta(minutes=n), **fields)
        for n, request in enumerate(requests)
    ])
    from chips.models import ChipModel

    h200 = ChipModel.objects.get(slug="nvidia-h200")
    LicenceLine.objects.bulk_create(LicenceLine(licence=licence, chip=h200, approved=8, shipped=3)
                                    for licence in licences)
    return licences


@pytest.mark.parametrize("rows", [1, 120])
def test_the_list_runs_a_constant_number_of_queries(client, reviewer, applicant, rows, django_assert_max_num_queries):
    bulk_licences(rows, applicant=applicant, flags="end_use_report_overdue")
    client.force_login(reviewer)
    with django_assert_max_num_queries(7):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="field-number"') == min(rows, 100)


def test_the_list_shows_units_status_validity_and_flags(client, reviewer, licence, applicant, senior):
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference="INV-1",
                             lines=[{"chip": "nvidia-h200", "quantity": 5}])
    Licence.objects.filter(pk=licence.pk).update(flags="end_use_report_overdue")
    client.force_login(reviewer)
    html = client.get(LIST_URL).content.decode()
    assert f'<a href="/admin/approvals/licence/{licence.pk}/change/">{licence.number}</a>' in html
    assert str(licence.holder) in html and "Active" in html and date_format(licence.valid_until) in html
    for column, value in (("approved", "12"), ("shipped", "5"), ("remaining", "7"),
                          ("flags", "end use report overdue")):
        assert f'<td class="field-{column}_display">{value}</td>' in html


def test_the_list_is_newest_first(client, reviewer, applicant):
    newer, older = bulk_licences(2, applicant=applicant)
    client.force_login(reviewer)
    html = client.get(LIST_URL).content.decode()
    assert html.index(newer.number) < html.index(older.number)


def test_the_list_filters_by_status_and_flag(client, reviewer, applicant):
    flagged, = bulk_licences(1, applicant=applicant, flags="end_use_report_overdue")
    suspended, = bulk_licences(1, applicant=applicant, status="suspended")
    client.force_login(reviewer)

    def numbers(query):
        html = client.get(LIST_URL + query).content.decode()
        return {licence.number for licence in (flagged, suspended) if licence.number in html}

    assert numbers("?flagged=yes") == {flagged.number}
    assert numbers("?flagged=no") == {suspended.number}
    assert numbers("?status__exact=suspended") == {suspended.number}


def test_the_list_searches_by_number_and_holder_name(client, reviewer, applicant, licence):
    other_holder = CompanyFactory(legal_name="Qianhai Needle Compute")
    other, = bulk_licences(1, applicant=applicant)
    Licence.objects.filter(pk=other.pk).update(holder=other_holder)
    client.force_login(reviewer)
    for term, found, missing in ((licence.number, licence, other), ("Needle", other, licence)):
        html = client.get(LIST_URL, {"q": term}).content.decode()
        assert found.number in html and missing.number not in html


# The licence page ----------------------------------------------------------------------------------------

def test_the_page_shows_lines_shipments_reports_and_timeline(client, reviewer, licence, filed_report):
    client.force_login(reviewer)
    response = client.get(page_url(licence))
    html = response.content.decode()
    assert [(line.chip.slug, line.approved, line.shipped, line.remaining)
            for line in response.context["licence_lines"]] == [("nvidia-h20", 4, 0, 4), ("nvidia-h200", 8, 6, 2)]
    document = filed_report.shipment.documents.get()
    assert f'href="/requests/{licence.import_request.public_id}/documents/{document.pk}/">bill.pdf</a>' in html
    assert "Fine-tuning &lt;legal&gt; models." in html and "Hall B, Qianhai Data Park" in html
    assert [entry.label for entry in response.context["licence_timeline"]] == [
        "Licence issued", "Shipment recorded", "End-use report filed"]
    assert "Audit chain verified: 3 events, every hash links." in html
    assert f'action="{accept_url(filed_report)}"' in html and f'href="{follow_up_url(filed_report)}"' in html
    assert 'name="status"' not in html


def test_the_page_runs_a_constant_number_of_queries(client, reviewer, licence, applicant,
                                                     django_assert_max_num_queries):
    client.force_login(reviewer)
    with django_assert_max_num_queries(16):
        assert client.get(page_url(licence)).status_code == 200
    for index in range(4):
        shipment = services.shipment_record(
            licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference=f"INV-{index}",
            lines=[{"chip": "nvidia-h20", "quantity": 1}], uploaded_file=SimpleUploadedFile("bill.pdf", PDF))
        services.end_use_report_file(report_id=shipment.end_use_report.pk, actor=applicant, installed_units=1,
                                     site="Hall B", use="Serving.")
    with django_assert_max_num_queries(16):
        assert client.get(page_url(licence)).status_code == 200


def test_a_senior_suspends_with_a_reason_and_another_senior_reinstates(client, senior, senior2, licence):
    client.force_login(senior)
    assert 'data-action="suspend"' in client.get(page_url(licence)).content.decode()
    form = client.get(move_url(licence, "suspend"))
    assert form.status_code == 200 and 'id="action-form"' in form.content.decode()
    response = client.post(move_url(licence, "suspend"), {"reason": "Site inspection pending."}, follow=True)
    assert shown_messages(response) == [f"{licence.number}: suspend recorded; the licence is now suspended."]
    assert status_of(licence) == "suspended"
    assert LicenceEvent.objects.get(licence=licence, action="suspend").comment == "Site inspection pending."

    page = client.get(page_url(licence)).content.decode()
    assert 'data-action="reinstate"' not in page and 'data-action="revoke"' in page
    assert f'<p id="refusal-note">{TWO_PERSON}</p>' in page
    response = client.post(move_url(licence, "reinstate"), {"reason": ""}, follow=True)
    assert shown_messages(response) == [TWO_PERSON]
    assert shown_messages(client.get(move_url(licence, "reinstate"), follow=True)) == [TWO_PERSON]
    assert status_of(licence) == "suspended"

    client.force_login(senior2)
    assert 'data-action="reinstate"' in client.get(page_url(licence)).content.decode()
    response = client.post(move_url(licence, "reinstate"), {"reason": ""}, follow=True)
    assert shown_messages(response) == [f"{licence.number}: reinstate recorded; the licence is now active."]
    assert status_of(licence) == "active"


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_suspend_and_revoke_need_a_reason(client, senior, licence, action):
    client.force_login(senior)
    response = client.post(move_url(licence, action), {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Give the reason; the holder is told it."]
    assert status_of(licence) == "active"


def test_a_senior_revokes_a_licence(client, senior, licence):
    client.force_login(senior)
    client.post(move_url(licence, "revoke"), {"reason": "False end-use statement."})
    assert status_of(licence) == "revoked"
    page = client.get(page_url(licence)).content.decode()
    assert "No move of this licence is open to you in its current state." in page


def test_a_move_from_the_wrong_state_is_refused_in_the_services_words(client, senior, licence):
    client.force_login(senior)
    response = client.post(move_url(licence, "reinstate"), {"reason": ""}, follow=True)
    assert shown_messages(response) == ["'reinstate' is not possible while the licence is active."]
    assert status_of(licence) == "active"


@pytest.mark.parametrize("role", ["reviewer", "auditor"])
def test_reviewers_and_auditors_get_no_moves_and_their_posts_are_refused(client, request, role, licence):
    client.force_login(request.getfixturevalue(role))
    page = client.get(page_url(licence)).content.decode()
    assert "data-action=" not in page and "No move of this licence is open to you" in page
    for action in ("suspend", "revoke"):
        assert client.post(move_url(licence, action), {"reason": "x"}).status_code == 403
        assert client.get(move_url(licence, action)).status_code == 403
    assert status_of(licence) == "active"


def test_an_unknown_move_is_not_found(client, senior, licence):
    client.force_login(senior)
    assert client.post(move_url(licence, "surrender"), {"reason": "x"}).status_code == 404
    assert client.post(move_url(licence, "expire"), {}).status_code == 404


# End-use reports -----------------------------------------------------------------------------------------

def test_a_reviewer_accepts_a_filed_report(client, reviewer, filed_report):
    client.force_login(reviewer)
    response = client.post(accept_url(filed_report), follow=True)
    assert shown_messages(response) == ["End-use report for shipment BL-77 accepted."]
    filed_report.refresh_from_db()
    assert (filed_report.state, filed_report.decided_by) == ("accepted", reviewer)
    assert 'data-report-action="accept"' not in response.content.decode()


def test_a_reviewer_follows_up_a_filed_report(client, reviewer, filed_report):
    client.force_login(reviewer)
    form = client.get(follow_up_url(filed_report))
    assert form.status_code == 200 and 'name="question"' in form.content.decode()
    due = (clock.today() + timedelta(days=20)).isoformat()
    response = client.post(follow_up_url(filed_report), {"question": "Send a photo of the racks.", "due_on": due},
                           follow=True)
    assert shown_messages(response) == ["Follow-up sent on the end-use report for shipment BL-77; it is due again."]
    filed_report.refresh_from_db()
    assert (filed_report.state, filed_report.follow_up_question, filed_report.due_on.isoformat()) == (
        "due", "Send a photo of the racks.", due)


@pytest.mark.parametrize(("data", "field", "error"), [
    ({"question": ""}, "question", "The question is required."),
    ({"question": "Why?", "due_on": "2001-01-01"}, "due_on", "The new due date must be after today."),
])
def test_a_follow_up_error_is_shown_at_its_field(client, reviewer, filed_report, data, field, error):
    client.force_login(reviewer)
    response = client.post(follow_up_url(filed_report), data)
    assert response.status_code == 200 and response.context["form"].errors[field] == [error]
    assert EndUseReport.objects.get(pk=filed_report.pk).state == "filed"


def test_a_report_not_filed_yet_cannot_be_accepted(client, reviewer, licence, applicant):
    shipment = services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                        reference="INV-9", lines=[{"chip": "nvidia-h20", "quantity": 1}])
    client.force_login(reviewer)
    page = client.get(page_url(licence)).content.decode()
    assert 'data-report-action="accept"' not in page
    response = client.post(accept_url(shipment.end_use_report), follow=True)
    assert shown_messages(response) == ["Only a filed report can be accepted."]
    assert EndUseReport.objects.get(shipment=shipment).state == "due"


def test_auditors_cannot_decide_on_reports(client, auditor, filed_report):
    client.force_login(auditor)
    assert 'data-report-action' not in client.get(page_url(filed_report.licence)).content.decode()
    assert client.post(accept_url(filed_report)).status_code == 403
    assert client.post(follow_up_url(filed_report), {"question": "x"}).status_code == 403
    assert EndUseReport.objects.get(pk=filed_report.pk).state == "filed"


def test_a_report_of_another_licence_is_not_found(client, reviewer, filed_report, applicant):
    other = approved_licence(applicant, reviewer)
    client.force_login(reviewer)
    assert client.post(f"{LIST_URL}{other.pk}/reports/{filed_report.pk}/accept/").status_code == 404


def test_accepting_needs_a_post(client, reviewer, filed_report):
    client.force_login(reviewer)
    assert client.get(accept_url(filed_report)).status_code == 405


# Unreported units, access --------------------------------------------------------------------------------

def test_expired_licences_with_unreported_units_are_listed(client, auditor, licence, applicant):
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference="INV-1",
                             lines=[{"chip": "nvidia-h200", "quantity": 3}])
    Licence.objects.filter(pk=licence.pk).update(valid_until=clock.today() - timedelta(days=1))
    services.licence_transition(licence_id=licence.pk, action="expire", actor=None)
    client.force_login(auditor)
    assert f'href="{LIST_URL}unreported/"' in client.get(LIST_URL).content.decode()
    assert f'href="{LIST_URL}unreported/"' in client.get("/admin/").content.decode()
    response = client.get(f"{LIST_URL}unreported/")
    assert [(row["licence"], row["shipped"], row["reported"], row["unreported"])
            for row in response.context["rows"]] == [(licence, 3, 0, 3)]
    assert '<td class="num"><strong>3</strong></td>' in response.content.decode()


def test_nobody_edits_a_licence_in_the_admin_not_even_a_superuser(client, licence):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    client.force_login(root)
    page = client.get(page_url(licence)).content.decode()
    assert 'name="conditions"' not in page and 'name="valid_until"' not in page
    assert client.post(page_url(licence), {"valid_until": "2099-01-01", "status": "active"}).status_code == 403
    assert client.get(f"{LIST_URL}add/").status_code == 403
    assert client.post(f"{LIST_URL}{licence.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Licence.objects.get(pk=licence.pk).valid_until == licence.valid_until


def test_applicants_and_maintainers_never_reach_the_licences(client, applicant, maintainer, licence):
    client.force_login(applicant)
    assert client.get(LIST_URL).status_code == 302
    client.force_login(maintainer)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(page_url(licence)).status_code == 403
    assert client.get(f"{LIST_URL}unreported/").status_code == 403
