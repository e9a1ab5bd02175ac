"""Periodic work of the workflow: which requests the clock has moved on, and system moves applied to many."""
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from approvals import clock
from approvals.errors import WorkflowError
from approvals.models import ImportRequest
from approvals.services.licences import (
    end_use_report_mark_overdue,
    end_use_reports_past_due,
    licence_transition,
    licences_to_expire,
)
from approvals.services.screening_runs import request_screen
from approvals.services.transitions import request_transition
from approvals.states import Status

logger = logging.getLogger(__name__)


def requests_to_lapse() -> list[int]:
    return list(
        ImportRequest.objects.filter(
            status=Status.INFORMATION_REQUESTED,
            information_requests__answered_at__isnull=True,
            information_requests__due_date__lt=clock.today(),
        ).values_list("pk", flat=True).distinct()
    )


def requests_stuck_in_submitted(*, older_than: timedelta | None = None) -> list[int]:
    """Requests still in submitted a while after their submit (``CHIPGATE_SUBMITTED_SWEEP_SECONDS``)."""
    older_than = older_than or timedelta(seconds=settings.CHIPGATE_SUBMITTED_SWEEP_SECONDS)
    cutoff = timezone.now() - older_than
    return list(
        ImportRequest.objects.filter(status=Status.SUBMITTED, submitted_at__lte=cutoff).values_list("pk", flat=True)
    )


def requests_screen_stuck(*, budget_seconds: float = 60.0) -> int:
    """Screen requests left in submitted (their screening task was lost), in this task, until done or the time
    budget is spent: a backlog is worked off rather than multiplied by copies of tasks."""
    deadline = time.monotonic() + budget_seconds
    screened = 0
    for import_request_id in requests_stuck_in_submitted():
        if time.monotonic() >= deadline:
            break
        screened += request_screen(import_request_id=import_request_id)
    return screened


def system_transition_many(*, import_request_ids: list[int], action: str) -> int:
    """Apply a system move to each request; one that moved on meanwhile is skipped."""
    return _each(import_request_ids, action, lambda pk: request_transition(import_request_id=pk, action=action,
                                                                             actor=None))


def licences_expire_due() -> int:
    """Expire every licence whose validity has ended; one that moved on meanwhile is skipped."""
    return _each(licences_to_expire(), "expire",
                 lambda pk: licence_transition(licence_id=pk, action="expire", actor=None))


def end_use_reports_mark_overdue() -> int:
    """Mark every due end-use report past its date as overdue (the holder and reviewers hear of it)."""
    return sum(end_use_report_mark_overdue(report_id=pk) for pk in end_use_reports_past_due())


def _each(ids: list[int], action: str, move) -> int:
    moved = 0
    for pk in ids:
        try:
            move(pk)
            moved += 1
        except WorkflowError as exc:
            logger.info("%s skipped for %s: %s", action, pk, exc)
    return moved
