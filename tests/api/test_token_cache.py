"""The token cache: a warm status poll costs one query, roles survive the cache, revocation shows after the TTL."""
import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

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
    cache.clear()  # as if they had passed
    assert client.get(url(draft.public_id, "status/")).status_code == 401
