"""The token cache: a warm status poll costs one query, roles survive the cache, revocation shows after the TTL."""
import pytest
from rest_framework.authtoken.models import Token

from api.authentication import clear_token_cache
from tests.api.conftest import url


@pytest.fixture
def token_cache_on(settings):
    settings.CHIPGATE_API_AUTH_CACHE_SECONDS = 5


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_a_warm_poll_costs_one_query(request, token_cache_on, api_for, in_review, django_assert_num_queries, role):
    client = api_for(request.getfixturevalue(role))
    first = client.get(url(in_review.public_id, "status/"))
    with django_assert_num_queries(1):
        assert client.get(url(in_review.public_id, "status/"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_num_queries(1):
        assert client.get(url(in_review.public_id, "status/")).json() == first.json()


def test_cached_roles_give_the_same_actions(token_cache_on, api_for, reviewer, in_review):
    client = api_for(reviewer)
    cold = client.get(url(in_review.public_id, "status/")).json()["available_actions"]
    warm = client.get(url(in_review.public_id, "status/")).json()["available_actions"]
    assert cold == warm == ["request_information", "approve", "reject", "escalate"]


def test_the_cache_never_widens_what_a_token_sees(token_cache_on, api_for, other_applicant, draft):
    stranger = api_for(other_applicant)
    assert stranger.get(url(draft.public_id, "status/")).status_code == 404
    assert stranger.get(url(draft.public_id, "status/")).status_code == 404


def test_an_unknown_token_is_not_cached(token_cache_on, anonymous, draft, django_assert_num_queries):
    anonymous.get(url(draft.public_id, "status/"), HTTP_AUTHORIZATION="Token nope")
    with django_assert_num_queries(1):
        response = anonymous.get(url(draft.public_id, "status/"), HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401


def test_a_revoked_token_is_refused_once_its_moment_has_passed(token_cache_on, api_for, applicant, draft):
    client = api_for(applicant)
    assert client.get(url(draft.public_id, "status/")).status_code == 200
    Token.objects.filter(user=applicant).delete()
    assert client.get(url(draft.public_id, "status/")).status_code == 200  # within the cache's few seconds
    clear_token_cache()  # as if they had passed
    assert client.get(url(draft.public_id, "status/")).status_code == 401


def test_a_warm_poll_answers_exactly_as_the_full_pipeline(token_cache_on, api_for, reviewer, in_review):
    client = api_for(reviewer)
    cold = client.get(url(in_review.public_id, "status/"))
    warm = client.get(url(in_review.public_id, "status/"))
    assert warm.content == cold.content
    for header in ("ETag", "Cache-Control", "Content-Type"):
        assert warm[header] == cold[header]
    unchanged = client.get(url(in_review.public_id, "status/"), HTTP_IF_NONE_MATCH=cold["ETag"])
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", cold["ETag"])


def test_warm_polls_are_still_throttled(token_cache_on, settings, api_for, applicant, draft):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min", "anon": "3/min"}}
    client = api_for(applicant)
    assert [client.get(url(draft.public_id, "status/")).status_code for _ in range(3)] == [200, 200, 200]
    throttled = client.get(url(draft.public_id, "status/"))
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled" and int(throttled["Retry-After"]) > 0


def test_a_warm_token_still_gets_404_for_another_companys_request(token_cache_on, api_for, other_applicant, draft):
    stranger = api_for(other_applicant)
    stranger.get("/api/v1/requests/")
    response = stranger.get(url(draft.public_id, "status/"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
