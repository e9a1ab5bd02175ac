"""Token authentication for API consumers: token, user, membership and group names in one query, briefly cached."""
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def _cache_key(key: str) -> str:
    # A digest, so a shared cache never holds usable tokens in its key names.
    return "chipgate:api-auth:" + hashlib.sha256(key.encode()).hexdigest()


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token check, shaped for pollers.

    The roles a call needs come with the token row: status polling has a budget of two queries, and
    loading groups separately would spend one more. Groups are joined in (one row per group; users have
    few) rather than tested with EXISTS subqueries, which cost several times more to compile. The names
    fill the per-user cache ``roles.group_names`` reads, so every role check sees the same answer.

    The result is then kept for CHIPGATE_API_AUTH_CACHE_SECONDS (0 = off), so a poller's calls mostly
    skip the database: a revoked token, a deactivated user or a changed role shows within that moment.
    """

    def authenticate_credentials(self, key):
        ttl = settings.CHIPGATE_API_AUTH_CACHE_SECONDS
        principal = cache.get(_cache_key(key)) if ttl else None
        if principal is None:
            principal = self._load(key)
            if ttl:
                cache.set(_cache_key(key), principal, ttl)
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
