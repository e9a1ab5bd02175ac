"""The desk's lists at scale: a count that stops at a cap and says "more than", search by reference, licence
number, USCC and names through the search selector, and a pinned number of queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from desk.lists import CappedCountPaginator
from tests.desk.test_request_list import LIST_URL, make_requests
from tests.factories import CompanyFactory, valid_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)


@pytest.fixture
def rows(applicant):
    def build(count, *, company=None, **fields):
        return make_requests(count, company=company or applicant.membership.company, created_by=applicant, **fields)

    return build


def test_a_list_past_the_cap_says_more_than_the_cap(client, reviewer, rows, small_cap):
    rows(5)
    client.force_login(reviewer)
    page = client.get(LIST_URL).content.decode()
    assert "more than 3 import requests" in page


def test_a_list_under_the_cap_gives_its_count(client, reviewer, rows, small_cap):
    rows(2)
    client.force_login(reviewer)
    page = client.get(LIST_URL).content.decode()
    assert "2 import requests" in page and "more than" not in page


def test_the_count_reads_at_most_one_row_past_the_cap(client, reviewer, rows, small_cap):
    rows(5)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST_URL + "?status__exact=under_review")
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]


def test_a_capped_list_pages_up_to_the_cap(client, reviewer, rows, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 150)
    rows(160)
    client.force_login(reviewer)
    assert client.get(LIST_URL + "?p=2").status_code == 200
    assert client.get(LIST_URL + "?p=3").status_code == 302  # the admin's answer to a page past the end


def test_search_by_the_start_of_a_reference(client, reviewer, rows):
    first, second = rows(2)
    client.force_login(reviewer)
    page = client.get(LIST_URL, {"q": first.reference.lower()}).content.decode()
    assert first.reference in page and second.reference not in page
    page = client.get(LIST_URL, {"q": first.reference[:-1]}).content.decode()
    assert first.reference in page and second.reference in page


def test_search_by_the_start_of_a_uscc(client, reviewer, applicant, rows):
    target = rows(1, company=CompanyFactory(uscc=valid_uscc(765432)))[0]
    other = rows(1)[0]
    client.force_login(reviewer)
    page = client.get(LIST_URL, {"q": "9144030000076"}).content.decode()
    assert target.reference in page and other.reference not in page


def test_search_by_part_of_the_end_users_name(client, reviewer, rows):
    target = rows(1, end_user="Shenzhen Lantern Robotics Institute")[0]
    other = rows(1, end_user="Guangdong Legal AI Ltd.")[0]
    client.force_login(reviewer)
    page = client.get(LIST_URL, {"q": "  lantern   robotics "}).content.decode()
    assert target.reference in page and other.reference not in page


def test_name_search_runs_a_constant_number_of_queries(client, reviewer, rows, django_assert_max_num_queries):
    rows(30, end_user="Shenzhen Lantern Robotics Institute")
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL, {"q": "Lantern"})
    assert response.content.decode().count('class="field-reference"') == 30


def test_licences_found_by_number_and_holder(client, reviewer, approved_case):
    licence = approved_case.licence
    client.force_login(reviewer)
    url = "/admin/approvals/licence/"
    for term in (licence.number, licence.number[:8].lower(), licence.holder.legal_name[:6], licence.holder.uscc):
        assert licence.number in client.get(url, {"q": term}).content.decode(), term
    assert licence.number not in client.get(url, {"q": "CGL-1999"}).content.decode()


def test_audit_trail_found_by_reference(client, reviewer, standard_case, senior_case):
    client.force_login(reviewer)
    page = client.get("/admin/approvals/reviewevent/", {"q": standard_case.reference}).content.decode()
    assert standard_case.reference in page and senior_case.reference not in page


@pytest.mark.parametrize("url", ["/admin/approvals/reviewevent/", "/admin/approvals/licenceevent/",
                                 "/admin/approvals/assessment/", LIST_URL, "/admin/approvals/licence/"])
def test_list_filters_offer_known_values_without_reading_the_table(client, reviewer, approved_case, url):
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert not [query["sql"] for query in queries if "DISTINCT" in query["sql"].upper()]
    if "reviewevent" in url:
        assert "?action__exact=approve" in page and "Approved" in page


@pytest.mark.parametrize(("url", "most"), [
    ("/admin/approvals/licence/", 7), ("/admin/approvals/partymatch/", 7), ("/admin/approvals/reviewevent/", 7),
    ("/admin/approvals/licenceevent/", 7), ("/admin/approvals/assessment/", 7), ("/admin/approvals/company/", 7),
])
def test_each_desk_list_runs_a_fixed_number_of_queries(client, reviewer, applicant, url, most,
                                                      django_assert_max_num_queries):
    from tests.factories import approved_licence

    for _ in range(3):
        approved_licence(applicant, reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
