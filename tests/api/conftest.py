"""API test helpers: token clients per user and a fresh, generous request budget in every test."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.authentication import clear_token_cache
from tests.factories import draft_request, line, request_in_review


@pytest.fixture(autouse=True)
def _fresh_budget(settings):
    """Tests that are about throttling lower the rate themselves (the root conftest empties the counters).

    The token cache is off so every other test sees the database path; test_token_cache turns it on.
    """
    clear_token_cache()
    settings.CHIPGATE_API_AUTH_CACHE_SECONDS = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "100000/min", "anon": "100000/min"},
    }
    yield
    clear_token_cache()


@pytest.fixture
def api_for(db):
    def make(user) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def draft(applicant):
    return draft_request(applicant)


@pytest.fixture
def in_review(applicant):
    return request_in_review(applicant)


@pytest.fixture
def senior_tier_in_review(applicant):
    return request_in_review(applicant, lines=[line("nvidia-h200", 8000)])


def url(public_id, suffix: str = "") -> str:
    return f"/api/v1/requests/{public_id}/{suffix}"


def licence_url(public_id, suffix: str = "") -> str:
    return f"/api/v1/licences/{public_id}/{suffix}"
