"""Denied-party screening of a request's parties (the company, its identifier, the end user, a consignee) and
what reviewers make of the possible matches. Nothing here is ever shown to the applicant (no tipping off):
the events are internal and the notifications go to staff only."""
import hashlib
import json

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvals import audit, notifications, roles
from approvals.errors import WorkflowError, invalid
from approvals.models import Company, ImportRequest, Licence, PartyMatch
from approvals.policy import FILING_LIMITS
from approvals.services.common import lock_import_request, reconnecting
from approvals.states import RESCORABLE, LicenceStatus, Role, Status
from parties.models import ScreeningListEntry
from parties.services import screen_names

IN_FORCE = (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED)
SHOWN_LENGTH = PartyMatch._meta.get_field("entry_name").max_length


def request_parties(import_request: ImportRequest) -> tuple[list[tuple[str, str]], list[str]]:
    """The names, as (kind, name), and identifiers screened for a request."""
    names = [(PartyMatch.Kind.COMPANY, import_request.company.legal_name)]
    if import_request.end_user.strip():
        names.append((PartyMatch.Kind.END_USER, import_request.end_user))
    if import_request.consignee.strip():
        names.append((PartyMatch.Kind.CONSIGNEE, import_request.consignee))
    return names, [import_request.company.uscc]


def _match_key(kind: str, party_name: str, entry_list: str, entry_number: str, entry_name: str) -> str:
    text = json.dumps([kind, party_name, entry_list, entry_number, entry_name], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _wanted_matches(import_request: ImportRequest) -> dict[str, PartyMatch]:
    """The matches the lists give now, unsaved, by key (the best score where one party hits an entry twice)."""
    names, identifiers = request_parties(import_request)
    hits = screen_names(names, identifiers)
    entries = ScreeningListEntry.objects.in_bulk({hit.entry_id for hit in hits})
    wanted: dict[str, PartyMatch] = {}
    for hit in hits:
        entry = entries.get(hit.entry_id)
        if entry is None:  # reloaded between the index and this read; the next screening sees the new entry
            continue
        entry_list = (entry.source or entry.list_source)[:SHOWN_LENGTH]
        key = _match_key(hit.kind, hit.name, entry_list, entry.entity_number, hit.matched)
        if key in wanted and wanted[key].score >= hit.score:
            continue
        wanted[key] = PartyMatch(
            import_request=import_request, kind=hit.kind, party_name=hit.name[:SHOWN_LENGTH], entry=entry,
            entry_name=hit.matched[:SHOWN_LENGTH], entry_list=entry_list, entry_number=entry.entity_number[:64],
            score=round(hit.score, 1), reason=hit.reason, match_key=key,
        )
    return wanted


def party_matches_refresh(import_request: ImportRequest) -> dict:
    """Screen the locked request's parties and bring its matches up to date: new hits become open matches,
    decided ones stay as decided (pointing at the entry as reloaded), open ones the lists no longer give are
    withdrawn. Returns what changed: {"added": [match ids], "withdrawn": [descriptions]}."""
    wanted = _wanted_matches(import_request)
    existing = {match.match_key: match for match in import_request.party_matches.all()}
    added = [match for key, match in wanted.items() if key not in existing]
    PartyMatch.objects.bulk_create(added)
    relinked = []
    for key, match in existing.items():
        if key in wanted and match.entry_id != wanted[key].entry_id:
            match.entry_id = wanted[key].entry_id
            relinked.append(match)
    PartyMatch.objects.bulk_update(relinked, ["entry"])
    gone = [match for key, match in existing.items() if key not in wanted and match.state == PartyMatch.State.OPEN]
    PartyMatch.objects.filter(pk__in=[match.pk for match in gone]).delete()
    return {
        "added": [match.pk for match in added],
        "withdrawn": [f"{match.party_name} ~ {match.entry_name} ({match.entry_list})" for match in gone],
    }


def screenable(import_request: ImportRequest) -> bool:
    """Open for review, or approved with a licence still in force: the requests whose parties are screened."""
    if import_request.status in RESCORABLE:
        return True
    return import_request.status == Status.APPROVED and Licence.objects.filter(
        import_request=import_request, status__in=IN_FORCE
    ).exists()


@reconnecting
@transaction.atomic
def request_screen_parties(*, import_request_id: int, reason: str) -> int:
    """Screen an open request's (or a licensed request's) parties again; returns the new open matches. A change
    is recorded as an internal event and the reviewers hear of new matches."""
    import_request = lock_import_request(import_request_id)
    if not screenable(import_request):
        return 0
    changes = party_matches_refresh(import_request)
    if not changes["added"] and not changes["withdrawn"]:
        return 0
    event = audit.event_append(
        import_request=import_request, action="screen_parties", from_status=import_request.status,
        to_status=import_request.status, actor=None, actor_role=Role.SYSTEM, comment=reason[:255],
        payload={"added": changes["added"], "withdrawn": changes["withdrawn"]},
    )
    notifications.notify_event(event)
    return len(changes["added"])


def requests_to_screen(*, company_id: int | None = None) -> list[int]:
    """Open requests, and approved ones whose licence is in force, oldest first."""
    in_force = Q(status=Status.APPROVED, licence__status__in=IN_FORCE)
    requests = ImportRequest.objects.filter(Q(status__in=RESCORABLE) | in_force)
    if company_id is not None:
        requests = requests.filter(company_id=company_id)
    return list(requests.order_by("pk").values_list("pk", flat=True))


PARTY_DECISIONS = {
    PartyMatch.State.TRUE_MATCH: "a true match",
    PartyMatch.State.FALSE_POSITIVE: "a false positive",
}


@reconnecting
@transaction.atomic
def party_match_dispose(*, match_id: int, actor, decision: str, rationale: str) -> PartyMatch:
    """A reviewer decides an open match: a true match (the request cannot be approved; reject is the way out)
    or a false positive, with the rationale kept in the case's audit trail."""
    if not roles.is_reviewer(actor):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only reviewers decide possible party matches.")
    if decision not in PARTY_DECISIONS:
        raise invalid({"decision": ["Decide 'true_match' or 'false_positive'."]})
    rationale = (rationale or "").strip() if isinstance(rationale, str) else ""
    if not rationale:
        raise invalid({"rationale": ["Say why; the rationale stays in the case's record."]})
    if len(rationale) > FILING_LIMITS.max_text_length:
        raise invalid({"rationale": [f"At most {FILING_LIMITS.max_text_length:,} characters."]})
    import_request_id = PartyMatch.objects.filter(pk=match_id).values_list("import_request_id", flat=True).first()
    if import_request_id is None:
        raise WorkflowError(WorkflowError.NOT_FOUND, "No such party match.")
    import_request = lock_import_request(import_request_id)
    match = PartyMatch.objects.get(pk=match_id)
    if match.state != PartyMatch.State.OPEN:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, (
            f"This match was already decided ({match.get_state_display().lower()}"
            f"{' by ' + match.decided_by.get_username() if match.decided_by else ''})."
        ))
    match.state, match.rationale = decision, rationale
    match.decided_by, match.decided_at = actor, timezone.now()
    match.save(update_fields=["state", "rationale", "decided_by", "decided_at"])
    event = audit.event_append(
        import_request=import_request, action="dispose_match", from_status=import_request.status,
        to_status=import_request.status, actor=actor, actor_role=Role.SENIOR_REVIEWER if roles.is_senior_reviewer(
            actor) else Role.REVIEWER,
        comment=rationale,
        payload={"match": match.pk, "decision": decision, "party": match.party_name, "entry": match.entry_name,
                 "list": match.entry_list, "score": match.score},
    )
    notifications.notify_event(event)
    return match


def company_screen_parties(*, company: Company, reason: str) -> int:
    """Screen the company's open and licensed requests again (its name or identifier changed)."""
    return sum(request_screen_parties(import_request_id=import_request_id, reason=reason)
               for import_request_id in requests_to_screen(company_id=company.pk))
