"""Who may open portal pages: signed-in company members only, and never another company's request."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.models import ImportRequest
from tests.factories import UserFactory, draft_request, request_in_review
from tests.portal.helpers import PDF_BYTES, order_data

pytestmark = pytest.mark.django_db


def _with_document(applicant):
    order = draft_request(applicant)
    document = services.document_attach(
        import_request_id=order.pk, actor=applicant, uploaded_file=SimpleUploadedFile("plan.pdf", PDF_BYTES)
    )
    return order, document


def _routes(order, document):
    base = f"/requests/{order.public_id}"
    return [
        ("get", f"{base}/"), ("get", f"{base}/edit/"), ("post", f"{base}/edit/"), ("get", f"{base}/submit/"),
        ("post", f"{base}/submit/"), ("get", f"{base}/withdraw/"), ("post", f"{base}/withdraw/"),
        ("post", f"{base}/answer/"), ("post", f"{base}/documents/"), ("get", f"{base}/documents/{document.pk}/"),
    ]


def test_every_page_needs_a_signed_in_user(client, applicant):
    order, document = _with_document(applicant)
    routes = [("get", "/"), ("get", "/requests/new/"), ("post", "/notifications/read/"), *_routes(order, document)]
    for method, url in routes:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


def test_another_companys_request_answers_not_found_everywhere(signed_in, applicant, other_applicant):
    order, document = _with_document(applicant)
    client = signed_in(other_applicant)
    for method, url in _routes(order, document):
        data = order_data() if url.endswith("/edit/") else {"answer": "x", "comment": "x"}
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == 404, (method, url)
        assert b"There is no such order, licence or document" in response.content
    order.refresh_from_db()
    assert order.status == "draft"
    assert order.documents.count() == 1


def test_an_unknown_request_answers_not_found(applicant_client):
    response = applicant_client.get("/requests/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_a_document_of_another_request_answers_not_found(applicant_client, applicant):
    order, _ = _with_document(applicant)
    _, other_document = _with_document(applicant)
    assert applicant_client.get(f"/requests/{order.public_id}/documents/{other_document.pk}/").status_code == 404


def test_staff_without_a_company_are_sent_to_the_admin(signed_in, reviewer):
    client = signed_in(reviewer)
    for url in ("/", "/requests/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/admin/"


def test_a_user_without_a_company_gets_a_clear_refusal(signed_in):
    client = signed_in(UserFactory())
    response = client.get("/")
    assert response.status_code == 403
    assert b"not linked to a company" in response.content
    assert client.post("/requests/new/", order_data()).status_code == 403
    assert not ImportRequest.objects.exists()


def test_reviewers_and_auditors_may_download_documents_of_a_submitted_request(signed_in, applicant, reviewer,
                                                                              auditor):
    order, document = _with_document(applicant)
    services.request_transition(import_request_id=order.pk, action="submit", actor=applicant)
    for user in (reviewer, auditor):
        response = signed_in(user).get(f"/requests/{order.public_id}/documents/{document.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_drafts_documents_are_the_companys_alone(signed_in, applicant, reviewer, auditor):
    order, document = _with_document(applicant)
    for user in (reviewer, auditor):
        assert signed_in(user).get(f"/requests/{order.public_id}/documents/{document.pk}/").status_code == 404


def test_catalog_maintainers_may_not_download_documents(signed_in, applicant, maintainer):
    order, document = _with_document(applicant)
    assert signed_in(maintainer).get(f"/requests/{order.public_id}/documents/{document.pk}/").status_code == 404


def test_reviewers_cannot_act_through_the_portal(signed_in, applicant, reviewer):
    order = request_in_review(applicant)
    response = signed_in(reviewer).post(f"/requests/{order.public_id}/withdraw/", {"comment": "no"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    order.refresh_from_db()
    assert order.status == "under_review"


def test_unsafe_methods_are_refused_where_only_reads_make_sense(applicant_client, applicant):
    order = draft_request(applicant)
    assert applicant_client.get(f"/requests/{order.public_id}/answer/").status_code == 405
    assert applicant_client.get("/notifications/read/").status_code == 405
    assert applicant_client.delete(f"/requests/{order.public_id}/submit/").status_code == 405
