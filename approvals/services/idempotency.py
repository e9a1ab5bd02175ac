"""Idempotency keys for API creates: a retried call replays the first response and creates nothing."""
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals.models import ApiIdempotencyKey
from approvals.services.common import reconnecting

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(Exception):
    """The key was already used with a different body."""


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict
    replayed: bool


def body_digest(body) -> str:
    """The same JSON document gives the same digest, whatever its key order or spacing."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _replay(record: ApiIdempotencyKey, digest: str) -> StoredResponse:
    if record.body_sha256 != digest:
        raise IdempotencyKeyReused("This Idempotency-Key was already used with a different request body.")
    return StoredResponse(status=record.response_status, body=record.response_body, replayed=True)


@reconnecting
def idempotent_call(*, user, key: str, body, run: Callable[[], tuple[int, dict]]) -> StoredResponse:
    """Run ``run`` once per (user, key): a repeat with the same body gets the stored response back.

    Only successful responses are stored, so a call refused for bad input can be corrected and retried
    with the same key. ``run`` and the key row commit together: when two calls with one key race, the
    loser's unique-key insert fails, its work rolls back, and it replays the winner's response.
    """
    digest = body_digest(body)
    record = ApiIdempotencyKey.objects.filter(user=user, key=key).first()
    if record is not None:
        return _replay(record, digest)
    try:
        with transaction.atomic():
            status, response_body = run()
            if 200 <= status < 300:
                ApiIdempotencyKey.objects.create(
                    user=user, key=key, body_sha256=digest, response_status=status,
                    response_body=json.loads(json.dumps(response_body, cls=DjangoJSONEncoder)),
                )
    except IntegrityError:
        record = ApiIdempotencyKey.objects.filter(user=user, key=key).first()
        if record is None:
            raise
        return _replay(record, digest)
    return StoredResponse(status=status, body=response_body, replayed=False)


def idempotency_keys_purge(*, older_than: timedelta) -> int:
    """Forget keys past their retention: a retry that late is a new order."""
    deleted, _ = ApiIdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
