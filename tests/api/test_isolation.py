"""Another company's request answers 404 on every route, for reads and writes alike, and changes nothing."""
import pytest

from approvals.models import ImportRequest
from tests.api.conftest import url

ROUTES = [
    ("get", ""),
    ("patch", ""),
    ("get", "status/"),
    ("post", "transitions/"),
    ("get", "events/"),
]


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_company_bs_token_gets_404_on_company_as_draft(api_for, other_applicant, draft, method, suffix):
    client = api_for(other_applicant)
    response = getattr(client, method)(url(draft.public_id, suffix), {"action": "submit", "end_user": "B"},
                                       format="json")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such request."}
    draft.refresh_from_db()
    assert (draft.status, draft.end_user, draft.version) == ("draft", "Guangdong Legal AI Ltd.", 1)


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_company_bs_token_gets_404_on_a_request_in_review(api_for, other_applicant, in_review, method, suffix):
    response = getattr(api_for(other_applicant), method)(url(in_review.public_id, suffix), {"action": "withdraw"},
                                                         format="json")
    assert response.status_code == 404
    assert ImportRequest.objects.get(pk=in_review.pk).status == "under_review"


def test_the_404_is_the_same_as_for_a_request_that_does_not_exist(api_for, other_applicant, draft):
    client = api_for(other_applicant)
    existing = client.get(url(draft.public_id, "status/"))
    missing = client.get(url("0b9f6c43-2d55-4e1c-9d4a-2f7f4a7c1e00", "status/"))
    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json())


def test_company_b_does_not_see_company_as_requests_in_the_list(api_for, other_applicant, draft):
    assert api_for(other_applicant).get("/api/v1/requests/").json()["results"] == []


def test_an_if_none_match_guess_does_not_reveal_anything(api_for, other_applicant, draft):
    etag = f'W/"{draft.public_id}-{draft.version}"'
    response = api_for(other_applicant).get(url(draft.public_id, "status/"), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 404
