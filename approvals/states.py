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
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


TERMINAL = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.LAPSED, Status.EXPIRED, Status.REVOKED})
OPEN = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED, Status.SENIOR_REVIEW})
IN_REVIEW = frozenset({Status.UNDER_REVIEW, Status.SENIOR_REVIEW})


class Role(models.TextChoices):
    APPLICANT = "applicant", "Applicant (company member)"
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
    label: str


TRANSITIONS: tuple[Move, ...] = (
    Move("submit", (Status.DRAFT,), Status.SUBMITTED, Role.APPLICANT, "Submit"),
    Move("screen", (Status.SUBMITTED,), Status.UNDER_REVIEW, Role.SYSTEM, "Screen"),
    Move("request_information", (Status.UNDER_REVIEW,), Status.INFORMATION_REQUESTED, Role.REVIEWER,
         "Request information"),
    Move("respond", (Status.INFORMATION_REQUESTED,), Status.UNDER_REVIEW, Role.APPLICANT, "Respond"),
    Move("approve", (Status.UNDER_REVIEW,), Status.APPROVED, Role.REVIEWER, "Approve"),
    Move("approve", (Status.SENIOR_REVIEW,), Status.APPROVED, Role.SENIOR_REVIEWER, "Approve"),
    Move("reject", (Status.UNDER_REVIEW,), Status.REJECTED, Role.REVIEWER, "Reject"),
    Move("reject", (Status.SENIOR_REVIEW,), Status.REJECTED, Role.SENIOR_REVIEWER, "Reject"),
    Move("escalate", (Status.UNDER_REVIEW,), Status.SENIOR_REVIEW, Role.REVIEWER, "Escalate"),
    Move("return", (Status.SENIOR_REVIEW,), Status.UNDER_REVIEW, Role.SENIOR_REVIEWER, "Return to review"),
    Move("withdraw", (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED,
                      Status.SENIOR_REVIEW), Status.WITHDRAWN, Role.APPLICANT, "Withdraw"),
    Move("lapse", (Status.INFORMATION_REQUESTED,), Status.LAPSED, Role.SYSTEM, "Lapse"),
    Move("expire", (Status.APPROVED,), Status.EXPIRED, Role.SYSTEM, "Expire"),
    Move("revoke", (Status.APPROVED,), Status.REVOKED, Role.SENIOR_REVIEWER, "Revoke"),
)

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(move.action for move in TRANSITIONS))


def fsm_method_name(action: str) -> str:
    """The ImportRequest method django-fsm-2 knows the action by (``return`` is a Python keyword)."""
    return f"fsm_{action}"


def move_for(action: str, status: str) -> Move | None:
    return next((m for m in TRANSITIONS if m.action == action and status in m.sources), None)
