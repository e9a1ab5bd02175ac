"""The shared cache fails open: with Redis unreachable, throttled API calls and sign-ins still answer."""
import pytest
from django.core.cache import caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.cache import FailOpenRedisCache
from tests.live import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The default cache pointed at a port where nothing listens."""
    settings.CACHES = {"default": {
        "BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    FailOpenRedisCache._last_logged = 0.0  # every test sees the first warning
    return caches["default"]  # Django drops its cache connections when the setting changes


def test_every_operation_answers_as_an_empty_cache(redis_down, caplog):
    cache = redis_down
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1, 60) is True
    assert cache.incr("k") == 1
    assert cache.set("k", 1) is None
    assert cache.delete("k") is False
    assert "Redis cache unreachable" in caplog.text


def test_a_throttled_api_call_still_answers(redis_down, applicant, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"token": "5/min", "anon": "5/min"}}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=applicant).key}")
    assert [client.get("/api/v1/requests/").status_code for _ in range(3)] == [200, 200, 200]


def test_signing_in_still_works(redis_down, client, applicant):
    response = client.post("/accounts/login/", {"username": applicant.username, "password": "pw-for-tests"})
    assert response.status_code == 302
