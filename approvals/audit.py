"""The audit trail: append events to a request's hash chain, anchored on the request, and verify every chain."""
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from approvals.models import ImportRequest, ReviewEvent

GENESIS_HASH = "0" * 64
VERIFY_CHUNK = 500


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
    """Append one event and move the request's anchor to it.

    The caller holds the request's row lock and passes the locked row: its anchor names the last event, so
    the sequence cannot race, and a second writer with a stale row fails on the unique (request, seq).
    """
    payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))
    seq = import_request.last_event_seq + 1
    prev_hash = import_request.last_event_hash or GENESIS_HASH
    at = timezone.now()
    actor_id = actor.pk if actor is not None else None
    digest = event_digest(
        request_public_id=import_request.public_id, seq=seq, action=action, from_status=from_status,
        to_status=to_status, actor_id=actor_id, actor_role=actor_role, at=at, comment=comment,
        payload=payload, prev_hash=prev_hash,
    )
    event = ReviewEvent.objects.create(
        import_request=import_request, seq=seq, action=action, from_status=from_status, to_status=to_status,
        actor_id=actor_id, actor_role=actor_role, at=at, comment=comment, payload=payload,
        prev_hash=prev_hash, hash=digest,
    )
    ImportRequest.objects.filter(pk=import_request.pk).update(last_event_seq=seq, last_event_hash=digest)
    import_request.last_event_seq, import_request.last_event_hash = seq, digest
    return event


@dataclass(frozen=True)
class ChainBreak:
    request_reference: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.request_reference} event #{self.seq}: {self.reason}"


def _verify_events(public_id, label, anchor_seq: int, anchor_hash: str, events) -> ChainBreak | None:
    if not events:
        return ChainBreak(label, 1, f"no events at all (the request's anchor names event #{anchor_seq})"
                          if anchor_seq else "no events at all (every request has its creation event)")
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
    last = events[-1]
    if anchor_seq > last.seq:
        return ChainBreak(label, last.seq + 1, f"events #{last.seq + 1} to #{anchor_seq} are missing (the tail)")
    if anchor_seq != last.seq or anchor_hash != last.hash:
        return ChainBreak(label, last.seq, "the request's anchor does not name this last event")
    return None


EVENT_FIELDS = ("seq", "action", "from_status", "to_status", "actor_id", "actor_role", "at", "comment", "payload",
                "prev_hash", "hash", "import_request_id")


def audit_verify_request(*, import_request: ImportRequest) -> ChainBreak | None:
    """The first broken link of one request's chain, or None when it is whole and ends at its anchor (read
    afresh: the object in hand may predate the last event)."""
    anchor_seq, anchor_hash = ImportRequest.objects.values_list("last_event_seq", "last_event_hash").get(
        pk=import_request.pk
    )
    events = list(import_request.events.order_by("seq").only(*EVENT_FIELDS))
    return _verify_events(import_request.public_id, str(import_request), anchor_seq, anchor_hash, events)


def audit_verify(*, chunk_size: int = VERIFY_CHUNK) -> tuple[int, list[ChainBreak]]:
    """Verify every request's chain against its anchor; returns the events checked and the first break of each.

    Requests are read in chunks with their events, so memory stays flat however many there are.
    """
    breaks: list[ChainBreak] = []
    checked = 0
    last_pk = 0
    anchors = ImportRequest.objects.order_by("pk").values_list(
        "pk", "public_id", "reference", "last_event_seq", "last_event_hash"
    )
    while True:
        chunk = list(anchors.filter(pk__gt=last_pk)[:chunk_size])
        if not chunk:
            break
        last_pk = chunk[-1][0]
        by_request: dict[int, list[ReviewEvent]] = {pk: [] for pk, *_ in chunk}
        for event in ReviewEvent.objects.filter(import_request_id__in=by_request).order_by(
            "import_request_id", "seq"
        ).only(*EVENT_FIELDS):
            by_request[event.import_request_id].append(event)
        for pk, public_id, reference, anchor_seq, anchor_hash in chunk:
            events = by_request[pk]
            checked += len(events)
            label = reference or f"draft {public_id}"
            found = _verify_events(public_id, label, anchor_seq, anchor_hash, events)
            if found:
                breaks.append(found)
    return checked, breaks
