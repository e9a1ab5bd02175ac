"""Licence certificates: an A4 PDF that prints what the licence allows, signed by the authority (PAdES), kept while
the licence shows the same and made anew when it changes."""
import io
import re

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from approvals import services
from approvals.certificates import licence_certificate
from approvals.models import Licence, LicenceCertificate
from tests.factories import approved_licence, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(applicant, reviewer, signing_identity):
    return approved_licence(
        applicant, reviewer, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00")],
        conditions="No re-export. Install only at the declared site.",
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def signature_status(pdf: bytes, certificate):
    root = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    return validate_pdf_signature(signatures[0], ValidationContext(trust_roots=[root]))


def test_the_certificate_prints_what_the_licence_allows(licence, settings):
    text = text_of(licence_certificate(licence))
    for expected in (
        licence.number, licence.holder.legal_name, licence.holder.uscc, "H200 SXM", "H20",
        "No re-export. Install only at the declared site.", licence.valid_from.isoformat(),
        licence.valid_until.isoformat(), licence.verification_code, settings.CHIPGATE_AUTHORITY_NAME,
        f"{settings.CHIPGATE_BASE_URL}/verify/{licence.verification_code}/", "ACTIVE",
    ):
        assert expected in text, expected
    approved = {line.chip.name: line.approved for line in licence.lines.select_related("chip")}
    assert approved == {"H200 SXM": 8, "H20": 4}
    assert re.search(r"NVIDIA H200 SXM\n\s*8\n", text) and re.search(r"NVIDIA H20\n\s*4\n", text)


def test_the_certificate_is_one_a4_page(licence):
    pages = PdfReader(io.BytesIO(licence_certificate(licence))).pages
    assert len(pages) == 1
    assert [round(float(value)) for value in pages[0].mediabox[2:]] == [round(A4[0]), round(A4[1])]


def test_the_signature_is_the_authoritys_and_the_document_unchanged(licence, signing_identity):
    status = signature_status(licence_certificate(licence), signing_identity)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line


def test_a_changed_byte_breaks_the_signature(licence, signing_identity):
    pdf = licence_certificate(licence)
    position = pdf.index(licence.number.encode())
    tampered = pdf[:position] + b"X" + pdf[position + 1:]
    assert not signature_status(tampered, signing_identity).intact


def test_an_rsa_key_signs_as_well(licence, settings, tmp_path):
    from approvals.signing import self_signed_identity_create

    rsa = self_signed_identity_create(key_path=tmp_path / "k.pem", cert_path=tmp_path / "c.pem",
                                      common_name="Chipgate Test Authority (RSA)", rsa_bits=2048)
    settings.CHIPGATE_SIGNING_KEY, settings.CHIPGATE_SIGNING_CERT = str(tmp_path / "k.pem"), str(tmp_path / "c.pem")
    assert signature_status(licence_certificate(licence), rsa).bottom_line


def test_another_authoritys_certificate_does_not_vouch_for_it(licence, tmp_path):
    from approvals.signing import self_signed_identity_create

    stranger = self_signed_identity_create(key_path=tmp_path / "k.pem", cert_path=tmp_path / "c.pem",
                                           common_name="Someone Else")
    status = signature_status(licence_certificate(licence), stranger)
    assert status.intact and not status.trusted


def test_the_certificate_is_kept_and_handed_out_again_while_nothing_it_shows_changes(licence, applicant):
    first = licence_certificate(licence)
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=licence.valid_from,
                             reference="INV-1", lines=[{"chip": "nvidia-h200", "quantity": 2}])
    again = licence_certificate(Licence.objects.get(pk=licence.pk))
    assert again == first
    assert LicenceCertificate.objects.filter(licence=licence).count() == 1


def test_a_suspended_licences_certificate_says_so_and_is_a_new_file(licence, senior, signing_identity):
    active = licence_certificate(licence)
    suspended_licence = services.licence_transition(licence_id=licence.pk, action="suspend", actor=senior,
                                                    payload={"reason": "End use under investigation."})
    suspended = licence_certificate(suspended_licence)
    assert suspended != active
    assert "SUSPENDED — not valid for shipment" in text_of(suspended)
    assert "ACTIVE" not in text_of(suspended)
    assert signature_status(suspended, signing_identity).bottom_line
    certificates = LicenceCertificate.objects.filter(licence=licence)
    assert sorted(certificates.values_list("status", flat=True)) == ["active", "suspended"]
    assert len({certificate.file.name for certificate in certificates}) == 2


def test_a_certificate_whose_file_went_missing_is_made_again(licence):
    licence_certificate(licence)
    stored = LicenceCertificate.objects.get(licence=licence)
    stored.file.storage.delete(stored.file.name)
    assert licence.number in text_of(licence_certificate(licence))
    assert LicenceCertificate.objects.filter(licence=licence).count() == 1


def test_a_new_signing_key_makes_a_new_certificate(licence, settings, tmp_path):
    from approvals.signing import self_signed_identity_create

    first = licence_certificate(licence)
    renewed = self_signed_identity_create(key_path=tmp_path / "k.pem", cert_path=tmp_path / "c.pem",
                                          common_name="Chipgate Test Authority (renewed)")
    settings.CHIPGATE_SIGNING_KEY, settings.CHIPGATE_SIGNING_CERT = str(tmp_path / "k.pem"), str(tmp_path / "c.pem")
    second = licence_certificate(licence)
    assert second != first
    assert signature_status(second, renewed).bottom_line


def test_a_chinese_legal_name_is_printed(applicant, reviewer, signing_identity):
    company = applicant.membership.company
    company.legal_name = "深圳晶格计算有限公司"
    company.save(update_fields=["legal_name"])
    licence = approved_licence(applicant, reviewer)
    assert "深圳晶格计算有限公司" in text_of(licence_certificate(licence))


def test_without_a_signing_key_it_says_how_to_configure_one(applicant, reviewer, settings, tmp_path):
    licence = approved_licence(applicant, reviewer)
    settings.CHIPGATE_SIGNING_KEY = str(tmp_path / "missing.pem")
    with pytest.raises(ImproperlyConfigured, match="CHIPGATE_SIGNING_KEY"):
        licence_certificate(licence)


def test_a_certificate_for_another_key_is_refused(licence, settings, tmp_path):
    from approvals.signing import self_signed_identity_create

    self_signed_identity_create(key_path=tmp_path / "k.pem", cert_path=tmp_path / "c.pem", common_name="Other")
    settings.CHIPGATE_SIGNING_CERT = str(tmp_path / "c.pem")
    with pytest.raises(ImproperlyConfigured, match="is not for the key"):
        licence_certificate(licence)


def test_two_downloads_making_the_same_certificate_at_once_keep_one(licence):
    from approvals import certificates
    from approvals.signing import signing_identity

    facts = certificates.certificate_facts(licence)
    fingerprint = certificates.certificate_fingerprint(facts, signing_identity())
    pdf = certificates.certificate_sign(certificates.certificate_pdf(facts), identity=signing_identity(), facts=facts)
    certificates._keep(licence, fingerprint, facts.status, pdf, None)
    certificates._keep(licence, fingerprint, facts.status, pdf, None)  # the one that lost the race
    stored = LicenceCertificate.objects.get(licence=licence)
    folder, name = stored.file.name.rsplit("/", 1)
    assert stored.file.storage.listdir(folder)[1] == [name]
    assert licence_certificate(licence) == pdf
