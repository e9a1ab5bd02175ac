"""GET and POST /api/v1/licences/{id}/end-use-reports/: one report per shipment, filed by the holder's filers
(JSON, or multipart with a document); 409 once filed, 400 naming the field."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import clock, services
from approvals.models import Document, EndUseReport
from tests.api.conftest import licence_url
from tests.factories import ApplicantFactory, approved_licence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REPORT_KEYS = {"id", "shipment", "state", "due_on", "installed_units", "site", "use", "follow_up_question",
               "filed_at", "documents"}


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer)


@pytest.fixture
def shipment(licence, applicant):
    return services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                    reference="BL-77", lines=[{"chip": "nvidia-h200", "quantity": 6}])


def report_body(of_shipment, **overrides) -> dict:
    return {"shipment": str(of_shipment.public_id), "installed_units": 6, "site": "Hall B, Qianhai Data Park",
            "use": "Fine-tuning legal models.", **overrides}


def file(client, licence, body):
    return client.post(licence_url(licence.public_id, "end-use-reports/"), body, format="json")


def test_each_shipment_has_a_due_report(api_for, applicant, licence, shipment):
    listed = api_for(applicant).get(licence_url(licence.public_id, "end-use-reports/")).json()
    report = EndUseReport.objects.get()
    assert listed == [{
        "id": str(report.public_id), "shipment": str(shipment.public_id), "state": "due",
        "due_on": report.due_on.isoformat(), "installed_units": None, "site": "", "use": "", "follow_up_question": "",
        "filed_at": None, "documents": [],
    }]


def test_the_reports_follow_the_shipments_newest_first(api_for, applicant, licence, shipment):
    later = services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                     reference="BL-78", lines=[{"chip": "nvidia-h20", "quantity": 1}])
    listed = api_for(applicant).get(licence_url(licence.public_id, "end-use-reports/")).json()
    assert [item["shipment"] for item in listed] == [str(later.public_id), str(shipment.public_id)]


def test_the_holder_files_a_report(api_for, applicant, licence, shipment):
    response = file(api_for(applicant), licence, report_body(shipment))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == REPORT_KEYS
    assert (body["state"], body["installed_units"], body["site"], body["use"]) == (
        "filed", 6, "Hall B, Qianhai Data Park", "Fine-tuning legal models.")
    assert body["filed_at"] is not None
    assert EndUseReport.objects.get().state == "filed"


def test_a_multipart_report_carries_the_document(api_for, applicant, licence, shipment):
    response = api_for(applicant).post(licence_url(licence.public_id, "end-use-reports/"), {
        **report_body(shipment), "document": SimpleUploadedFile("rack.png", PNG),
    }, format="multipart")
    assert response.status_code == 200
    assert [doc["content_type"] for doc in response.json()["documents"]] == ["image/png"]
    assert Document.objects.get().end_use_report == EndUseReport.objects.get()


def test_a_reviewers_follow_up_shows_as_due_again_with_the_question(api_for, applicant, reviewer, licence, shipment):
    client = api_for(applicant)
    file(client, licence, report_body(shipment))
    services.end_use_report_follow_up(report_id=EndUseReport.objects.get().pk, actor=reviewer,
                                      question="Which racks exactly?")
    listed = client.get(licence_url(licence.public_id, "end-use-reports/")).json()
    assert (listed[0]["state"], listed[0]["follow_up_question"]) == ("due", "Which racks exactly?")
    assert reviewer.username not in str(listed)
    assert file(client, licence, report_body(shipment, site="Hall B, racks 4-9")).status_code == 200


def test_a_filed_report_answers_409(api_for, applicant, licence, shipment):
    client = api_for(applicant)
    file(client, licence, report_body(shipment))
    response = file(client, licence, report_body(shipment, site="Elsewhere"))
    assert (response.status_code, response.json()["code"]) == (409, "not_allowed_in_state")
    assert EndUseReport.objects.get().site == "Hall B, Qianhai Data Park"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"installed_units": 7}, "installed_units"),
    ({"installed_units": -1}, "installed_units"),
    ({"installed_units": "six"}, "installed_units"),
    ({"site": ""}, "site"),
    ({"use": "   "}, "use"),
    ({"shipment": "not-a-uuid"}, "shipment"),
    ({"shipment": "0b9f6c43-2d55-4e1c-9d4a-2f7f4a7c1e00"}, "shipment"),
])
def test_a_bad_report_answers_400_naming_the_field(api_for, applicant, licence, shipment, overrides, field):
    response = file(api_for(applicant), licence, report_body(shipment, **overrides))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()
    assert EndUseReport.objects.get().state == "due"


def test_a_shipment_of_another_licence_is_not_found_under_this_one(api_for, applicant, reviewer, licence, shipment):
    other = approved_licence(applicant, reviewer)
    response = file(api_for(applicant), other, report_body(shipment))
    assert response.status_code == 400
    assert response.json()["shipment"] == ["No shipment with this id under this licence."]


@pytest.mark.parametrize("role", ["viewer", "reviewer", "auditor"])
def test_only_the_holders_filers_file_reports(request, api_for, applicant, licence, shipment, role):
    if role == "viewer":
        caller = ApplicantFactory(membership__company=applicant.membership.company, membership__role="viewer")
    else:
        caller = request.getfixturevalue(role)
    response = file(api_for(caller), licence, report_body(shipment))
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert EndUseReport.objects.get().state == "due"


def test_an_overdue_report_can_still_be_filed(api_for, applicant, licence, shipment):
    EndUseReport.objects.update(due_on=clock.today() - timedelta(days=1))
    assert services.end_use_reports_mark_overdue() == 1
    client = api_for(applicant)
    assert client.get(licence_url(licence.public_id, "end-use-reports/")).json()[0]["state"] == "overdue"
    assert file(client, licence, report_body(shipment)).json()["state"] == "filed"


def test_the_report_list_costs_the_same_for_1_and_many(api_for, applicant, licence, shipment,
                                                        django_assert_num_queries):
    client = api_for(applicant)
    path = licence_url(licence.public_id, "end-use-reports/")
    with django_assert_num_queries(4):  # token, licence, reports with shipments, documents
        assert len(client.get(path).json()) == 1
    for index in range(4):
        services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                 reference=f"BL-{index}", lines=[{"chip": "nvidia-h20", "quantity": 1}])
    with django_assert_num_queries(4):
        assert len(client.get(path).json()) == 5
