"""The client's address: REMOTE_ADDR unless trusted proxies put it in X-Forwarded-For, counted from the right."""
import pytest
from django.test import RequestFactory

from api.addresses import client_address

PROXY = "10.0.0.5"


@pytest.mark.parametrize(("proxies", "forwarded_for", "expected"), [
    (0, None, PROXY),
    (0, "203.0.113.7", PROXY),
    (0, "198.51.100.1, 203.0.113.7", PROXY),
    (1, None, PROXY),
    (1, "", PROXY),
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),
    (1, "198.51.100.1,203.0.113.7", "203.0.113.7"),
    (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
    (2, "203.0.113.7", PROXY),
])
def test_it_takes_the_address_the_outermost_trusted_proxy_saw(settings, proxies, forwarded_for, expected):
    settings.CHIPGATE_TRUSTED_PROXIES = proxies
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)
    assert client_address(request) == expected

