"""The request list: columns, SLA marks, filters, search, default order and a constant query count."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.clock import add_working_days
from approvals.models import ImportRequest
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/approvals/importrequest/"


def make_requests(count, *, company, created_by, **fields):
    today = timezone.localdate()
    values = {
        "status": "under_review", "purpose_category": "research", "tier": "standard", "risk_score": 10,
        "flags": "", "total_units": 8, "total_tpp": 8 * 15832.0, "sla_working_days": 20,
        "sla_due": today + timedelta(days=20), "submitted_at": timezone.now(), **fields,
    }
    start = ImportRequest.objects.count()
    return ImportRequest.objects.bulk_create([
        ImportRequest(company=company, created_by=created_by, reference=f"IR-2026-{900000 + start + n:06d}", **values)
        for n in range(count)
    ])


@pytest.fixture
def many(applicant, reviewer):
    company = applicant.membership.company

    def build(count, **fields):
        return make_requests(count, company=company, created_by=applicant, assignee=reviewer, **fields)

    return build


@pytest.mark.parametrize("rows", [1, 500])
def test_list_runs_a_constant_number_of_queries(client, reviewer, many, rows, django_assert_max_num_queries):
    many(rows, flags="large_order frontier_compute")
    client.force_login(reviewer)
    with django_assert_max_num_queries(7):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="field-reference"') == min(rows, 100)


def test_list_shows_the_case_columns(client, reviewer, senior_case):
    client.force_login(reviewer)
    page = client.get(LIST_URL).content.decode()
    assert senior_case.reference in page and str(senior_case.company) in page
    assert '<span class="flag-mark" title="Large order (over 1,000 H100-equivalents)">large</span>' in page
    assert f"{senior_case.h100_equivalents:,.0f}" in page
    assert senior_case.sla_due.isoformat() in page


def test_sla_marks_near_and_overdue(client, reviewer, many):
    today = timezone.localdate()
    near = many(1, sla_due=add_working_days(today, 3), sla_working_days=20)[0]
    overdue = many(1, sla_due=today - timedelta(days=1))[0]
    fine = many(1, sla_due=add_working_days(today, 15), sla_working_days=20)[0]
    client.force_login(reviewer)
    page = client.get(LIST_URL).content.decode()
    assert f'<span class="sla sla-near">{near.sla_due.isoformat()} (near)</span>' in page
    assert f'<span class="sla sla-overdue">{overdue.sla_due.isoformat()} (overdue)</span>' in page
    assert f"{fine.sla_due.isoformat()} (" not in page


def test_default_order_is_oldest_due_first_with_no_due_date_last(client, reviewer, many):
    today = timezone.localdate()
    later = many(1, sla_due=today + timedelta(days=30))[0]
    paused = many(1, sla_due=None, status="information_requested")[0]
    sooner = many(1, sla_due=today + timedelta(days=2))[0]
    client.force_login(reviewer)
    page = client.get(LIST_URL).content.decode()
    assert page.index(sooner.reference) < page.index(later.reference) < page.index(paused.reference)


def test_flag_filter_matches_whole_codes(client, reviewer, many):
    large = many(1, flags="large_order frontier_compute")[0]
    other = many(1, flags="over_customer_cap")[0]
    client.force_login(reviewer)
    page = client.get(LIST_URL + "?flag=frontier_compute").content.decode()
    assert large.reference in page and other.reference not in page


def test_case_filters(client, reviewer, reviewer2, applicant):
    company = applicant.membership.company
    mine = make_requests(1, company=company, created_by=applicant, assignee=reviewer)[0]
    theirs = make_requests(1, company=company, created_by=applicant, assignee=reviewer2)[0]
    free = make_requests(1, company=company, created_by=applicant)[0]
    late = make_requests(1, company=company, created_by=applicant, assignee=reviewer2,
                         sla_due=timezone.localdate() - timedelta(days=3))[0]
    decided = make_requests(1, company=company, created_by=applicant, assignee=reviewer, status="approved",
                            sla_due=None)[0]
    client.force_login(reviewer)

    def refs(query):
        page = client.get(LIST_URL + query).content.decode()
        return {r.reference for r in (mine, theirs, free, late, decided) if r.reference in page}

    assert refs("?cases=mine") == {mine.reference}
    assert refs("?cases=unassigned") == {free.reference}
    assert refs("?cases=overdue") == {late.reference}
    assert refs("?status__exact=approved") == {decided.reference}


def test_search_by_reference_company_name_and_uscc(client, reviewer, applicant, many):
    target_company = CompanyFactory(legal_name="Qianhai Needle Compute")
    target = make_requests(1, company=target_company, created_by=applicant)[0]
    other = many(1)[0]
    client.force_login(reviewer)
    for term in (target.reference, "Needle", target_company.uscc):
        page = client.get(LIST_URL, {"q": term}).content.decode()
        assert target.reference in page and other.reference not in page
