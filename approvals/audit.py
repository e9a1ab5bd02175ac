"""The audit trail: append events to a request's hash chain, and verify every chain."""
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from approvals.models import ImportRequest, ReviewEvent

GENESIS_HASH = "0" * 64


def event_digest(*, request_public_id, seq, action, from_status, to_status, actor_id, actor_role, at, comment,
                 payload, prev_hash) -> str:
    canonical = json.dumps(
        {
            "request": str(request_public_id),
            "seq": seq,
            "action": action,
            "from": from_status,
            "to": to_status,
            "actor": actor_id,
            "role": actor_role,
            "at": at.isoformat(timespec="microseconds"),
            "comment": comment,
            "payload": payload,
            "prev": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_append(
    *, import_request: ImportRequest, action: str, from_status: str, to_status: str, actor, actor_role: str,
    comment: str = "", payload: dict | None = None,
) -> ReviewEvent:
    """Append one event; the caller holds the request's row lock, so the sequence cannot race."""
    payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))
    last = ReviewEvent.objects.filter(import_request=import_request).order_by("-seq").values("seq", "hash").first()
    seq = last["seq"] + 1 if last else 1
    prev_hash = last["hash"] if last else GENESIS_HASH
    at = timezone.now()
    actor_id = actor.pk if actor is not None else None
    digest = event_digest(
        request_public_id=import_request.public_id, seq=seq, action=action, from_status=from_status,
        to_status=to_status, actor_id=actor_id, actor_role=actor_role, at=at, comment=comment,
        payload=payload, prev_hash=prev_hash,
    )
    return ReviewEvent.objects.create(
        import_request=import_request, seq=seq, action=action, from_status=from_status, to_status=to_status,
        actor_id=actor_id, actor_role=actor_role, at=at, comment=comment, payload=payload,
        prev_hash=prev_hash, hash=digest,
    )


@dataclass(frozen=True)
class ChainBreak:
    request_reference: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.request_reference} event #{self.seq}: {self.reason}"


def _verify_events(public_id, label, events) -> ChainBreak | None:
    prev_hash = GENESIS_HASH
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return ChainBreak(label, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainBreak(label, event.seq, "does not link to the previous event's hash")
        digest = event_digest(
            request_public_id=public_id, seq=event.seq, action=event.action, from_status=event.from_status,
            to_status=event.to_status, actor_id=event.actor_id, actor_role=event.actor_role, at=event.at,
            comment=event.comment, payload=event.payload, prev_hash=event.prev_hash,
        )
        if digest != event.hash:
            return ChainBreak(label, event.seq, "content does not match its hash (altered)")
        prev_hash = event.hash
    return None


def audit_verify_request(*, import_request: ImportRequest) -> ChainBreak | None:
    """The first broken link of one request's chain, or None when it is whole."""
    return _verify_events(import_request.public_id, str(import_request), list(import_request.events.order_by("seq")))


def audit_verify(*, chunk_size: int = 2000) -> tuple[int, list[ChainBreak]]:
    """Verify every chain; returns the number of events checked and the first break of each chain."""
    breaks: list[ChainBreak] = []
    checked = 0
    current_id, current_events, labels = None, [], {}
    events = ReviewEvent.objects.order_by("import_request_id", "seq").select_related("import_request").only(
        "import_request__public_id", "import_request__reference", "seq", "action", "from_status", "to_status",
        "actor_id", "actor_role", "at", "comment", "payload", "prev_hash", "hash", "import_request_id",
    )

    def flush():
        if current_events:
            public_id, label = labels[current_id]
            found = _verify_events(public_id, label, current_events)
            if found:
                breaks.append(found)

    for event in events.iterator(chunk_size=chunk_size):
        checked += 1
        if event.import_request_id != current_id:
            flush()
            current_id, current_events = event.import_request_id, []
            labels[current_id] = (event.import_request.public_id, str(event.import_request))
        current_events.append(event)
    flush()
    return checked, breaks
