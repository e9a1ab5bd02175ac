"""Periodic work of the workflow: which requests the clock has moved on, and system moves applied to many."""
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from approvals import clock
from approvals.errors import WorkflowError
from approvals.models import ImportRequest
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


def requests_to_expire() -> list[int]:
    return list(
        ImportRequest.objects.filter(status=Status.APPROVED, valid_until__lt=clock.today()).values_list("pk", flat=True)
    )


def requests_stuck_in_submitted(*, older_than: timedelta | None = None) -> list[int]:
    """Requests still in submitted a while after their submit (``CHIPGATE_SUBMITTED_SWEEP_SECONDS``)."""
    older_than = older_than or timedelta(seconds=settings.CHIPGATE_SUBMITTED_SWEEP_SECONDS)
    cutoff = timezone.now() - older_than
    return list(
        ImportRequest.objects.filter(status=Status.SUBMITTED, submitted_at__lte=cutoff).values_list("pk", flat=True)
    )


def system_transition_many(*, import_request_ids: list[int], action: str) -> int:
    """Apply a system move to each request; one that moved on meanwhile is skipped."""
    moved = 0
    for import_request_id in import_request_ids:
        try:
            request_transition(import_request_id=import_request_id, action=action, actor=None)
            moved += 1
        except WorkflowError as exc:
            logger.info("%s skipped for request %s: %s", action, import_request_id, exc)
    return moved
