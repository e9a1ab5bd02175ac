"""GET /api/v1/requests/: who sees what, newest change first, filters, cursor pages and a constant query count."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import services
from tests.factories import draft_request, request_in_review, submitted_request

LIST = "/api/v1/requests/"


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["results"]]


def test_an_applicant_sees_only_their_companys_requests(api_for, applicant, other_applicant):
    own = draft_request(applicant)
    draft_request(other_applicant)
    response = api_for(applicant).get(LIST)
    assert response.status_code == 200
    assert ids(response) == [str(own.public_id)]


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_reviewers_seniors_and_auditors_see_every_company_but_no_draft(request, api_for, applicant, other_applicant,
                                                                       role):
    first, second = submitted_request(applicant), submitted_request(other_applicant)
    draft_request(applicant)
    response = api_for(request.getfixturevalue(role)).get(LIST)
    assert set(ids(response)) == {str(first.public_id), str(second.public_id)}


def test_a_user_without_company_or_staff_role_sees_nothing(api_for, maintainer, applicant):
    draft_request(applicant)
    assert ids(api_for(maintainer).get(LIST)) == []


def test_newest_change_comes_first(api_for, applicant):
    older, newer = draft_request(applicant), draft_request(applicant)
    assert ids(api_for(applicant).get(LIST)) == [str(newer.public_id), str(older.public_id)]
    services.request_update(import_request_id=older.pk, actor=applicant, data={"end_user": "Another end user"})
    assert ids(api_for(applicant).get(LIST)) == [str(older.public_id), str(newer.public_id)]


def test_items_carry_status_version_and_the_callers_actions(api_for, applicant):
    draft = draft_request(applicant)
    item = api_for(applicant).get(LIST).json()["results"][0]
    assert item["reference"] == draft.reference
    assert item["status"] == "draft"
    assert item["version"] == draft.version
    assert item["available_actions"] == ["submit", "withdraw"]


def test_status_filter_is_repeatable(api_for, applicant):
    draft = draft_request(applicant)
    submitted = submitted_request(applicant)
    reviewed = request_in_review(applicant)
    client = api_for(applicant)
    assert ids(client.get(LIST, {"status": "draft"})) == [str(draft.public_id)]
    both = client.get(f"{LIST}?status=submitted&status=under_review")
    assert set(ids(both)) == {str(submitted.public_id), str(reviewed.public_id)}


def test_an_unknown_status_answers_400_naming_the_field(api_for, applicant):
    response = api_for(applicant).get(LIST, {"status": ["draft", "pending"]})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "pending" in body["status"][0]


def test_updated_after_returns_exactly_the_requests_changed_since(api_for, applicant):
    unchanged, changed = draft_request(applicant), draft_request(applicant)
    client = api_for(applicant)
    since = client.get(LIST).json()["results"][0]["updated_at"]
    assert ids(client.get(LIST, {"updated_after": since})) == []
    services.request_update(import_request_id=changed.pk, actor=applicant, data={"end_user": "Changed Ltd."})
    assert ids(client.get(LIST, {"updated_after": since})) == [str(changed.public_id)]
    assert str(unchanged.public_id) in ids(client.get(LIST))


def test_updated_after_accepts_iso_8601_with_an_offset(api_for, applicant):
    draft = draft_request(applicant)
    earlier = (draft.updated_at - timedelta(seconds=1)).astimezone(timezone.get_fixed_timezone(-300))
    response = api_for(applicant).get(LIST, {"updated_after": earlier.isoformat()})
    assert ids(response) == [str(draft.public_id)]


@pytest.mark.parametrize("value", [
    "yesterday", "2026-13-01T00:00:00Z", "2026-11-29T25:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-10:00",
])
def test_a_malformed_updated_after_answers_400(api_for, applicant, value):
    response = api_for(applicant).get(LIST, {"updated_after": value})
    assert response.status_code == 400
    assert "updated_after" in response.json()


def test_pages_follow_the_cursor_without_gaps_or_repeats(api_for, applicant):
    created = [draft_request(applicant) for _ in range(5)]
    client = api_for(applicant)
    seen, page = [], client.get(LIST, {"page_size": 2}).json()
    while True:
        seen += [item["id"] for item in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert seen == [str(request.public_id) for request in reversed(created)]


def _list_queries(django_assert_num_queries, client, budget):
    with django_assert_num_queries(budget):
        response = client.get(LIST, {"page_size": 50})
    assert response.status_code == 200
    return response


# Token with user, membership and roles (1) and one page of requests with company and assessment (1).
LIST_QUERIES = 2


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_the_list_costs_the_same_for_1_and_50_requests(request, api_for, applicant, django_assert_num_queries,
                                                       role):
    client = api_for(request.getfixturevalue(role))
    submitted_request(applicant)
    assert len(_list_queries(django_assert_num_queries, client, LIST_QUERIES).json()["results"]) == 1
    for _ in range(49):
        submitted_request(applicant)
    assert len(_list_queries(django_assert_num_queries, client, LIST_QUERIES).json()["results"]) == 50


@pytest.mark.parametrize(("params", "field"), [
    ({"page_size": "0"}, "page_size"), ({"page_size": "lots"}, "page_size"), ({"cursor": "garbage"}, "cursor"),
    ({"updated_after": ""}, "updated_after"),
])
def test_bad_paging_and_filter_values_answer_400(api_for, applicant, params, field):
    response = api_for(applicant).get(LIST, params)
    assert response.status_code == 400
    assert field in response.json()
