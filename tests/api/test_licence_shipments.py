"""GET and POST /api/v1/licences/{id}/shipments/: the holder's filers record shipments (JSON, or multipart with a
document), safe to retry with an Idempotency-Key; 409 when the licence does not allow it, 400 naming the field."""
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import clock, services
from approvals.models import Document, EndUseReport, Licence, Shipment
from tests.api.conftest import licence_url
from tests.factories import ApplicantFactory, approved_licence

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SHIPMENT_KEYS = {"id", "shipped_on", "reference", "lines", "end_use_report", "documents"}


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer)  # 8 H200 and 4 H20


def shipment_body(**overrides) -> dict:
    return {"shipped_on": clock.today().isoformat(), "reference": "INV-2026-0042",
            "lines": [{"chip": "nvidia-h200", "quantity": 5}], **overrides}


def ship(client, licence, body=None, **headers):
    return client.post(licence_url(licence.public_id, "shipments/"), body or shipment_body(), format="json",
                       **headers)


def remaining(licence) -> dict:
    return {line.chip.slug: line.remaining for line in Licence.objects.get(pk=licence.pk).lines.select_related("chip")}


def test_a_shipment_answers_201_with_itself_and_what_remains(api_for, applicant, licence):
    response = ship(api_for(applicant), licence)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == SHIPMENT_KEYS | {"licence"}
    shipment = Shipment.objects.get()
    report = EndUseReport.objects.get()
    assert body["id"] == str(shipment.public_id)
    assert (body["shipped_on"], body["reference"]) == (clock.today().isoformat(), "INV-2026-0042")
    assert body["lines"] == [{"chip": "nvidia-h200", "quantity": 5}]
    assert body["end_use_report"] == {"id": str(report.public_id), "due_on": report.due_on.isoformat()}
    assert body["documents"] == []
    assert body["licence"]["id"] == str(licence.public_id)
    assert body["licence"]["version"] == 2
    assert [(line["chip"], line["shipped"], line["remaining"]) for line in body["licence"]["lines"]] == [
        ("nvidia-h20", 0, 4), ("nvidia-h200", 5, 3)]


def test_the_shipments_are_listed_newest_first(api_for, applicant, licence):
    client = api_for(applicant)
    ship(client, licence, shipment_body(shipped_on=(clock.today() - timedelta(days=3)).isoformat(), reference="A"))
    ship(client, licence, shipment_body(reference="B", lines=[{"chip": "nvidia-h20", "quantity": 1}]))
    listed = client.get(licence_url(licence.public_id, "shipments/")).json()
    assert [item["reference"] for item in listed] == ["B", "A"]
    assert set(listed[0]) == SHIPMENT_KEYS
    assert listed[0]["lines"] == [{"chip": "nvidia-h20", "quantity": 1}]


@pytest.mark.parametrize("role", ["reviewer", "auditor"])
def test_the_regulator_reads_the_shipments(request, api_for, applicant, licence, role):
    ship(api_for(applicant), licence)
    listed = api_for(request.getfixturevalue(role)).get(licence_url(licence.public_id, "shipments/")).json()
    assert [item["reference"] for item in listed] == ["INV-2026-0042"]


def test_the_last_unit_exhausts_the_licence(api_for, applicant, licence):
    body = ship(api_for(applicant), licence, shipment_body(lines=[
        {"chip": "nvidia-h200", "quantity": 8}, {"chip": "nvidia-h20", "quantity": 4}])).json()
    assert body["licence"]["status"] == "exhausted"
    assert [line["remaining"] for line in body["licence"]["lines"]] == [0, 0]


def test_a_multipart_body_carries_the_document(api_for, applicant, licence):
    response = api_for(applicant).post(licence_url(licence.public_id, "shipments/"), {
        "shipped_on": clock.today().isoformat(), "reference": "BL-1",
        "lines": json.dumps([{"chip": "nvidia-h20", "quantity": 2}]),
        "document": SimpleUploadedFile("bill-of-lading.pdf", PDF, content_type="application/pdf"),
    }, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert body["lines"] == [{"chip": "nvidia-h20", "quantity": 2}]
    assert [(doc["original_name"], doc["content_type"]) for doc in body["documents"]] == [
        ("bill-of-lading.pdf", "application/pdf")]
    assert Document.objects.get().shipment.public_id.hex == body["id"].replace("-", "")


def test_a_document_that_is_not_a_pdf_or_image_answers_400_naming_it(api_for, applicant, licence):
    response = api_for(applicant).post(licence_url(licence.public_id, "shipments/"), {
        **shipment_body(lines=json.dumps([{"chip": "nvidia-h20", "quantity": 2}])),
        "document": SimpleUploadedFile("invoice.exe", b"MZ\x90\x00 not a document"),
    }, format="multipart")
    assert response.status_code == 400
    assert "not a PDF, PNG or JPEG" in " ".join(response.json()["document"])
    assert not Shipment.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"lines": [{"chip": "nvidia-h200", "quantity": 0}]}, "lines.0.quantity"),
    ({"lines": [{"chip": "nvidia-h200", "quantity": "lots"}]}, "lines.0.quantity"),
    ({"lines": [{"chip": "nvidia-b200", "quantity": 1}]}, "lines.0.chip"),
    ({"lines": [{"chip": "nvidia-h20", "quantity": 1}, {"chip": "nvidia-h20", "quantity": 1}]}, "lines.1.chip"),
    ({"lines": []}, "lines"),
    ({"lines": "not json"}, "lines"),
    ({"shipped_on": "yesterday"}, "shipped_on"),
    ({"reference": ""}, "reference"),
    ({"reference": "x" * 129}, "reference"),
    ({"reference": "INV\x00"}, "reference"),
])
def test_a_bad_shipment_answers_400_naming_the_field(api_for, applicant, licence, overrides, field):
    response = ship(api_for(applicant), licence, shipment_body(**overrides))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()
    assert not Shipment.objects.exists()


def test_a_shipment_dated_in_the_future_answers_400(api_for, applicant, licence):
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = ship(api_for(applicant), licence, shipment_body(shipped_on=tomorrow))
    assert response.status_code == 400
    assert response.json()["shipped_on"] == ["A shipment is recorded once it has shipped: the date is in the future."]


def test_more_than_remains_answers_409_exceeds_licence(api_for, applicant, licence):
    client = api_for(applicant)
    ship(client, licence, shipment_body(lines=[{"chip": "nvidia-h200", "quantity": 6}]))
    response = ship(client, licence, shipment_body(lines=[{"chip": "nvidia-h200", "quantity": 3}]))
    assert response.status_code == 409
    assert response.json() == {"code": "exceeds_licence", "detail": (
        f"The shipment exceeds what licence {licence.number} has left (nvidia-h200: 3 asked, 2 left).")}
    assert remaining(licence) == {"nvidia-h20": 4, "nvidia-h200": 2}


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_a_licence_that_is_not_active_answers_409_licence_not_active(api_for, applicant, senior, licence, action):
    services.licence_transition(licence_id=licence.pk, action=action, actor=senior, payload={"reason": "Checks."})
    response = ship(api_for(applicant), licence)
    assert response.status_code == 409
    assert response.json()["code"] == "licence_not_active"
    assert not Shipment.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "reviewer", "senior", "auditor"])
def test_only_the_holders_filers_record_shipments(request, api_for, applicant, licence, role):
    if role == "viewer":
        caller = ApplicantFactory(membership__company=applicant.membership.company, membership__role="viewer")
    else:
        caller = request.getfixturevalue(role)
    response = ship(api_for(caller), licence)
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert not Shipment.objects.exists()


def test_a_viewer_reads_the_shipments(api_for, applicant, licence):
    ship(api_for(applicant), licence)
    viewer = ApplicantFactory(membership__company=applicant.membership.company, membership__role="viewer")
    assert len(api_for(viewer).get(licence_url(licence.public_id, "shipments/")).json()) == 1


# Retries --------------------------------------------------------------------------------------------------------

def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(api_for, applicant, licence):
    client = api_for(applicant)
    first = ship(client, licence, HTTP_IDEMPOTENCY_KEY="ship-42")
    again = ship(client, licence, dict(reversed(shipment_body().items())), HTTP_IDEMPOTENCY_KEY="ship-42")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Shipment.objects.count() == 1
    assert remaining(licence) == {"nvidia-h20": 4, "nvidia-h200": 3}


def test_the_same_key_with_another_body_answers_422(api_for, applicant, licence):
    client = api_for(applicant)
    ship(client, licence, HTTP_IDEMPOTENCY_KEY="ship-42")
    response = ship(client, licence, shipment_body(reference="INV-OTHER"), HTTP_IDEMPOTENCY_KEY="ship-42")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Shipment.objects.count() == 1


def test_the_same_key_and_body_for_another_licence_answers_422(api_for, applicant, reviewer, licence):
    client = api_for(applicant)
    ship(client, licence, HTTP_IDEMPOTENCY_KEY="ship-42")
    response = ship(client, approved_licence(applicant, reviewer), HTTP_IDEMPOTENCY_KEY="ship-42")
    assert response.status_code == 422
    assert Shipment.objects.count() == 1


def test_a_refused_shipment_does_not_use_up_the_key(api_for, applicant, senior, senior2, licence):
    client = api_for(applicant)
    services.licence_transition(licence_id=licence.pk, action="suspend", actor=senior, payload={"reason": "x"})
    assert ship(client, licence, HTTP_IDEMPOTENCY_KEY="ship-42").status_code == 409
    services.licence_transition(licence_id=licence.pk, action="reinstate", actor=senior2)
    response = ship(client, licence, HTTP_IDEMPOTENCY_KEY="ship-42")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


def test_a_multipart_retry_replays_and_another_document_answers_422(api_for, applicant, licence):
    client = api_for(applicant)

    def post(content: bytes):
        return client.post(licence_url(licence.public_id, "shipments/"), {
            **shipment_body(lines=json.dumps([{"chip": "nvidia-h20", "quantity": 2}])),
            "document": SimpleUploadedFile("bl.pdf", content),
        }, format="multipart", HTTP_IDEMPOTENCY_KEY="bl-1")

    first, again, other = post(PDF), post(PDF), post(PDF + b"% another page\n")
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.json() == first.json()
    assert (Shipment.objects.count(), Document.objects.count()) == (1, 1)


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve"])
def test_a_malformed_key_answers_400(api_for, applicant, licence, key):
    response = ship(api_for(applicant), licence, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


# Queries --------------------------------------------------------------------------------------------------------

def test_the_shipment_list_costs_the_same_for_1_and_many(api_for, applicant, licence, django_assert_num_queries):
    client = api_for(applicant)
    path = licence_url(licence.public_id, "shipments/")
    ship(client, licence, shipment_body(lines=[{"chip": "nvidia-h200", "quantity": 1}]))
    # token, licence, shipments with their reports, their lines with chips, their documents
    with django_assert_num_queries(5):
        assert len(client.get(path).json()) == 1
    for index in range(4):
        ship(client, licence, shipment_body(reference=f"INV-{index}", lines=[
            {"chip": "nvidia-h200", "quantity": 1}, {"chip": "nvidia-h20", "quantity": 1}]))
    with django_assert_num_queries(5):
        assert len(client.get(path).json()) == 5
