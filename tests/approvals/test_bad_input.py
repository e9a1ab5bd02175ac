"""Bad input anywhere: refused with a message naming the field, and nothing saved."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.errors import WorkflowError
from approvals.models import Company, Document, ImportRequest, RequestLine
from approvals.validators import validate_uscc
from tests.factories import declaration, draft_request, line

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.mark.parametrize("code", ["914403001922038216", "91110000802100433B", "91350100M000100Y43"])
def test_real_unified_social_credit_codes_are_accepted(code):
    validate_uscc(code)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("914403001922038217", "check character is wrong"),
        ("91440300192203821", "18 characters"),
        ("9144030019220382I6", "except I, O, S, V, Z"),
        ("", "18 characters"),
    ],
)
def test_invalid_uscc_is_refused_with_a_reason(code, words):
    with pytest.raises(ValidationError, match=words):
        validate_uscc(code)


def test_a_company_with_a_bad_uscc_is_not_saved():
    company = Company(legal_name="Bad Code Ltd.", uscc="914403001922038217")
    with pytest.raises(ValidationError) as excinfo:
        company.full_clean()
    assert "uscc" in excinfo.value.message_dict
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    ("lines", "field", "words"),
    [
        ([line(quantity=0)], "lines.0.quantity", "between 1 and 1,000,000"),
        ([line(quantity=1_000_001)], "lines.0.quantity", "between 1 and 1,000,000"),
        ([line(quantity="many")], "lines.0.quantity", "whole number"),
        ([line(chip="nvidia-h999")], "lines.0.chip", "Unknown chip 'nvidia-h999'"),
        ([line(price="0")], "lines.0.unit_price_usd", "positive"),
        ([line(price="-5")], "lines.0.unit_price_usd", "positive"),
        ([line(price="abc")], "lines.0.unit_price_usd", "number"),
        ([line(), line(quantity=-1)], "lines.1.quantity", "between 1"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_saved(applicant, lines, field, words):
    with pytest.raises(WorkflowError) as excinfo:
        services.request_create(actor=applicant, data=declaration(), lines=lines)
    assert words in " ".join(excinfo.value.field_errors[field])
    assert not ImportRequest.objects.exists()
    assert not RequestLine.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"purpose_category": "mining"}, "purpose_category"),
        ({"training_parameters": 0}, "training_parameters"),
        ({"training_days": 99999}, "training_days"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_declaration_fields_are_refused(applicant, data, field):
    with pytest.raises(WorkflowError) as excinfo:
        services.request_create(actor=applicant, data={**declaration(), **data}, lines=[line()])
    assert field in excinfo.value.field_errors
    assert not ImportRequest.objects.exists()


def test_only_company_filers_can_create(reviewer):
    with pytest.raises(WorkflowError) as excinfo:
        services.request_create(actor=reviewer, data=declaration(), lines=[line()])
    assert excinfo.value.code == "forbidden"


def test_references_follow_the_year_and_are_unique(applicant):
    first, second = draft_request(applicant), draft_request(applicant)
    assert first.reference.startswith(f"IR-{first.created_at.year}-")
    assert len(first.reference) == len("IR-2026-000123")
    assert first.reference != second.reference


@pytest.mark.parametrize(("content", "kind"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")])
def test_pdf_png_and_jpeg_are_stored_under_a_random_name_with_their_hash(applicant, content, kind):
    import hashlib

    request = draft_request(applicant)
    document = services.document_attach(import_request_id=request.pk, actor=applicant,
                                        uploaded_file=SimpleUploadedFile("contract.pdf", content))
    assert (document.content_type, document.size) == (kind, len(content))
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert "contract" not in document.file.name
    assert document.original_name == "contract.pdf"
    request.refresh_from_db()
    assert request.version == 2


def test_a_wrong_file_type_with_a_pdf_name_is_refused(applicant):
    request = draft_request(applicant)
    fake = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(WorkflowError) as excinfo:
        services.document_attach(import_request_id=request.pk, actor=applicant, uploaded_file=fake)
    assert "not a PDF, PNG or JPEG" in excinfo.value.field_errors["file"][0]
    assert not Document.objects.exists()


def test_an_oversized_file_is_refused(applicant):
    request = draft_request(applicant)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 10 * 1024 * 1024)
    with pytest.raises(WorkflowError) as excinfo:
        services.document_attach(import_request_id=request.pk, actor=applicant, uploaded_file=big)
    assert "the limit is 10 MB" in excinfo.value.field_errors["file"][0]
    assert not Document.objects.exists()


def test_documents_cannot_be_added_after_submit_or_by_another_company(applicant, other_applicant):
    request = draft_request(applicant)
    with pytest.raises(WorkflowError) as excinfo:
        services.document_attach(import_request_id=request.pk, actor=other_applicant,
                                 uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert excinfo.value.code == "forbidden"
    services.request_transition(import_request_id=request.pk, action="submit", actor=applicant)
    with pytest.raises(WorkflowError) as excinfo:
        services.document_attach(import_request_id=request.pk, actor=applicant,
                                 uploaded_file=SimpleUploadedFile("a.pdf", PDF))
    assert excinfo.value.code == "not_allowed_in_state"
    assert not Document.objects.exists()


def test_a_refused_answer_keeps_neither_its_document_nor_its_file(applicant, reviewer, settings):
    from pathlib import Path

    from tests.factories import request_in_review

    request = request_in_review(applicant)
    services.request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                                payload={"question": "Send the access policy."})
    stored_before = set(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(WorkflowError) as excinfo:
        services.request_respond(import_request_id=request.pk, actor=applicant, answer="  ",
                                 uploaded_file=SimpleUploadedFile("policy.pdf", PDF))
    assert "answer" in excinfo.value.field_errors
    assert not Document.objects.exists()
    assert set(Path(settings.MEDIA_ROOT).rglob("*")) - stored_before <= {Path(settings.MEDIA_ROOT) / "documents"}
    answered = services.request_respond(import_request_id=request.pk, actor=applicant, answer="Attached.",
                                        uploaded_file=SimpleUploadedFile("policy.pdf", PDF))
    assert answered.status == "under_review"
    assert Document.objects.get().information_request.answer == "Attached."
