"""A senior-tier case from the reviewer's queue to a senior's approval, in a real browser through the admin."""
import pytest

from approvals import services
from approvals.models import ImportRequest
from tests.factories import ApplicantFactory, StaffFactory, line, request_in_review

pytestmark = pytest.mark.django_db(transaction=True)

LIST = "/admin/approvals/importrequest/"


def change_page(request_obj) -> str:
    return f"{LIST}{request_obj.pk}/change/"


def test_reviewer_and_senior_take_a_senior_tier_case_to_approval(page, login, artifacts_dir):
    StaffFactory(username="reviewer", groups=["reviewer"])
    StaffFactory(username="senior", groups=["senior_reviewer"])
    StaffFactory(username="senior2", groups=["senior_reviewer"])
    applicant = ApplicantFactory(username="applicant")
    big = request_in_review(applicant, lines=[line("nvidia-h200", 8000)])
    small = request_in_review(applicant)
    assert (big.tier, small.tier) == ("senior", "standard")

    login("reviewer", path="/admin/login/")
    page.goto(LIST)
    page.get_by_role("link", name="Unassigned").click()
    assert "cases=unassigned" in page.url
    page.get_by_role("link", name=big.reference).click()
    page.click("input[data-action=claim]")
    assert "You now hold" in page.inner_text(".messagelist")
    assert page.locator("[data-action=approve]").count() == 0

    page.click("a[data-action=request_information]")
    page.fill("textarea[name=question]", "Please attach the cluster's access policy.")
    page.click("#action-form input[type=submit]")
    assert "now information requested" in page.inner_text(".messagelist")

    services.request_transition(import_request_id=big.pk, action="respond", actor=applicant,
                                payload={"answer": "Attached; three labs share the cluster."})
    page.reload()
    assert "three labs share the cluster" in page.inner_text("#case-information-requests")
    assert page.locator("[data-action=approve]").count() == 0
    page.click("a[data-action=escalate]")
    page.check("input[name=recommendation][value=approve]")
    page.fill("textarea[name=rationale]", "Declared run matches the order; approved customer.")
    page.click("#action-form input[type=submit]")
    assert "now senior review" in page.inner_text(".messagelist")
    assert page.locator("[data-action=approve]").count() == 0
    page.screenshot(path=str(artifacts_dir / "admin-escalated.png"), full_page=True)

    page.context.clear_cookies()
    login("senior", path="/admin/login/")
    page.goto(change_page(big))
    page.click("a[data-action=approve]")
    page.fill("textarea[name=conditions]", "Quarterly usage reports.")
    page.click("#action-form input[type=submit]")
    assert "now approved" in page.inner_text(".messagelist")
    assert "Audit chain verified" in page.inner_text("#chain-result")
    page.screenshot(path=str(artifacts_dir / "admin-approved.png"), full_page=True)

    assert ImportRequest.objects.get(pk=big.pk).status == "approved"
    assert ImportRequest.objects.get(pk=small.pk).status == "under_review"
