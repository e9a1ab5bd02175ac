"""Request budgets for API consumers: a fixed-window counter per token, one cache increment per call.

DRF's SimpleRateThrottle keeps a list of timestamps per client and rewrites it on every call, which
costs more than a status poll itself; a counter per window is O(1). A client can spend up to twice its
rate across a window boundary, which is acceptable for a budget against runaway pollers.
"""
import hashlib
import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from api.addresses import client_address


class FixedWindowThrottle(BaseThrottle):
    scope = ""

    def get_cache_key(self, request, view) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        ident = self.get_cache_key(request, view) if rate else None
        if ident is None:
            return True
        limit, period = self.parse_rate(rate)
        now = time.time()
        window = int(now // period)
        key = f"throttle:{self.scope}:{ident}:{window}"
        try:
            count = cache.incr(key)
        except ValueError:  # first call in this window (one cache operation on every other call)
            count = 1 if cache.add(key, 1, period + 1) else cache.incr(key)
        self.wait_seconds = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float:
        return self.wait_seconds

    def get_ident(self, request) -> str:
        """The address rule the sign-in lockout uses too (DRF's own trusts X-Forwarded-For unless NUM_PROXIES)."""
        return client_address(request)

    @staticmethod
    def parse_rate(rate: str) -> tuple[int, int]:
        count, unit = rate.split("/")
        return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit[0]]


class TokenRateThrottle(FixedWindowThrottle):
    """Counts calls per API token (a session user by user id), so each consumer system has its own budget."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        key = getattr(request.auth, "key", None)
        # A digest, so a shared cache never holds usable tokens in its key names.
        return hashlib.sha256(key.encode()).hexdigest()[:32] if key else f"user-{request.user.pk}"


class AddressRateThrottle(FixedWindowThrottle):
    """Anonymous calls (asking for a token) per client address."""

    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)
