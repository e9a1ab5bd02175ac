"""The desk as a reviewer sees it in Chromium: the queue fits 1280 px with every column and references on one line;
the case header carries the figures; screenshots of both for the record (tests/artifacts/, git-ignored)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import services
from approvals.models import ImportRequest
from tests.factories import ApplicantFactory, CompanyFactory, StaffFactory, line, request_in_review

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/admin/approvals/importrequest/"
COLUMNS = ("reference", "company", "status", "tier_display", "sla_display", "assignee", "flags_display")


@pytest.fixture
def office():
    reviewer = StaffFactory(username="reviewer", groups=["reviewer"])
    StaffFactory(username="senior", groups=["senior_reviewer"])
    long_name = CompanyFactory(legal_name="Shenzhen Qianhai Frontier Intelligent Computing Technology Co., Ltd.",
                               approved_customer=False, approved_customer_reference="")
    plain = CompanyFactory(legal_name="Hangzhou Compute Ltd", approved_customer_reference="AC-2026-0042")
    flagged = ApplicantFactory(membership__company=long_name)
    applicant = ApplicantFactory(membership__company=plain)
    cases = [
        request_in_review(flagged, lines=[line("nvidia-h200", 9_000)], purpose_category="other"),
        request_in_review(applicant, lines=[line("nvidia-h200", 2_400)]),
        request_in_review(applicant),
        request_in_review(flagged, lines=[line("nvidia-h20", 300, "12000.00")]),
    ]
    ImportRequest.objects.filter(pk=cases[3].pk).update(sla_due=timezone.localdate() - timedelta(days=3))
    services.request_claim(import_request_id=cases[1].pk, actor=reviewer)
    services.request_transition(
        import_request_id=cases[1].pk, action="escalate", actor=reviewer,
        payload={"recommendation": "approve", "rationale": "The declared 70B run needs the whole order; "
                                                            "the company holds an approved-customer licence."},
    )
    return cases


def test_the_queue_fits_1280_px_with_every_column_and_one_line_references(page, login, artifacts_dir, office):
    login("reviewer", path="/admin/login/")
    page.goto(LIST)
    page.screenshot(path=str(artifacts_dir / "desk-queue-1280.png"), full_page=True)
    assert page.viewport_size["width"] == 1280
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0
    results = page.evaluate("(() => { const r = document.querySelector('.results'); "
                            "return [r.scrollWidth, r.clientWidth, r.getBoundingClientRect().right]; })()")
    assert results[0] <= results[1] and results[2] <= 1280, results
    for mark in page.locator(".flag-mark").all():
        box = mark.bounding_box()
        assert box["x"] + box["width"] <= results[2], mark.inner_text()
    for column in COLUMNS:
        header = page.locator(f"#result_list thead th.column-{column}")
        assert header.is_visible(), column
        assert header.bounding_box()["x"] + header.bounding_box()["width"] <= 1280, column
    references = page.locator("#result_list th.field-reference a").all()
    assert len(references) == 4
    for cell in references:
        lines = cell.evaluate("a => a.getClientRects().length")
        assert lines == 1, cell.inner_text()
    assert page.locator(".flag-mark", has_text="not approved").count() >= 1
    assert page.locator("#result_list .sla-overdue").count() == 1


def test_the_case_header_carries_the_figures_a_decider_needs(page, login, artifacts_dir, office):
    escalated = office[1]
    login("senior", path="/admin/login/")
    page.goto(f"{LIST}{escalated.pk}/change/")
    header = page.locator("#case-header")
    text = header.inner_text()
    assert "Hangzhou Compute Ltd" in text and "AC-2026-0042" in text
    assert "0 licensed + 2,400 this order = 2,400 of 75,000 units" in text
    assert "Senior (two-person rule)" in text
    assert "Large order (over 1,000 H100-equivalents)" in text
    assert "reviewer recommends: Approve" in text and "The declared 70B run needs the whole order" in text
    header.screenshot(path=str(artifacts_dir / "desk-case-header.png"))
    page.screenshot(path=str(artifacts_dir / "desk-case-page.png"), full_page=True)

    page.click("a[data-action=approve]")
    form_header = page.locator("#case-header").inner_text()
    assert "2,400 this order" in form_header and "The declared 70B run needs the whole order" in form_header
    page.screenshot(path=str(artifacts_dir / "desk-approve-form.png"), full_page=True)


def test_the_home_counts_and_the_ways_back_from_errors(page, login, artifacts_dir, office):
    login("reviewer", path="/admin/login/")
    page.goto("/admin/")
    counts = {item: page.inner_text(f"#count-{item} .count") for item in ("mine", "unassigned", "overdue", "senior")}
    assert counts == {"mine": "1", "unassigned": "3", "overdue": "1", "senior": "1"}
    page.screenshot(path=str(artifacts_dir / "desk-home.png"), full_page=True)
    page.click("#count-unassigned a")
    page.wait_for_url("**/?cases=unassigned")
    page.wait_for_load_state()
    assert page.locator("#result_list th.field-reference").count() == 3

    page.get_by_role("link", name="View site").click()
    assert page.url.endswith("/admin/site/")
    assert page.locator("#site-verify input[name=code]").is_visible()

    response = page.goto("/admin/approvals/no-such-page/")
    assert response.status == 404
    page.screenshot(path=str(artifacts_dir / "desk-404.png"), full_page=True)
    page.get_by_role("link", name="Back to the desk").click()
    assert page.url.endswith("/admin/")


def test_a_chip_edit_that_rescores_asks_first_then_the_job_lists_the_changes(page, login, artifacts_dir, office):
    from chips.models import ChipModel, RescoreJob

    StaffFactory(username="maintainer", groups=["catalog_maintainer"])
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    login("maintainer", path="/admin/login/")
    page.goto(f"/admin/chips/chipmodel/{h200.pk}/change/")
    page.fill("input[name=dense_fp16_bf16_tflops]", "1979")
    page.click("input[name=_save]")
    assert "open cases order this chip and will be re-scored" in page.inner_text("#chip-open-cases")
    assert ChipModel.objects.get(pk=h200.pk).dense_fp16_bf16_tflops == 989.5
    page.screenshot(path=str(artifacts_dir / "desk-chip-confirm.png"), full_page=True)
    page.click("#confirm-change-form input[type=submit]")
    page.wait_for_load_state()
    assert ChipModel.objects.get(pk=h200.pk).dense_fp16_bf16_tflops == 1979.0
    job = RescoreJob.objects.get()
    page.goto(f"/admin/chips/rescorejob/{job.pk}/change/")
    page.wait_for_selector("#rescore-changes", timeout=20_000)
    assert page.locator("#rescore-changes tbody tr").count() >= 1
    page.screenshot(path=str(artifacts_dir / "desk-rescore-job.png"), full_page=True)
