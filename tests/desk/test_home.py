"""The desk home: counts of my open cases, unassigned, overdue and awaiting a senior, each linked to its queue."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.desk.test_request_list import make_requests

pytestmark = pytest.mark.django_db


def count_of(html: str, item: str) -> str:
    start = html.index(f'<li id="count-{item}"')
    return html[html.index('<span class="count">', start) + len('<span class="count">'):html.index("</span>", start)]


@pytest.fixture
def office(applicant, reviewer, reviewer2):
    company = applicant.membership.company
    today = timezone.localdate()

    def make(count, **fields):
        return make_requests(count, company=company, created_by=applicant, **fields)

    make(2, assignee=reviewer)
    make(1, assignee=reviewer, sla_due=today - timedelta(days=2))
    make(1, assignee=reviewer, status="approved", sla_due=None)
    make(3)
    make(1, assignee=reviewer2, status="senior_review")
    make(2, status="senior_review", sla_due=today - timedelta(days=1))
    make(4, status="rejected", sla_due=today - timedelta(days=30))


def test_the_home_counts_the_open_cases_by_what_needs_doing(client, reviewer, office):
    client.force_login(reviewer)
    html = client.get("/admin/").content.decode()
    assert (count_of(html, "mine"), count_of(html, "unassigned"), count_of(html, "overdue"),
            count_of(html, "senior")) == ("3", "5", "3", "3")
    assert '<a href="/admin/approvals/importrequest/?cases=overdue">' in html
    assert '<li id="count-overdue" class="count-alert">' in html


def test_each_count_matches_the_queue_it_links_to(client, reviewer, office):
    client.force_login(reviewer)
    for query, expected in (("cases=mine", 3), ("cases=unassigned", 5), ("cases=overdue", 3),
                            ("status__exact=senior_review", 3)):
        html = client.get(f"/admin/approvals/importrequest/?{query}").content.decode()
        assert html.count('class="field-reference"') == expected, query


@pytest.mark.parametrize("cases", [1, 300])
# 7 whatever the number of cases: the counts are one aggregate.
def test_the_home_runs_a_constant_number_of_queries(client, reviewer, applicant, cases,
                                                    django_assert_max_num_queries):
    make_requests(cases, company=applicant.membership.company, created_by=applicant, assignee=reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(7):
        assert client.get("/admin/").status_code == 200


def test_the_counts_are_for_desk_readers_only(client, maintainer):
    client.force_login(maintainer)
    html = client.get("/admin/").content.decode()
    assert 'id="desk-counts"' not in html


def test_the_counting_is_one_query(reviewer, office, django_assert_num_queries):
    from approvals.selectors import desk_counts

    with django_assert_num_queries(1):
        counts = desk_counts(user=reviewer, today=timezone.localdate())
    assert counts == {"mine": 3, "unassigned": 5, "overdue": 3, "awaiting_senior": 3}


def test_a_count_past_the_cap_says_more_than_the_cap(client, reviewer, applicant, monkeypatch):
    from approvals import selectors
    from tests.desk.test_request_list import make_requests

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    make_requests(3, company=applicant.membership.company, created_by=applicant)
    client.force_login(reviewer)
    page = client.get("/admin/").content.decode()
    assert '<span class="count">more than 2</span>Unassigned' in page
    assert '<span class="count">0</span>My open cases' in page
