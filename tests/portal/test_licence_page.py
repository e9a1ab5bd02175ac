"""The licence page: what may ship and what has, shipments recorded once per form, end-use reports filed,
surrender by the administrator; viewers read only and another company's licence is not found."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from approvals import clock, services
from approvals.models import CompanyMember, Document, EndUseReport, Licence, Shipment
from tests.factories import ApplicantFactory, approved_licence
from tests.portal.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer, conditions="Quarterly utilisation reports.")  # 8 H200, 4 H20


@pytest.fixture
def viewer(company):
    return ApplicantFactory(membership__company=company, membership__role=CompanyMember.CompanyRole.VIEWER)


@pytest.fixture
def administrator(company):
    return ApplicantFactory(membership__company=company, membership__role=CompanyMember.CompanyRole.ADMIN)


def page_url(licence) -> str:
    return f"/licences/{licence.public_id}/"


def shipment_token(client, licence) -> str:
    return client.get(page_url(licence)).context["form_token"]


def shipment_data(token: str, **overrides) -> dict:
    data = {"form_token": token, "shipped_on": clock.today().isoformat(), "reference": "BL-2026-0042",
            "quantity_nvidia-h200": "5", "quantity_nvidia-h20": ""}
    data.update(overrides)
    return data


def ship(licence, actor, quantity=5, reference="INV-1"):
    return services.shipment_record(licence_id=licence.pk, actor=actor, shipped_on=clock.today(),
                                    reference=reference, lines=[{"chip": "nvidia-h200", "quantity": quantity}])


def report_data(report, **overrides) -> dict:
    values = {"installed_units": "5", "site": "Hall B, Qianhai Data Park", "use": "Fine-tuning legal models.",
              **overrides}
    return {f"report-{report.public_id}-{name}": value for name, value in values.items()}


def report_url(licence, report) -> str:
    return f"/licences/{licence.public_id}/reports/{report.public_id}/"


def test_the_page_shows_the_licence_what_may_ship_and_what_has_shipped(applicant_client, applicant, licence):
    ship(licence, applicant, 5, "INV-<b>1</b>")
    response = applicant_client.get(page_url(licence))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Licence {licence.number}" in html and 'data-status="active"' in html
    assert licence.valid_from.strftime("%-d %b %Y") in html and licence.valid_until.strftime("%-d %b %Y") in html
    assert "Quarterly utilisation reports." in html
    rows = {line.chip.slug: (line.approved, line.shipped, line.remaining) for line in response.context["lines"]}
    assert rows == {"nvidia-h200": (8, 5, 3), "nvidia-h20": (4, 0, 4)}
    assert 'data-chip="nvidia-h200"><th scope="row" class="nowrap">NVIDIA H200' in html.replace("\n", "")
    assert "INV-&lt;b&gt;1&lt;/b&gt;" in html and "<b>1</b>" not in html
    report = EndUseReport.objects.get()
    assert f'class="report report-due" data-report="{report.public_id}"' in html
    assert f"Due by <strong>{report.due_on.strftime('%-d %b %Y')}</strong>" in html
    assert f'href="/licences/{licence.public_id}/certificate/"' in html


def test_an_overdue_report_is_highlighted(applicant_client, applicant, licence):
    ship(licence, applicant)
    EndUseReport.objects.update(state="overdue", due_on=clock.today() - timedelta(days=2))
    html = applicant_client.get(page_url(licence)).content.decode()
    assert 'class="report report-overdue"' in html and "Overdue: was due" in html


def test_another_companys_licence_answers_not_found_everywhere(signed_in, applicant, other_applicant, licence):
    ship(licence, applicant)
    report = EndUseReport.objects.get()
    client = signed_in(other_applicant)
    for method, url, data in [
        ("get", page_url(licence), None),
        ("post", f"{page_url(licence)}shipments/", shipment_data("x")),
        ("post", report_url(licence, report), report_data(report)),
        ("get", f"{page_url(licence)}surrender/", None),
        ("post", f"{page_url(licence)}surrender/", {"reason": "x"}),
    ]:
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == 404, (method, url)
        assert b"There is no such order, licence or document" in response.content
    assert Shipment.objects.count() == 1 and EndUseReport.objects.get().state == "due"
    assert Licence.objects.get(pk=licence.pk).status == "active"


def test_an_unknown_report_of_the_licence_answers_not_found(applicant_client, licence):
    url = f"{page_url(licence)}reports/00000000-0000-0000-0000-000000000000/"
    assert applicant_client.post(url, {}).status_code == 404


def test_a_viewer_sees_everything_but_no_forms_and_a_post_is_forbidden(signed_in, applicant, viewer, licence):
    ship(licence, applicant)
    report = EndUseReport.objects.get()
    client = signed_in(viewer)
    response = client.get(page_url(licence))
    html = response.content.decode()
    assert response.status_code == 200 and "INV-1" in html and licence.number in html
    assert "Record a shipment" not in html and "File the end-use report" not in html
    assert 'name="form_token"' not in html and "Surrender this licence" not in html
    for url, data in [(f"{page_url(licence)}shipments/", shipment_data("x")),
                      (report_url(licence, report), report_data(report)),
                      (f"{page_url(licence)}surrender/", {"reason": "x"})]:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert b"Not available to your account" in response.content
    assert Shipment.objects.count() == 1 and EndUseReport.objects.get().state == "due"
    assert Licence.objects.get(pk=licence.pk).status == "active"


def test_a_filer_records_a_shipment_with_its_document(applicant_client, licence):
    token = shipment_token(applicant_client, licence)
    response = applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(
        token, **{"quantity_nvidia-h20": "2", "document": SimpleUploadedFile("bill of lading.pdf", PDF_BYTES)}))
    assert response.status_code == 302 and response["Location"] == page_url(licence)
    shipment = Shipment.objects.get()
    assert (shipment.reference, shipment.units) == ("BL-2026-0042", 7)
    assert sorted(shipment.lines.values_list("chip__slug", "quantity")) == [("nvidia-h20", 2), ("nvidia-h200", 5)]
    document = Document.objects.get(shipment=shipment)
    page = applicant_client.get(page_url(licence)).content.decode()
    assert "Shipment recorded. Its end-use report is now due." in page
    assert f'href="/requests/{licence.import_request.public_id}/documents/{document.pk}/"' in page
    assert "bill of lading.pdf" in page


def test_a_shipment_form_posted_twice_records_one_shipment(applicant_client, licence):
    token = shipment_token(applicant_client, licence)
    first = applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(token))
    second = applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(token), follow=True)
    assert first.status_code == 302
    assert Shipment.objects.count() == 1 and EndUseReport.objects.count() == 1
    assert [str(message) for message in second.context["messages"]] == [
        "Shipment recorded. Its end-use report is now due.",
        "This shipment was already recorded; it is listed below.",
    ]
    assert Licence.objects.get(pk=licence.pk).lines.get(chip__slug="nvidia-h200").shipped == 5


def test_two_shipment_forms_opened_side_by_side_record_two_shipments(applicant_client, licence):
    first, second = shipment_token(applicant_client, licence), shipment_token(applicant_client, licence)
    applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(first, **{"quantity_nvidia-h200": "1"}))
    applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(second, **{"quantity_nvidia-h200": "1"}))
    assert Shipment.objects.count() == 2


def test_an_unknown_form_token_records_nothing_and_offers_a_fresh_form(applicant_client, licence):
    response = applicant_client.post(f"{page_url(licence)}shipments/", shipment_data("made-up"))
    assert response.status_code == 400 and not Shipment.objects.exists()
    assert response.context["shipment_errors"][0]["text"].startswith("This form had expired, so nothing was recorded.")
    fresh = response.context["form_token"]
    assert fresh and fresh != "made-up"
    assert applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(fresh)).status_code == 302
    assert Shipment.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field", "text"), [
    ({"quantity_nvidia-h200": "two"}, "quantity_nvidia-h200", "The quantity must be a whole number, 1 or more."),
    ({"quantity_nvidia-h200": "", "quantity_nvidia-h20": "-3"}, "quantity_nvidia-h20",
     "The quantity must be a whole number, 1 or more."),
    ({"reference": "  "}, "reference", "Give the invoice or bill-of-lading number."),
    ({"shipped_on": ""}, "shipped_on", "Give the shipping date as YYYY-MM-DD."),
    ({"shipped_on": "2999-01-01"}, "shipped_on",
     "A shipment is recorded once it has shipped: the date is in the future."),
    ({"document": SimpleUploadedFile("notes.pdf", b"plain text")}, "document",
     "'notes.pdf' is not a PDF, PNG or JPEG file (checked by its content)."),
])
def test_shipment_errors_are_shown_at_the_field_and_in_the_summary(applicant_client, licence, overrides, field,
                                                                  text):
    token = shipment_token(applicant_client, licence)
    response = applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(token, **overrides))
    assert response.status_code == 400
    form = response.context["shipment_form"]
    assert form.errors[field] == [text]
    html = response.content.decode()
    assert text.replace("'", "&#x27;") in html
    assert f'href="#{form[field].auto_id}"' in html  # the summary links to the field
    assert response.context["form_token"] == token  # the same form, so a corrected post still records once
    assert not Shipment.objects.exists() and not Document.objects.exists()


def test_a_shipment_of_nothing_asks_for_a_quantity(applicant_client, licence):
    token = shipment_token(applicant_client, licence)
    response = applicant_client.post(f"{page_url(licence)}shipments/",
                                     shipment_data(token, **{"quantity_nvidia-h200": "0"}))
    assert response.status_code == 400
    assert response.context["shipment_form"].non_field_errors() == [
        "Give at least one line: a chip of the licence and a quantity."]
    assert [error["text"] for error in response.context["shipment_errors"]] == [
        "Give at least one line: a chip of the licence and a quantity."]


def test_more_than_remains_is_refused_in_the_services_words(applicant_client, applicant, licence):
    ship(licence, applicant, 6)
    token = shipment_token(applicant_client, licence)
    response = applicant_client.post(f"{page_url(licence)}shipments/",
                                     shipment_data(token, **{"quantity_nvidia-h200": "3"}))
    assert response.status_code == 400
    sentence = f"The shipment exceeds what licence {licence.number} has left (nvidia-h200: 3 asked, 2 left)."
    assert [error["text"] for error in response.context["shipment_errors"]] == [sentence]
    assert sentence in response.content.decode()
    assert Shipment.objects.count() == 1


def test_a_suspended_licence_shows_why_and_ships_nothing(applicant_client, senior, licence):
    token = shipment_token(applicant_client, licence)
    services.licence_transition(licence_id=licence.pk, action="suspend", actor=senior,
                                payload={"reason": "Site inspection <pending>."})
    response = applicant_client.get(page_url(licence))
    html = response.content.decode()
    assert response.context["status_reason"] == "Site inspection <pending>."
    assert "Site inspection &lt;pending&gt;." in html and 'data-status="suspended"' in html
    assert "Record a shipment" not in html
    assert "Nothing may ship under this licence while it is suspended." in html
    response = applicant_client.post(f"{page_url(licence)}shipments/", shipment_data(token))
    assert response.status_code == 400
    sentence = f"Licence {licence.number} is suspended: nothing may ship under it now."
    assert [error["text"] for error in response.context["shipment_errors"]] == [sentence]
    assert sentence in response.content.decode()
    assert not Shipment.objects.exists()


def test_a_filer_files_the_end_use_report_with_a_photo(applicant_client, applicant, licence):
    ship(licence, applicant)
    report = EndUseReport.objects.get()
    html = applicant_client.get(page_url(licence)).content.decode()
    assert f'action="{report_url(licence, report)}"' in html
    data = report_data(report)
    data[f"report-{report.public_id}-document"] = SimpleUploadedFile("racks.pdf", PDF_BYTES)
    response = applicant_client.post(report_url(licence, report), data)
    assert response.status_code == 302 and response["Location"] == page_url(licence)
    report.refresh_from_db()
    assert (report.state, report.installed_units, report.site) == ("filed", 5, "Hall B, Qianhai Data Park")
    assert Document.objects.get(end_use_report=report).original_name == "racks.pdf"
    html = applicant_client.get(page_url(licence)).content.decode()
    assert "File the end-use report" not in html and "racks.pdf" in html


@pytest.mark.parametrize(("overrides", "field", "text"), [
    ({"installed_units": "6"}, "installed_units", "The shipment carried 5 units; no more can be installed from it."),
    ({"installed_units": ""}, "installed_units", "Give the number of units installed, 0 or more."),
    ({"site": ""}, "site", "The site is required."),
    ({"use": " "}, "use", "What the chips are used for is required."),
])
def test_end_use_report_errors_are_shown_at_the_field(applicant_client, applicant, licence, overrides, field, text):
    ship(licence, applicant)
    report = EndUseReport.objects.get()
    response = applicant_client.post(report_url(licence, report), report_data(report, **overrides))
    assert response.status_code == 400
    form = next(item["form"] for item in response.context["reports"] if item["report"].pk == report.pk)
    assert form.errors[field] == [text]
    assert text in response.content.decode()
    assert EndUseReport.objects.get().state == "due"


def test_a_report_posted_twice_is_filed_once(applicant_client, applicant, licence):
    ship(licence, applicant)
    report = EndUseReport.objects.get()
    applicant_client.post(report_url(licence, report), report_data(report))
    response = applicant_client.post(report_url(licence, report), report_data(report, site="Elsewhere"), follow=True)
    assert "This end-use report is filed: it was filed already." in [str(m) for m in response.context["messages"]]
    report.refresh_from_db()
    assert report.site == "Hall B, Qianhai Data Park"
    assert licence.events.filter(action="report").count() == 1


def test_the_administrator_surrenders_the_licence_after_confirming(signed_in, administrator, licence):
    client = signed_in(administrator)
    assert f'href="{page_url(licence)}surrender/"' in client.get(page_url(licence)).content.decode()
    confirm = client.get(f"{page_url(licence)}surrender/")
    assert confirm.status_code == 200 and b"Surrender licence" in confirm.content
    response = client.post(f"{page_url(licence)}surrender/", {"reason": "The project was cancelled."}, follow=True)
    assert f"Licence {licence.number} surrendered: nothing more may ship under it." in response.content.decode()
    licence.refresh_from_db()
    assert licence.status == "surrendered"
    assert licence.events.get(action="surrender").comment == "The project was cancelled."
    again = client.post(f"{page_url(licence)}surrender/", {"reason": ""}, follow=True)
    assert f"Licence {licence.number} cannot be surrendered while it is surrendered." in again.content.decode()


def test_a_filer_may_not_surrender(applicant_client, licence):
    assert "Surrender this licence" not in applicant_client.get(page_url(licence)).content.decode()
    response = applicant_client.post(f"{page_url(licence)}surrender/", {"reason": "x"})
    assert response.status_code == 403
    assert Licence.objects.get(pk=licence.pk).status == "active"


def test_the_timeline_names_staff_by_role_only(applicant_client, applicant, senior, senior2, licence):
    senior.first_name, senior.last_name = "Wen", "Li"
    senior.save()
    services.licence_transition(licence_id=licence.pk, action="suspend", actor=senior, payload={"reason": "Checks."})
    services.licence_transition(licence_id=licence.pk, action="reinstate", actor=senior2, payload={})
    response = applicant_client.get(page_url(licence))
    timeline = response.context["timeline"]
    assert [(entry["what"], entry["who"], entry["status"]) for entry in timeline] == [
        ("Licence issued", "Reviewer", "Active"),
        ("Suspended", "Senior reviewer", "Suspended"),
        ("Reinstated", "Senior reviewer", "Active"),
    ]
    html = response.content.decode()
    assert "Wen Li" not in html and senior.username not in html and senior2.username not in html
    assert response.context["status_reason"] == ""


def test_the_page_costs_the_same_however_many_shipments(applicant_client, applicant, licence,
                                                        django_assert_max_num_queries):
    def shown() -> int:
        response = applicant_client.get(page_url(licence))
        assert response.status_code == 200
        return len(response.context["shipments"])

    with django_assert_max_num_queries(16):
        assert shown() == 0
    for index in range(4):
        shipment = ship(licence, applicant, 1, f"INV-{index}")
        services.end_use_report_file(report_id=shipment.end_use_report.pk, actor=applicant, installed_units=1,
                                     site="Hall B", use="Training.",
                                     uploaded_file=SimpleUploadedFile(f"photo-{index}.pdf", PDF_BYTES))
    with django_assert_max_num_queries(16):
        assert shown() == 4


def test_the_shipment_form_needs_the_csrf_token(applicant, licence):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    token = client.get(page_url(licence)).context["form_token"]
    assert client.post(f"{page_url(licence)}shipments/", shipment_data(token)).status_code == 403
    assert not Shipment.objects.exists()
