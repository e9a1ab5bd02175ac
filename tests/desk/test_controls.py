"""The desk's controls: party matches decided from the case page, the company's standing against the cap, and the
approved-customer status set by senior reviewers through its own form."""
import pytest
from django.utils.html import escape

from approvals.models import ApprovedCustomerChange, Company, PartyMatch, ReviewEvent
from parties.services import SAMPLE_LIST_PATH, screening_list_load
from tests.desk.conftest import change_url
from tests.factories import ApplicantFactory, CompanyFactory, line, request_in_review

pytestmark = pytest.mark.django_db

LISTED_IN_CHINESE = "深圳龙岗精密计算有限公司"


@pytest.fixture
def flagged_case(applicant):
    screening_list_load(path=SAMPLE_LIST_PATH, source="sample")
    return request_in_review(applicant, end_user=LISTED_IN_CHINESE)


def decide_url(case, match) -> str:
    return f"/admin/approvals/importrequest/{case.pk}/party-matches/{match.pk}/decide/"


def test_the_case_page_lists_the_match_with_a_decision_form_for_reviewers(client, reviewer, flagged_case):
    match = PartyMatch.objects.get()
    client.force_login(reviewer)
    page = client.get(change_url(flagged_case)).content.decode()
    assert f'data-match="{match.pk}" data-state="open"' in page
    assert "End user: 深圳龙岗精密计算有限公司" in page
    assert "Shenzhen Longgang Precision Computing Co., Ltd. <small>(name)</small>" in page
    assert "SAMPLE (invented; not a real list) #900001" in page
    assert f'action="{decide_url(flagged_case, match)}"' in page


def test_an_auditor_sees_the_match_but_no_form_and_cannot_post(client, auditor, flagged_case):
    match = PartyMatch.objects.get()
    client.force_login(auditor)
    page = client.get(change_url(flagged_case)).content.decode()
    assert f'data-match="{match.pk}" data-state="open"' in page and "party-decision" not in page
    response = client.post(decide_url(flagged_case, match), {"decision": "false_positive", "rationale": "No."})
    assert response.status_code == 403
    assert PartyMatch.objects.get().state == "open"


def test_a_reviewer_records_a_false_positive_from_the_case_page(client, reviewer, flagged_case):
    match = PartyMatch.objects.get()
    client.force_login(reviewer)
    response = client.post(decide_url(flagged_case, match), {
        "decision": "false_positive", "rationale": "A namesake: registered in Hunan, different USCC."}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(flagged_case) + "#case-parties"
    assert escape("'深圳龙岗精密计算有限公司' ~ 'Shenzhen Longgang Precision Computing Co., Ltd.' recorded as false "
                  "positive.") in response.content.decode()
    match.refresh_from_db()
    assert (match.state, match.decided_by, match.rationale) == (
        "false_positive", reviewer, "A namesake: registered in Hunan, different USCC.")
    assert ReviewEvent.objects.filter(import_request=flagged_case, action="dispose_match").count() == 1


def test_a_decision_without_a_rationale_is_refused_naming_the_field(client, reviewer, flagged_case):
    match = PartyMatch.objects.get()
    client.force_login(reviewer)
    response = client.post(decide_url(flagged_case, match), {"decision": "true_match", "rationale": ""}, follow=True)
    assert "The match was not decided. Rationale: This field is required." in response.content.decode()
    assert PartyMatch.objects.get().state == "open"


def test_a_match_of_another_case_is_not_found(client, reviewer, flagged_case, applicant):
    other = request_in_review(applicant)
    client.force_login(reviewer)
    response = client.post(decide_url(other, PartyMatch.objects.get()), {"decision": "true_match", "rationale": "x"})
    assert response.status_code == 404


def test_the_queue_filters_cases_with_open_matches(client, reviewer, flagged_case, applicant):
    clean = request_in_review(applicant)
    client.force_login(reviewer)
    page = client.get("/admin/approvals/importrequest/?parties=open").content.decode()
    assert flagged_case.reference in page and clean.reference not in page


def test_the_case_page_shows_the_company_against_the_cap(client, reviewer, senior):
    company = CompanyFactory(approved_customer=False, approved_customer_reference="")
    applicant = ApplicantFactory(membership__company=company)
    case = request_in_review(applicant, lines=[line("nvidia-h200", 1_200)])
    request_in_review(applicant, lines=[line("nvidia-h20", 300, "12000.00")])
    client.force_login(reviewer)
    page = client.get(change_url(case)).content.decode()
    assert "Not an approved customer today</strong>: framework chips cannot be approved for it." in page
    assert '<tr><th>This order</th><td class="num">1,200</td></tr>' in page
    assert '<tr><th>Cap per customer</th><td class="num">75,000</td></tr>' in page
    assert '<tr><th>Other open requests (not counted)</th><td class="num">300</td></tr>' in page


def test_a_senior_sets_the_approved_customer_status_with_a_reason(client, senior):
    company = CompanyFactory(approved_customer=False, approved_customer_reference="")
    client.force_login(senior)
    url = f"/admin/approvals/company/{company.pk}/approved-customer/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"approved_customer": "yes", "reference": "AC-2026-0107", "valid_until": "2027-06-30",
                                 "reason": "Framework approval letter of 2026-11-20."}, follow=True)
    assert f"{company.legal_name} is now an approved customer" in response.content.decode()
    company.refresh_from_db()
    assert (company.approved_customer, company.approved_customer_reference,
            company.approved_customer_valid_until.isoformat()) == (True, "AC-2026-0107", "2027-06-30")
    change = ApprovedCustomerChange.objects.get()
    assert (change.changed_by, change.reason) == (senior, "Framework approval letter of 2026-11-20.")
    page = client.get(f"/admin/approvals/company/{company.pk}/change/").content.decode()
    assert "Framework approval letter of 2026-11-20." in page and "AC-2026-0107" in page


def test_approving_without_a_reference_is_refused_at_the_field(client, senior):
    company = CompanyFactory(approved_customer=False, approved_customer_reference="")
    client.force_login(senior)
    response = client.post(f"/admin/approvals/company/{company.pk}/approved-customer/",
                           {"approved_customer": "yes", "reference": "", "reason": "Letter received."})
    assert response.status_code == 200
    assert "Give the framework&#x27;s reference for the approval." in response.content.decode()
    assert not Company.objects.get(pk=company.pk).approved_customer
    assert not ApprovedCustomerChange.objects.exists()


def test_reviewers_cannot_change_the_status(client, reviewer):
    company = CompanyFactory(approved_customer=False, approved_customer_reference="")
    client.force_login(reviewer)
    url = f"/admin/approvals/company/{company.pk}/approved-customer/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"approved_customer": "yes", "reference": "AC-1", "reason": "x"}).status_code == 403
    assert not Company.objects.get(pk=company.pk).approved_customer


def test_the_company_form_does_not_edit_the_status_and_a_rename_is_screened(admin_client, applicant):
    screening_list_load(path=SAMPLE_LIST_PATH, source="sample")
    case = request_in_review(applicant)
    company = case.company
    response = admin_client.post(f"/admin/approvals/company/{company.pk}/change/", {
        "legal_name": "Hangzhou Lanxin Semiconductor Co., Ltd.", "uscc": company.uscc,
        "approved_customer": "", "approved_customer_reference": "FORGED",
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
        "members-0-id": applicant.membership.pk, "members-0-company": company.pk,
        "members-0-user": applicant.pk, "members-0-role": applicant.membership.role,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    company.refresh_from_db()
    assert (company.legal_name, company.approved_customer, company.approved_customer_reference) == (
        "Hangzhou Lanxin Semiconductor Co., Ltd.", True, applicant.membership.company.approved_customer_reference)
    assert list(PartyMatch.objects.filter(import_request=case).values_list("kind", "entry_name")) == [
        ("company", "Hangzhou Lanxin Semiconductor Co., Ltd.")]
