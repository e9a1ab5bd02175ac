"""The case header and the decision forms: company standing, the cap, tier, flags in words, the recommendation."""
import pytest

from approvals import services
from tests.desk.conftest import action_url, change_url
from tests.factories import ApplicantFactory, CompanyFactory, line, request_in_review

pytestmark = pytest.mark.django_db


def header_of(html: str) -> str:
    start = html.index('id="case-header"')
    return html[start:html.index('id="desk-actions-panel"', start)]


def test_the_header_names_the_company_its_standing_and_the_cap(client, reviewer):
    company = CompanyFactory(legal_name="Hangzhou Compute Ltd", approved_customer_reference="AC-7731")
    case = request_in_review(ApplicantFactory(membership__company=company), lines=[line("nvidia-h200", 1_200)])
    client.force_login(reviewer)
    header = header_of(client.get(change_url(case)).content.decode())
    assert f'<a href="/admin/approvals/company/{company.pk}/change/">Hangzhou Compute Ltd</a>' in header
    assert 'Approved customer</span> AC-7731' in header
    assert "0 licensed + 1,200 this order = <strong>1,200</strong> of 75,000 units" in header
    assert "Senior (two-person rule)" in header
    assert "Large order (over 1,000 H100-equivalents)</strong>: The order is worth 1,200 H100-equivalents" in header


def test_the_header_warns_of_a_company_that_is_not_an_approved_customer(client, reviewer):
    company = CompanyFactory(approved_customer=False, approved_customer_reference="")
    case = request_in_review(ApplicantFactory(membership__company=company))
    client.force_login(reviewer)
    header = header_of(client.get(change_url(case)).content.decode())
    assert "Not an approved customer today</strong>: framework chips cannot be approved for it" in header
    assert '<li data-flag="not_approved_customer"><strong>Not an approved customer</strong>' in header


def test_the_header_carries_the_escalating_reviewers_recommendation_and_rationale(client, senior, escalated_case):
    client.force_login(senior)
    header = header_of(client.get(change_url(escalated_case)).content.decode())
    assert f"{escalated_case.escalated_by} recommends: Approve</strong>" in header
    assert '<div class="desk-text">Matches the declared run.</div>' in header


def test_a_returned_case_no_longer_shows_a_recommendation(client, senior, reviewer, escalated_case):
    services.request_transition(import_request_id=escalated_case.pk, action="return", actor=senior,
                                payload={"comment": "Check the site first."})
    client.force_login(reviewer)
    html = client.get(change_url(escalated_case)).content.decode()
    assert 'id="case-header-escalation"' not in html
    assert "recommends" not in header_of(html)


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_the_decision_forms_repeat_the_figures_and_the_rationale(client, senior, escalated_case, action):
    client.force_login(senior)
    html = client.get(action_url(escalated_case, action)).content.decode()
    assert 'id="case-header"' in html
    assert "0 licensed + 8,000 this order = <strong>8,000</strong> of 75,000 units" in html
    assert "H100-equivalents (by TPP):</small> 8,000.0" in html
    assert "Matches the declared run." in html
    assert "recommends: Approve" in html


def test_the_approve_form_of_a_standard_case_shows_its_figures(client, reviewer, standard_case):
    client.force_login(reviewer)
    html = client.get(action_url(standard_case, "approve")).content.decode()
    assert "Standard (one reviewer)" in html and "Order value:</small> USD" in html
    assert 'id="case-header-escalation"' not in html


def test_the_case_fields_are_written_for_people(client, reviewer, applicant):
    case = request_in_review(applicant, lines=[line("nvidia-h200", 1_200)], purpose_category="model_training",
                             training_parameters=70_000_000_000, training_tokens=2_000_000_000_000,
                             training_days=60)
    client.force_login(reviewer)
    html = client.get(change_url(case)).content.decode()
    assert "70,000,000,000 (70 billion)" in html and "2,000,000,000,000 (2 trillion)" in html
    assert f"{case.sla_due.isoformat()}</div>" in html
    assert "UTC+8</div>" in html
    assert "Large order (over 1,000 H100-equivalents); " in html
    assert "large_order" not in html.replace('data-flag="large_order"', "")
    assert "1,200</div>" in html


@pytest.mark.parametrize("lines", [1, 6])
def test_the_decision_form_runs_a_constant_number_of_queries(client, applicant, reviewer, senior, lines,
                                                             django_assert_max_num_queries):
    slugs = ["nvidia-h200", "nvidia-h20"] * 3
    case = request_in_review(applicant, lines=[line(slug, 2_000) for slug in slugs[:lines]])
    services.request_transition(import_request_id=case.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "reject", "rationale": "Too much."})
    client.force_login(senior)
    with django_assert_max_num_queries(11):
        assert client.get(action_url(case, "approve")).status_code == 200
