"""From a partial approval in the desk to a shipment and its end-use report in the portal, and the report accepted
in the desk, in a real browser."""
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from approvals.models import EndUseReport, Licence, Shipment
from tests.factories import ApplicantFactory, CompanyFactory, StaffFactory, line, request_in_review

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Count 0 >> endobj\n" \
      b"trailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_partial_approval_then_a_shipment_and_its_end_use_report(page, login, artifacts_dir, signing_identity):
    StaffFactory(username="reviewer", groups=["reviewer"])
    company = CompanyFactory(legal_name="Shenzhen Lattice Compute Co., Ltd.")
    applicant = ApplicantFactory(username="applicant-a", membership__company=company)
    order = request_in_review(applicant, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00")])
    h200, h20 = order.lines.order_by("id")

    login("reviewer", path="/admin/login/")
    page.goto(f"/admin/approvals/importrequest/{order.pk}/change/")
    page.click("a[data-action=approve]")
    assert page.input_value(f"input[name=approved_{h200.pk}]") == "8"
    assert page.input_value(f"input[name=approved_{h20.pk}]") == "4"
    page.fill(f"input[name=approved_{h200.pk}]", "5")
    page.fill("textarea[name=conditions]", "Quarterly utilisation reports.")
    page.screenshot(path=str(artifacts_dir / "licence-approve-form.png"), full_page=True)
    page.click("#action-form input[type=submit]")
    assert "now approved" in page.inner_text(".messagelist")
    licence = Licence.objects.get(import_request=order)
    assert "5" in page.inner_text("#case-licence") and licence.number in page.inner_text("#case-licence")
    page.screenshot(path=str(artifacts_dir / "licence-case-page.png"), full_page=True)

    page.context.clear_cookies()
    login("applicant-a")
    page.goto(f"/requests/{order.public_id}/")
    assert "Approved: 9 of 12 units" in page.inner_text("[data-decision]")
    page.get_by_role("link", name="Open the licence").click()
    assert page.url.endswith(f"/licences/{licence.public_id}/")
    assert page.inner_text("[data-status]") == "Active"
    assert "Quarterly utilisation reports." in page.inner_text("[data-conditions]")
    assert page.inner_text("tr[data-chip=nvidia-h200] td:last-child") == "5"

    page.fill("#id_reference", "BL-2026-0042")
    page.fill("#id_quantity_nvidia-h200", "6")
    page.get_by_role("button", name="Record the shipment").click()
    assert "exceeds what licence" in page.inner_text(".error-summary")
    assert not Shipment.objects.exists()
    page.fill("#id_quantity_nvidia-h200", "3")
    page.set_input_files("#id_document", files=[
        {"name": "bill-of-lading.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Record the shipment").click()
    assert "Shipment recorded" in page.inner_text(".messages")
    assert Shipment.objects.count() == 1
    assert page.inner_text("tr[data-chip=nvidia-h200] td:last-child") == "2"
    assert page.get_by_role("link", name="bill-of-lading.pdf").is_visible()
    page.screenshot(path=str(artifacts_dir / "licence-shipment.png"), full_page=True)

    report = EndUseReport.objects.get()
    prefix = f"#id_report-{report.public_id}"
    page.fill(f"{prefix}-installed_units", "3")
    page.fill(f"{prefix}-site", "Hall B, Qianhai Data Park, Shenzhen")
    page.fill(f"{prefix}-use", "Fine-tuning legal-domain language models.")
    page.get_by_role("button", name="File the end-use report").click()
    assert "End-use report for shipment BL-2026-0042 filed." in page.inner_text(".messages")
    assert "Filed" in page.inner_text(f"[data-report='{report.public_id}']")
    assert EndUseReport.objects.get().state == "filed"
    page.screenshot(path=str(artifacts_dir / "licence-report-filed.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{licence.number}.pdf"
    pdf = download.path().read_bytes()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert licence.number in text and "Shenzhen Lattice Compute Co., Ltd." in text
    root = asn1_x509.Certificate.load(signing_identity.public_bytes(serialization.Encoding.DER))
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    # pyHanko runs its own event loop; Playwright's sync API holds this thread's, so validate on another thread.
    with ThreadPoolExecutor(1) as pool:
        status = pool.submit(validate_pdf_signature, signature, ValidationContext(trust_roots=[root])).result()
    assert status.intact and status.valid and status.trusted

    page.context.clear_cookies()
    login("reviewer", path="/admin/login/")
    page.goto(f"/admin/approvals/licence/{licence.pk}/change/")
    assert "Fine-tuning legal-domain language models." in page.inner_text("#licence-reports")
    page.screenshot(path=str(artifacts_dir / "licence-desk-page.png"), full_page=True)
    page.click("input[data-report-action=accept]")
    assert "End-use report for shipment BL-2026-0042 accepted." in page.inner_text(".messagelist")
    assert EndUseReport.objects.get().state == "accepted"
