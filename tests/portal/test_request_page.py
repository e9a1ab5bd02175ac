"""The request page: preview, stored assessment, timeline, documents, and answering a reviewer's question."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.models import Document, ImportRequest
from tests.factories import draft_request, line, request_in_review
from tests.portal.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


def _asked(applicant, reviewer, question="Which data centre hall hosts the cluster?"):
    order = request_in_review(applicant)
    services.request_transition(
        import_request_id=order.pk, action="request_information", actor=reviewer, payload={"question": question}
    )
    return ImportRequest.objects.get(pk=order.pk)


def test_a_draft_shows_the_capability_preview_and_nothing_of_the_scoring(applicant_client, applicant):
    order = draft_request(applicant, purpose_category="model_training", training_parameters=70_000_000_000,
                          training_tokens=2_000_000_000_000, training_days=60,
                          lines=[line("nvidia-h200", 256), line("nvidia-h20", 64, "12000.00")])
    response = applicant_client.get(f"/requests/{order.public_id}/")
    assert response.status_code == 200
    figures = {figure["key"]: figure["value"] for figure in response.context["preview"]["figures"]}
    # 256 H200 (TPP 15,832; 989.5 BF16 TFLOPS; 25% share) and 64 H20 (TPP 2,368; 148 TFLOPS; 15% share) at 40%.
    assert figures == {
        "units": "320",
        "total_tpp": "4,204,544",
        "h100_equivalents": "265.6",
        "flop_in_90_days": "8.2 \u00d7 10²³ FLOP",
        "days_to_1e25": "1,101 days",
        "ascend_910c_by_tpp": "349",
        "order_value_usd": "USD 8,960,000.00",
        "revenue_share_due_usd": "USD 2,163,200.00",
    }
    html = response.content.decode()
    for value in figures.values():
        assert value in html
    assert "e+23" not in html
    # Where the figures come from: the public thresholds as numbers, the rate and its source on each line.
    assert "75,000 units in any 365 days" in html
    assert "1 \u00d7 10²⁵ FLOP" in html and "EU AI Act" in html
    assert "25%: USD 2,048,000.00" in html  # 256 x 32,000.00 x 25%
    assert "8,192,000.00" in html and "8,960,000.00" in html  # a line total and the order value
    assert "70,000,000,000 (70 billion)" in html
    for internal in ("Risk score", "risk score", "tier", "Over-provisioning", "H100-equivalents, above",
                     "domestic accelerators can serve", "frontier"):
        assert internal not in html


def test_a_draft_without_lines_asks_for_one(applicant_client, applicant):
    order = services.request_create(actor=applicant, data={"purpose_category": "research"}, lines=[])
    response = applicant_client.get(f"/requests/{order.public_id}/")
    assert response.context["preview"] is None
    assert b"Add at least one line to see what the order adds up to." in response.content


def test_a_screened_request_shows_its_capability_but_not_its_assessment(applicant_client, applicant):
    order = request_in_review(applicant)
    response = applicant_client.get(f"/requests/{order.public_id}/")
    assert response.context["preview"] is None
    assessment = order.current_assessment
    html = response.content.decode()
    assert "126,656" in html  # 8 H200 x 15,832 TPP
    assert f"Risk score {assessment.risk_score}" not in html
    for factor in assessment.factors:
        assert factor["sentence"].replace("'", "&#x27;") not in html
    assert assessment.policy_version not in html


def test_the_timeline_says_who_did_what_when(applicant_client, applicant, reviewer):
    reviewer.first_name, reviewer.last_name = "Wen", "Li"
    reviewer.save()
    order = _asked(applicant, reviewer, question="Please send the floor plan.")
    timeline = applicant_client.get(f"/requests/{order.public_id}/").context["timeline"]
    assert [entry["what"] for entry in timeline] == ["Draft created", "Submitted", "Screened", "Information requested"]
    assert timeline[0]["who"] == applicant.username
    assert timeline[2]["who"] == "Chipgate"
    assert timeline[3]["who"] == "Reviewer"  # staff by role, never by name
    assert "Wen Li" not in applicant_client.get(f"/requests/{order.public_id}/").content.decode()
    assert timeline[3]["status"] == "Information requested"
    assert timeline[3]["comment"] == "Please send the floor plan."


def test_actions_shown_follow_the_state(applicant_client, applicant):
    draft = draft_request(applicant)
    html = applicant_client.get(f"/requests/{draft.public_id}/").content.decode()
    assert f"/requests/{draft.public_id}/edit/" in html and f"/requests/{draft.public_id}/submit/" in html
    assert 'name="document"' in html
    in_review = request_in_review(applicant)
    html = applicant_client.get(f"/requests/{in_review.public_id}/").content.decode()
    assert "/edit/" not in html and "/submit/" not in html
    assert f"/requests/{in_review.public_id}/withdraw/" in html
    assert 'name="document"' not in html


def test_a_document_uploads_to_a_draft_and_downloads_under_its_name(applicant_client, applicant):
    order = draft_request(applicant)
    response = applicant_client.post(
        f"/requests/{order.public_id}/documents/", {"document": SimpleUploadedFile("Floor plan.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302
    document = Document.objects.get(import_request=order)
    assert (document.original_name, document.content_type, document.size) == ("Floor plan.pdf", "application/pdf",
                                                                            len(PDF_BYTES))
    html = applicant_client.get(f"/requests/{order.public_id}/").content.decode()
    url = f"/requests/{order.public_id}/documents/{document.pk}/"
    assert f'href="{url}"' in html
    download = applicant_client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Floor plan.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(("upload", "message"), [
    (None, "This field is required."),
    (SimpleUploadedFile("notes.pdf", b"just text, not a PDF"), "'notes.pdf' is not a PDF, PNG or JPEG file"),
    (SimpleUploadedFile("empty.pdf", b""), "The submitted file is empty."),
    (SimpleUploadedFile("huge.pdf", PDF_BYTES + b"0" * 10 * 1024 * 1024), "the limit is 10 MB"),
])
def test_upload_errors_are_shown_at_the_form_after_a_redirect(applicant_client, applicant, upload, message):
    order = draft_request(applicant)
    response = applicant_client.post(f"/requests/{order.public_id}/documents/",
                                     {"document": upload, "kind": "purchase_contract"} if upload else {})
    # A redirect, so that reloading the page never posts the file again; the error waits in the session.
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{order.public_id}/#upload"
    page = applicant_client.get(response["Location"])
    assert any(message in text for text in page.context["upload_errors"])
    html = page.content.decode()
    summary, form = html.index("data-error-summary"), html.index('id="upload"')
    assert summary < form  # the summary at the top of the page, the error again at the form
    assert html.count(message.replace("'", "&#x27;")) == 2
    assert not Document.objects.exists()
    again = applicant_client.get(response["Location"])
    assert again.context["upload_errors"] == []  # shown once


def test_no_upload_once_submitted(applicant_client, applicant):
    order = request_in_review(applicant)
    response = applicant_client.post(
        f"/requests/{order.public_id}/documents/", {"document": SimpleUploadedFile("late.pdf", PDF_BYTES)}
    )
    assert response.status_code == 302
    page = applicant_client.get(response["Location"])
    assert "Documents can be added to a draft" in page.content.decode()
    assert not Document.objects.exists()


def test_the_open_question_can_be_answered(applicant_client, applicant, reviewer):
    order = _asked(applicant, reviewer)
    html = applicant_client.get(f"/requests/{order.public_id}/").content.decode()
    assert "Which data centre hall hosts the cluster?" in html
    assert f'action="/requests/{order.public_id}/answer/"' in html
    response = applicant_client.post(f"/requests/{order.public_id}/answer/", {"answer": "Hall B, second floor."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "under_review"
    question = order.information_requests.get()
    assert (question.answer, question.answered_by) == ("Hall B, second floor.", applicant)


def test_an_answer_can_carry_a_document(applicant_client, applicant, reviewer):
    order = _asked(applicant, reviewer)
    applicant_client.post(f"/requests/{order.public_id}/answer/", {
        "answer": "See the plan.", "document": SimpleUploadedFile("plan.pdf", PDF_BYTES)})
    document = Document.objects.get(import_request=order)
    assert document.information_request == order.information_requests.get()
    order.refresh_from_db()
    assert order.status == "under_review"


def test_an_empty_answer_is_refused_at_the_field(applicant_client, applicant, reviewer):
    order = _asked(applicant, reviewer)
    response = applicant_client.post(f"/requests/{order.public_id}/answer/", {"answer": "   "})
    assert response.status_code == 400
    assert response.context["answer_form"].errors["answer"] == ["The answer is required."]
    order.refresh_from_db()
    assert order.status == "information_requested"


def test_a_bad_document_with_an_answer_keeps_the_question_open(applicant_client, applicant, reviewer):
    order = _asked(applicant, reviewer)
    response = applicant_client.post(f"/requests/{order.public_id}/answer/", {
        "answer": "See the plan.", "document": SimpleUploadedFile("plan.pdf", b"not a pdf")})
    assert response.status_code == 400
    assert "is not a PDF, PNG or JPEG" in response.context["answer_form"].errors["document"][0]
    order.refresh_from_db()
    assert order.status == "information_requested"
    assert not Document.objects.exists()


def test_answering_without_an_open_question_changes_nothing(applicant_client, applicant):
    order = request_in_review(applicant)
    response = applicant_client.post(f"/requests/{order.public_id}/answer/", {"answer": "Unasked."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "under_review"
    assert not order.information_requests.exists()
