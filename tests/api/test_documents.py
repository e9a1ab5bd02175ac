"""A request's documents over the API: upload with the portal's checks, list, download; others get 404."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import Document
from tests.api.conftest import url
from tests.portal.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


def upload(client, public_id, content: bytes, name: str = "spec.pdf"):
    return client.post(url(public_id, "documents/"), {"document": SimpleUploadedFile(name, content)},
                       format="multipart")


def test_a_filer_uploads_lists_and_downloads_a_document(api_for, applicant, draft):
    client = api_for(applicant)
    response = upload(client, draft.public_id, PDF_BYTES)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["original_name"], body["content_type"], body["size"]) == ("spec.pdf", "application/pdf",
                                                                          len(PDF_BYTES))
    listed = client.get(url(draft.public_id, "documents/")).json()
    assert [item["id"] for item in listed] == [body["id"]]
    assert listed[0]["download_url"] == f"/api/v1/requests/{draft.public_id}/documents/{body['id']}/"
    download = client.get(listed[0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="spec.pdf"' in download["Content-Disposition"]


def test_a_file_that_is_not_a_pdf_png_or_jpeg_answers_400_naming_document(api_for, applicant, draft):
    response = upload(api_for(applicant), draft.public_id, b"MZ\x90\x00 not a pdf", "invoice.pdf")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "detail", "document"}
    assert body["document"] == ["'invoice.pdf' is not a PDF, PNG or JPEG file (checked by its content)."]
    assert Document.objects.count() == 0


def test_a_file_over_the_limit_answers_400(api_for, applicant, draft):
    response = upload(api_for(applicant), draft.public_id, PDF_BYTES + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert response.json()["document"][0].endswith("the limit is 10 MB.")
    assert Document.objects.count() == 0


def test_no_file_answers_400_naming_document(api_for, applicant, draft):
    response = api_for(applicant).post(url(draft.public_id, "documents/"), {}, format="multipart")
    assert response.status_code == 400
    assert "document" in response.json()


def test_a_request_in_review_takes_no_document(api_for, applicant, in_review):
    response = upload(api_for(applicant), in_review.public_id, PDF_BYTES)
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed_in_state"


def test_another_company_gets_404(api_for, applicant, other_applicant, draft):
    upload(api_for(applicant), draft.public_id, PDF_BYTES)
    document = Document.objects.get()
    client = api_for(other_applicant)
    assert upload(client, draft.public_id, PDF_BYTES).status_code == 404
    assert client.get(url(draft.public_id, "documents/")).status_code == 404
    assert client.get(url(draft.public_id, f"documents/{document.pk}/")).status_code == 404
    assert Document.objects.count() == 1


def test_listing_runs_a_constant_number_of_queries(api_for, applicant, draft, django_assert_max_num_queries):
    client = api_for(applicant)
    for _ in range(4):
        upload(client, draft.public_id, PDF_BYTES)
    with django_assert_max_num_queries(5):
        assert len(client.get(url(draft.public_id, "documents/")).json()) == 4


def test_an_upload_says_what_the_document_is(api_for, applicant, draft):
    client = api_for(applicant)
    response = client.post(url(draft.public_id, "documents/"),
                           {"document": SimpleUploadedFile("contract.pdf", PDF_BYTES), "kind": "purchase_contract"},
                           format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "purchase_contract"
    assert [item["kind"] for item in client.get(url(draft.public_id, "documents/")).json()] == ["purchase_contract"]
    untyped = upload(client, draft.public_id, PDF_BYTES, "note.pdf")
    assert untyped.json()["kind"] == "other"


def test_an_unknown_kind_answers_400_naming_kind_and_stores_nothing(api_for, applicant, draft):
    response = api_for(applicant).post(url(draft.public_id, "documents/"),
                                       {"document": SimpleUploadedFile("x.pdf", PDF_BYTES), "kind": "invoice"},
                                       format="multipart")
    assert response.status_code == 400
    assert response.json()["kind"] == ['"invoice" is not a valid choice.']
    assert Document.objects.count() == 0


def test_a_drafts_document_is_removed_and_the_trail_names_it(api_for, applicant, draft):
    client = api_for(applicant)
    document_id = upload(client, draft.public_id, PDF_BYTES, "wrong.pdf").json()["id"]
    response = client.delete(url(draft.public_id, f"documents/{document_id}/"))
    assert response.status_code == 204
    assert Document.objects.count() == 0
    assert client.get(url(draft.public_id, "documents/")).json() == []
    event = draft.events.order_by("-seq").first()
    assert (event.action, event.payload["name"]) == ("remove_document", "wrong.pdf")
    assert client.delete(url(draft.public_id, f"documents/{document_id}/")).status_code == 404


def test_a_submitted_requests_document_stays(api_for, applicant, in_review):
    document = Document.objects.create(import_request=in_review, original_name="filed.pdf",
                                       content_type="application/pdf", size=10, sha256="0" * 64, file="x.pdf",
                                       uploaded_by=applicant)
    response = api_for(applicant).delete(url(in_review.public_id, f"documents/{document.pk}/"))
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed_in_state"
    assert Document.objects.filter(pk=document.pk).exists()


def test_another_company_cannot_remove_a_document(api_for, applicant, other_applicant, draft):
    document_id = upload(api_for(applicant), draft.public_id, PDF_BYTES).json()["id"]
    response = api_for(other_applicant).delete(url(draft.public_id, f"documents/{document_id}/"))
    assert response.status_code == 404
    assert Document.objects.filter(pk=document_id).exists()
