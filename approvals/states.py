"""Review states, roles and the transition table of the review state machine, declared once as data."""
from dataclasses import dataclass

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    SENIOR_REVIEW = "senior_review", "Senior review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed"


OPEN = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED, Status.SENIOR_REVIEW})
IN_REVIEW = frozenset({Status.UNDER_REVIEW, Status.SENIOR_REVIEW})
# Screened and not yet decided: a catalog or policy change re-scores these (submitted ones are screened anew).
RESCORABLE = frozenset({Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED, Status.SENIOR_REVIEW})
# Cases a reviewer can hold (claim, release).
CLAIMABLE = RESCORABLE


class Role(models.TextChoices):
    APPLICANT = "applicant", "Applicant (company member)"
    COMPANY_ADMIN = "company_admin", "Company administrator"
    REVIEWER = "reviewer", "Reviewer"
    SENIOR_REVIEWER = "senior_reviewer", "Senior reviewer"
    SYSTEM = "system", "System"


class Tier(models.TextChoices):
    STANDARD = "standard", "Standard (one reviewer)"
    SENIOR = "senior", "Senior (two-person rule)"


@dataclass(frozen=True)
class Move:
    action: str
    sources: tuple[str, ...]
    target: str
    role: str
    label: str  # the button: what the actor does
    done: str  # the timeline: what happened


TRANSITIONS: tuple[Move, ...] = (
    Move("submit", (Status.DRAFT,), Status.SUBMITTED, Role.APPLICANT, "Submit", "Submitted"),
    Move("screen", (Status.SUBMITTED,), Status.UNDER_REVIEW, Role.SYSTEM, "Screen", "Screened"),
    Move("request_information", (Status.UNDER_REVIEW,), Status.INFORMATION_REQUESTED, Role.REVIEWER,
         "Request information", "Information requested"),
    Move("respond", (Status.INFORMATION_REQUESTED,), Status.UNDER_REVIEW, Role.APPLICANT, "Respond", "Answered"),
    Move("approve", (Status.UNDER_REVIEW,), Status.APPROVED, Role.REVIEWER, "Approve", "Approved"),
    Move("approve", (Status.SENIOR_REVIEW,), Status.APPROVED, Role.SENIOR_REVIEWER, "Approve", "Approved"),
    Move("reject", (Status.UNDER_REVIEW,), Status.REJECTED, Role.REVIEWER, "Reject", "Rejected"),
    Move("reject", (Status.SENIOR_REVIEW,), Status.REJECTED, Role.SENIOR_REVIEWER, "Reject", "Rejected"),
    Move("escalate", (Status.UNDER_REVIEW,), Status.SENIOR_REVIEW, Role.REVIEWER, "Escalate",
         "Escalated to senior review"),
    Move("return", (Status.SENIOR_REVIEW,), Status.UNDER_REVIEW, Role.SENIOR_REVIEWER, "Return to review",
         "Returned to review"),
    Move("withdraw", (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED,
                      Status.SENIOR_REVIEW), Status.WITHDRAWN, Role.APPLICANT, "Withdraw", "Withdrawn"),
    Move("lapse", (Status.INFORMATION_REQUESTED,), Status.LAPSED, Role.SYSTEM, "Lapse",
         "Lapsed: the answer was overdue"),
)

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(move.action for move in TRANSITIONS))

# Audited events that change no state, as the timeline names them (with the moves of requests made before
# validity moved to the licence).
CASE_EVENTS: dict[str, str] = {
    "create": "Draft created",
    "edit": "Draft edited",
    "attach_document": "Document attached",
    "remove_document": "Document removed",
    "claim": "Case taken up by a reviewer",
    "release": "Case released",
    "rescore": "Re-scored",
    "screen_parties": "Parties screened again",
    "dispose_match": "Party match decided",
    "expire": "Approval expired",
    "revoke": "Approval revoked",
}


# Licences ----------------------------------------------------------------------------------------------

class LicenceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    EXHAUSTED = "exhausted", "Exhausted (everything shipped)"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    SURRENDERED = "surrendered", "Surrendered"


# The licence's own state machine: the licence, not the request, says whether chips may still ship.
LICENCE_TRANSITIONS: tuple[Move, ...] = (
    Move("suspend", (LicenceStatus.ACTIVE,), LicenceStatus.SUSPENDED, Role.SENIOR_REVIEWER, "Suspend", "Suspended"),
    Move("reinstate", (LicenceStatus.SUSPENDED,), LicenceStatus.ACTIVE, Role.SENIOR_REVIEWER, "Reinstate",
         "Reinstated"),
    Move("revoke", (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED), LicenceStatus.REVOKED, Role.SENIOR_REVIEWER,
         "Revoke", "Revoked"),
    Move("surrender", (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED), LicenceStatus.SURRENDERED,
         Role.COMPANY_ADMIN, "Surrender", "Surrendered by the holder"),
    Move("expire", (LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED), LicenceStatus.EXPIRED, Role.SYSTEM, "Expire",
         "Expired"),
    Move("exhaust", (LicenceStatus.ACTIVE,), LicenceStatus.EXHAUSTED, Role.SYSTEM, "Exhaust",
         "Exhausted: everything approved has shipped"),
)
LICENCE_ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(move.action for move in LICENCE_TRANSITIONS))
# Licence events that are not moves.
LICENCE_EVENTS: dict[str, str] = {
    "issue": "Licence issued",
    "ship": "Shipment recorded",
    "report": "End-use report filed",
    "accept_report": "End-use report accepted",
    "follow_up": "Follow-up on an end-use report",
    "report_overdue": "End-use report overdue",
}
# A licence counts against the customer cap unless it was taken back or given back.
LICENCE_COUNTS = frozenset({LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED, LicenceStatus.EXHAUSTED,
                            LicenceStatus.EXPIRED})


# What the applicant sees of an event. "applicant": the event with its comment, a message to the company (a
# question, an answer, conditions, a rejection's reason). "status_only": that it happened (the status moved),
# never its comment or payload (an escalation's rationale and recommendation, a return's comment, the
# screening's scores). "internal": nothing at all (claims, releases, re-scoring).
EVENT_VISIBILITY: dict[str, str] = {
    "screen": "status_only",
    "escalate": "status_only",
    "return": "status_only",
    "claim": "internal",
    "release": "internal",
    "rescore": "internal",
    "screen_parties": "internal",
    "dispose_match": "internal",
}


def event_visibility(action: str) -> str:
    return EVENT_VISIBILITY.get(action, "applicant")


def fsm_method_name(action: str) -> str:
    """The ImportRequest method django-fsm-2 knows the action by (``return`` is a Python keyword)."""
    return f"fsm_{action}"


def move_for(action: str, status: str, table: tuple[Move, ...] = TRANSITIONS) -> Move | None:
    return next((m for m in table if m.action == action and status in m.sources), None)


def action_label(action: str) -> str:
    """What the button for an action says."""
    return next(move.label for move in TRANSITIONS if move.action == action)


def event_label(action: str) -> str:
    """What the timeline says happened, for a move or a case event."""
    done = next((move.done for move in TRANSITIONS if move.action == action), None)
    return done or CASE_EVENTS.get(action) or action.replace("_", " ").capitalize()


def licence_event_label(action: str) -> str:
    done = next((move.done for move in LICENCE_TRANSITIONS if move.action == action), None)
    return done or LICENCE_EVENTS.get(action) or action.replace("_", " ").capitalize()
