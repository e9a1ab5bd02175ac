"""A draft's documents: typed when attached, removable until submission (audited, the file goes too), and named in
the timeline."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.errors import WorkflowError
from approvals.models import Document, ReviewEvent
from tests.factories import ApplicantFactory, draft_request
from tests.portal.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


def _attach(order, applicant, name="Contract 2026-11.pdf", kind="purchase_contract"):
    return services.document_attach(import_request_id=order.pk, actor=applicant, kind=kind,
                                    uploaded_file=SimpleUploadedFile(name, PDF_BYTES))


def test_an_upload_keeps_its_type_and_the_timeline_names_the_file(applicant_client, applicant):
    order = draft_request(applicant)
    response = applicant_client.post(f"/requests/{order.public_id}/documents/", {
        "kind": "end_user_statement", "document": SimpleUploadedFile("EUS signed.pdf", PDF_BYTES)})
    assert response.status_code == 302 and response["Location"] == f"/requests/{order.public_id}/#documents"
    document = Document.objects.get()
    assert document.kind == "end_user_statement"
    html = applicant_client.get(response["Location"]).content.decode()
    assert "EUS signed.pdf uploaded as end-user statement." in html
    assert "End-user statement" in html
    assert 'Document attached</strong>: <span data-timeline-document>EUS signed.pdf</span>' in html


def test_an_unknown_type_is_refused_by_the_service(applicant):
    order = draft_request(applicant)
    with pytest.raises(WorkflowError) as refused:
        _attach(order, applicant, kind="invoice")
    assert "kind" in refused.value.field_errors
    assert not Document.objects.exists()


def test_a_drafts_document_can_be_removed_and_the_removal_is_audited(applicant_client, applicant):
    order = draft_request(applicant)
    document = _attach(order, applicant)
    stored = document.file.name
    storage = document.file.storage
    assert storage.exists(stored)
    page = applicant_client.get(f"/requests/{order.public_id}/").content.decode()
    assert f'action="/requests/{order.public_id}/documents/{document.pk}/remove/"' in page
    response = applicant_client.post(f"/requests/{order.public_id}/documents/{document.pk}/remove/")
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not storage.exists(stored)
    event = ReviewEvent.objects.get(import_request=order, action="remove_document")
    assert event.payload["name"] == "Contract 2026-11.pdf" and event.payload["sha256"] == document.sha256
    assert event.actor == applicant
    html = applicant_client.get(response["Location"]).content.decode()
    assert "Contract 2026-11.pdf removed from the draft." in html
    assert 'Document removed</strong>: <span data-timeline-document>Contract 2026-11.pdf</span>' in html


def test_once_the_draft_is_no_longer_a_draft_its_documents_stay(applicant_client, applicant):
    document = _attach(draft_request(applicant), applicant)
    services.request_transition(import_request_id=document.import_request_id, action="withdraw", actor=applicant)
    response = applicant_client.post(
        f"/requests/{document.import_request.public_id}/documents/{document.pk}/remove/")
    assert response.status_code == 302
    assert Document.objects.filter(pk=document.pk).exists()
    html = applicant_client.get(response["Location"]).content.decode()
    assert "Only a draft&#x27;s documents can be removed" in html
    assert "data-remove-document" not in html


def test_a_viewer_cannot_remove_and_another_company_gets_not_found(signed_in, applicant):
    order = draft_request(applicant)
    document = _attach(order, applicant)
    viewer = ApplicantFactory(membership__company=applicant.membership.company, membership__role="viewer")
    url = f"/requests/{order.public_id}/documents/{document.pk}/remove/"
    assert signed_in(viewer).post(url).status_code == 403
    assert signed_in(ApplicantFactory()).post(url).status_code == 404
    assert signed_in(applicant).get(url).status_code == 405
    assert Document.objects.filter(pk=document.pk).exists()
