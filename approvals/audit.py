"""The audit trail: append events to a request's hash chain, anchored on the request, and verify every chain."""
import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from approvals.models import ImportRequest, Licence, LicenceEvent, ReviewEvent

GENESIS_HASH = "0" * 64
VERIFY_CHUNK = 500


def event_digest(*, request_public_id, seq, action, from_status, to_status, actor_id, actor_role, at, comment,
                 payload, prev_hash, owner: str = "request") -> str:
    """The hash of one event; ``owner`` names what the chain belongs to ("request" or "licence")."""
    canonical = json.dumps(
        {
            owner: str(request_public_id),
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


def licence_event_append(
    *, licence: Licence, action: str, from_status: str, to_status: str, actor, actor_role: str,
    comment: str = "", payload: dict | None = None,
) -> LicenceEvent:
    """Append one event to the licence's chain and move its anchor; the caller holds the licence's row lock."""
    payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder))
    seq = licence.last_event_seq + 1
    prev_hash = licence.last_event_hash or GENESIS_HASH
    at = timezone.now()
    actor_id = actor.pk if actor is not None else None
    digest = event_digest(
        request_public_id=licence.public_id, seq=seq, action=action, from_status=from_status, to_status=to_status,
        actor_id=actor_id, actor_role=actor_role, at=at, comment=comment, payload=payload, prev_hash=prev_hash,
        owner="licence",
    )
    event = LicenceEvent.objects.create(
        licence=licence, seq=seq, action=action, from_status=from_status, to_status=to_status, actor_id=actor_id,
        actor_role=actor_role, at=at, comment=comment, payload=payload, prev_hash=prev_hash, hash=digest,
    )
    Licence.objects.filter(pk=licence.pk).update(last_event_seq=seq, last_event_hash=digest)
    licence.last_event_seq, licence.last_event_hash = seq, digest
    return event


@dataclass(frozen=True)
class ChainBreak:
    request_reference: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.request_reference} event #{self.seq}: {self.reason}"


def _verify_events(public_id, label, anchor_seq: int, anchor_hash: str, events,
                   owner: str = "request") -> ChainBreak | None:
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
            comment=event.comment, payload=event.payload, prev_hash=event.prev_hash, owner=owner,
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
                "prev_hash", "hash")


def audit_verify_request(*, import_request: ImportRequest) -> ChainBreak | None:
    """The first broken link of one request's chain, or None when it is whole and ends at its anchor (read
    afresh: the object in hand may predate the last event)."""
    anchor_seq, anchor_hash = ImportRequest.objects.values_list("last_event_seq", "last_event_hash").get(
        pk=import_request.pk
    )
    events = list(import_request.events.order_by("seq").only("import_request_id", *EVENT_FIELDS))
    return _verify_events(import_request.public_id, str(import_request), anchor_seq, anchor_hash, events)


def audit_verify_licence(*, licence: Licence) -> ChainBreak | None:
    """The first broken link of one licence's chain, as for requests."""
    anchor_seq, anchor_hash = Licence.objects.values_list("last_event_seq", "last_event_hash").get(pk=licence.pk)
    events = list(licence.events.order_by("seq").only("licence_id", *EVENT_FIELDS))
    return _verify_events(licence.public_id, str(licence), anchor_seq, anchor_hash, events, owner="licence")


def _verify_chains(owners, events_of, owner: str, chunk_size: int, label_of) -> tuple[int, list[ChainBreak]]:
    """Verify every chain of one kind against its anchor, in chunks of owners with their events (flat memory)."""
    breaks: list[ChainBreak] = []
    checked = 0
    last_pk = 0
    while True:
        chunk = list(owners.filter(pk__gt=last_pk)[:chunk_size])
        if not chunk:
            break
        last_pk = chunk[-1][0]
        by_owner: dict[int, list] = {pk: [] for pk, *_ in chunk}
        for owner_id, event in events_of(by_owner):
            by_owner[owner_id].append(event)
        for pk, public_id, label, anchor_seq, anchor_hash in chunk:
            events = by_owner[pk]
            checked += len(events)
            found = _verify_events(public_id, label_of(public_id, label), anchor_seq, anchor_hash, events, owner)
            if found:
                breaks.append(found)
    return checked, breaks


def audit_verify(*, chunk_size: int = VERIFY_CHUNK) -> tuple[int, list[ChainBreak]]:
    """Verify every request's and every licence's chain against its anchor; returns the events checked and
    the first break of each chain."""
    anchors = ("last_event_seq", "last_event_hash")
    requests = ImportRequest.objects.order_by("pk").values_list("pk", "public_id", "reference", *anchors)
    licences = Licence.objects.order_by("pk").values_list("pk", "public_id", "number", *anchors)

    def request_events(by_owner):
        for event in ReviewEvent.objects.filter(import_request_id__in=by_owner).order_by(
            "import_request_id", "seq"
        ).only("import_request_id", *EVENT_FIELDS):
            yield event.import_request_id, event

    def licence_events(by_owner):
        for event in LicenceEvent.objects.filter(licence_id__in=by_owner).order_by("licence_id", "seq").only(
            "licence_id", *EVENT_FIELDS
        ):
            yield event.licence_id, event

    checked, breaks = _verify_chains(requests, request_events, "request", chunk_size,
                                     lambda public_id, reference: reference or f"draft {public_id}")
    licence_checked, licence_breaks = _verify_chains(licences, licence_events, "licence", chunk_size,
                                                     lambda public_id, number: number or f"licence {public_id}")
    return checked + licence_checked, breaks + licence_breaks
