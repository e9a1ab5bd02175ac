"""Authentication for the API: tokens for API consumers (token, user, membership and group names in one query,
briefly cached), and browser sessions that have finished signing in."""
import threading
import time

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

from approvals import second_factor

_principals: dict[str, tuple[float, tuple]] = {}
_principals_lock = threading.Lock()
MAX_CACHED_TOKENS = 10_000
SECOND_FACTOR_PENDING = (
    "This session has not finished signing in: give the code from your authenticator app at /admin/ first."
)


def clear_token_cache() -> None:
    with _principals_lock:
        _principals.clear()


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token check, shaped for pollers.

    The roles a call needs come with the token row: status polling has a budget of two queries, and
    loading groups separately would spend one more. Groups are joined in (one row per group; users have
    few) rather than tested with EXISTS subqueries, which cost several times more to compile. The names
    fill the per-user cache ``roles.group_names`` reads, so every role check sees the same answer.

    The result is then kept in this process for CHIPGATE_API_AUTH_CACHE_SECONDS (0 = off), so a
    poller's calls mostly skip the database: a revoked token, a deactivated user or a changed role shows
    within that moment. In-process, not in the shared cache: no unpickling of a user on every call.
    """

    @staticmethod
    def cached_principal(key: str):
        """(user, token) if this process checked the token within the last moment, else None."""
        if not settings.CHIPGATE_API_AUTH_CACHE_SECONDS:
            return None
        cached = _principals.get(key)
        return cached[1] if cached is not None and cached[0] > time.monotonic() else None

    def authenticate_credentials(self, key):
        ttl = settings.CHIPGATE_API_AUTH_CACHE_SECONDS
        if not ttl:
            return self._load(key)
        principal = self.cached_principal(key)
        if principal is not None:
            return principal
        now = time.monotonic()
        principal = self._load(key)
        with _principals_lock:
            if len(_principals) >= MAX_CACHED_TOKENS:
                _principals.clear()
            _principals[key] = (now + ttl, principal)
        return principal

    def _load(self, key):
        rows = list(
            Token.objects.select_related("user", "user__membership")
            .filter(key=key)
            .annotate(group_name=F("user__groups__name"))
        )
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = rows[0]
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user._chipgate_groups = frozenset(row.group_name for row in rows if row.group_name)
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session check, refusing a staff session that signed in with a password but not yet its second factor."""

    def authenticate(self, request):
        principal = super().authenticate(request)
        if principal is not None and second_factor.second_factor_pending(principal[0]):
            raise exceptions.AuthenticationFailed(SECOND_FACTOR_PENDING, code=second_factor.OTP_REQUIRED)
        return principal


class VerifiedSessionScheme(SessionScheme):
    """The schema's word for the session check: DRF's cookie session, finished signing in."""

    target_class = "api.authentication.VerifiedSessionAuthentication"

    def get_security_definition(self, auto_schema):
        return {
            **super().get_security_definition(auto_schema),
            "description": "A signed-in browser session; a staff session counts once it has given its second factor.",
        }
