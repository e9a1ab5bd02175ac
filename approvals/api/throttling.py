"""Request budgets for API consumers; rates are read on every call, so settings overrides take effect."""
import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Counts calls per API token (a session user by user id), so each consumer system has its own budget."""

    scope = "token"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        key = getattr(request.auth, "key", None)
        # A digest, so a shared cache never holds usable tokens in its key names.
        ident = hashlib.sha256(key.encode()).hexdigest()[:32] if key else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressRateThrottle(AnonRateThrottle):
    """Anonymous calls (asking for a token) per client address."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
