"""An applicant files, previews, documents, submits and answers an order in a real browser; isolation and escaping."""
import re

import pytest

from approvals import services
from approvals.models import ImportRequest
from tests.factories import PURPOSE, ApplicantFactory, CompanyFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Count 0 >> endobj\n" \
      b"trailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def people(db):
    company_a = CompanyFactory(legal_name="Shenzhen Lattice Compute Co., Ltd.")
    company_b = CompanyFactory(legal_name="Hangzhou Riverbend Cloud Ltd.")
    return {
        "applicant-a": ApplicantFactory(username="applicant-a", membership__company=company_a),
        "applicant-b": ApplicantFactory(username="applicant-b", membership__company=company_b),
        "reviewer": StaffFactory(username="reviewer", groups=["reviewer"]),
    }


def fill_line(page, index: int, chip: str, quantity: str, price: str) -> None:
    page.select_option(f"#id_lines-{index}-chip", chip)
    page.fill(f"#id_lines-{index}-quantity", quantity)
    page.fill(f"#id_lines-{index}-unit_price_usd", price)


def test_an_applicant_files_submits_and_answers_an_order(page, login, people, artifacts_dir):
    login("applicant-a")
    assert "No orders yet" in page.inner_text("main")

    page.get_by_role("link", name="New order").first.click()
    page.select_option("#id_purpose_category", "model_training")
    assert page.is_visible("#id_training_days")
    page.fill("#id_purpose_statement", PURPOSE[:120])
    assert page.inner_text("#purpose-count") == "120 of at least 200 characters"
    page.fill("#id_purpose_statement", PURPOSE)
    assert "long enough to submit" in page.inner_text("#purpose-count")
    page.fill("#id_end_user", "Shenzhen Lattice Compute Co., Ltd. (own use)")
    page.fill("#id_deployment_site", "Building 3, Qianhai Data Park, Shenzhen")
    page.fill("#id_training_parameters", "13000000000")
    page.fill("#id_training_tokens", "2000000000000")
    page.fill("#id_training_days", "60")
    page.check("#id_attest_no_reexport")
    page.check("#id_attest_no_military_end_use")
    fill_line(page, 0, "nvidia-h200", "64", "32000.00")
    page.click("[data-add-line]")
    fill_line(page, 1, "nvidia-h100-sxm", "8", "25000.00")
    page.click("[data-add-line]")
    fill_line(page, 2, "nvidia-h20", "32", "12000.00")
    page.locator("[data-line]").nth(1).locator("[data-remove-line]").click()
    assert page.locator("[data-line]:visible").count() == 2
    assert page.input_value("#id_lines-2-quantity") == "32"
    page.locator(".actions [name=save]").click()

    order = ImportRequest.objects.get(company=people["applicant-a"].membership.company)
    assert page.url.endswith(f"/requests/{order.public_id}/")
    assert [(line.chip.slug, line.quantity) for line in order.lines.all()] == [("nvidia-h200", 64), ("nvidia-h20", 32)]
    figures = page.inner_text(".figures")
    # 64 H200 and 32 H20: TPP 64 x 15,832 + 32 x 2,368; revenue share 25% of 2,048,000 and 15% of 384,000.
    for expected in ("1,089,024", "68.8", "2.1 \u00d7 10\u00b2\u00b3 FLOP", "4,251 days", "91", "569,600.00"):
        assert expected in figures
    assert "tier" not in page.inner_text("main").lower()

    # A file that is not a PDF: back at the form with the error in view and a summary on top; a reload shows the
    # page again without posting the file twice.
    page.set_input_files("input[name=document]", files=[
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"just text"}])
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()
    assert page.url.endswith("#upload")
    assert "not a PDF, PNG or JPEG" in page.inner_text("[data-error-summary]")
    assert "not a PDF, PNG or JPEG" in page.inner_text("#upload")
    assert page.evaluate("document.activeElement.id") == "id_document"
    box = page.locator("#upload .field-error").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]  # the error is in view
    page.reload()
    assert page.locator("[data-error-summary]").count() == 0

    page.select_option("#id_kind", "other")
    page.set_input_files("input[name=document]", files=[
        {"name": "site-plan.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Upload").click()
    assert "site-plan.pdf uploaded as other." in page.inner_text(".messages")
    assert page.get_by_role("link", name="site-plan.pdf").is_visible()

    page.get_by_role("link", name="Submit for review…").click()
    assert "can no longer be changed" in page.inner_text("main")
    page.get_by_role("button", name="Submit for review").click()
    assert page.url.endswith(f"/requests/{order.public_id}/")
    assert page.inner_text("[data-status]") == "Under review"
    assert "Screened" in page.inner_text(".timeline")
    page.screenshot(path=str(artifacts_dir / "portal-request.png"), full_page=True)

    services.request_transition(import_request_id=order.pk, action="request_information", actor=people["reviewer"],
                                payload={"question": "Which hall of the data park hosts the cluster?"})
    page.reload()
    assert "Which hall of the data park hosts the cluster?" in page.inner_text(".question")
    page.fill("#id_answer", "Hall B, second floor; the floor plan is attached.")
    page.get_by_role("button", name="Send answer").click()
    assert "Answer sent" in page.inner_text(".messages")
    assert page.inner_text("[data-status]") == "Under review"
    assert "Hall B, second floor" in page.inner_text("main")

    page.goto("/")
    assert order.reference in page.inner_text("table.orders")
    page.screenshot(path=str(artifacts_dir / "portal-dashboard.png"), full_page=True)

    page.context.clear_cookies()
    login("applicant-b")
    response = page.goto(f"/requests/{order.public_id}/")
    assert response.status == 404
    assert page.inner_text("h1") == "Not found"
    assert order.reference not in page.content()


def test_a_script_in_the_purpose_is_shown_as_text_and_a_double_click_saves_once(page, login, people):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login("applicant-a")
    page.goto("/requests/new/")
    page.select_option("#id_purpose_category", "research")
    page.fill("#id_purpose_statement", "<script>alert(1)</script> then some text")
    fill_line(page, 0, "nvidia-h20", "4", "12000.00")
    page.locator(".actions [name=save]").dblclick()
    page.wait_for_url(re.compile(r".*/requests/[0-9a-f-]{36}/$"))
    assert page.inner_text("[data-purpose]") == "<script>alert(1)</script> then some text"
    page.get_by_role("link", name="Edit draft").click()
    assert page.input_value("#id_purpose_statement") == "<script>alert(1)</script> then some text"
    page.goto("/")
    assert dialogs == []
    assert ImportRequest.objects.count() == 1
