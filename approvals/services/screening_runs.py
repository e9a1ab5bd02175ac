"""Screening runs: a submitted request scored and moved to review; open requests re-scored after a catalog or
policy change, as background jobs with progress."""
import logging
from datetime import timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from approvals import audit
from approvals.errors import WorkflowError
from approvals.models import ImportRequest
from approvals.queue import enqueue_on_commit
from approvals.screening import policy_version
from approvals.services.assessments import assessment_apply, assessment_store
from approvals.services.common import lock_import_request, reconnecting
from approvals.services.party_screening import request_screen_parties, requests_to_screen
from approvals.services.transitions import request_transition
from approvals.states import RESCORABLE, Role
from chips.models import RescoreJob

logger = logging.getLogger(__name__)
RESCORE_BATCH_SIZE = 100
# The job page lists the requests a run changed, up to this many (its counts cover them all).
RESCORE_CHANGES_KEPT = 1000
RESCORE_TASK = "chips.tasks.rescore_open_requests"


def request_screen(*, import_request_id: int) -> bool:
    """Score a submitted request and move it to review; True when it moved. Safe to run twice."""
    try:
        request_transition(import_request_id=import_request_id, action="screen", actor=None)
    except WorkflowError as exc:
        if exc.code == WorkflowError.NOT_ALLOWED_IN_STATE:
            return False  # already screened (or withdrawn) by the time this run got the lock
        raise
    return True


class Rescore(NamedTuple):
    """What re-scoring one request did: a new assessment stored, the tier changed, and what changed (None when
    nothing did): reference, old and new tier, risk score and flags, and each chip whose classification moved."""

    stored: bool
    tier_changed: bool
    change: dict | None = None


UNCHANGED = Rescore(False, False)


def _classifications(line_metrics) -> dict[str, tuple[str, str]]:
    return {line["chip"]: (line.get("chip_name", line["chip"]), line.get("classification", ""))
            for line in line_metrics or []}


def rescore_change(import_request: ImportRequest, before, after) -> dict:
    """Old and new tier, risk, flags and chip classifications of a re-scored request (``before`` may be None)."""
    old_lines = _classifications(before.line_metrics if before else [])
    old_flags = set(before.flags if before else [])
    return {
        "import_request": import_request.pk, "reference": import_request.reference,
        "tier": [before.tier if before else "", after.tier],
        "risk_score": [before.risk_score if before else None, after.risk_score],
        "flags_added": sorted(set(after.flags) - old_flags), "flags_removed": sorted(old_flags - set(after.flags)),
        "classifications": [
            {"chip": name, "from": old_lines[slug][1], "to": classification}
            for slug, (name, classification) in _classifications(after.line_metrics).items()
            if slug in old_lines and old_lines[slug][1] != classification
        ],
    }


@reconnecting
@transaction.atomic
def request_rescore(*, import_request_id: int) -> Rescore:
    """Re-score an open request after a catalog or policy change: whether a new assessment was stored, whether the
    tier changed, and what changed."""
    import_request = lock_import_request(import_request_id)
    if import_request.status not in RESCORABLE:
        return UNCHANGED
    assessment, created = assessment_store(import_request)
    if not created or import_request.current_assessment_id == assessment.pk:
        return UNCHANGED
    previous = import_request.current_assessment
    previous_tier = import_request.tier
    fields = assessment_apply(import_request, assessment)
    import_request.version += 1
    import_request.save(update_fields=[*fields, "version", "updated_at"])
    audit.event_append(
        import_request=import_request, action="rescore", from_status=import_request.status,
        to_status=import_request.status, actor=None, actor_role=Role.SYSTEM,
        comment="Re-scored after a catalog or policy change.",
        payload={"assessment": assessment.pk, "tier": assessment.tier, "previous_tier": previous_tier,
                 "risk_score": assessment.risk_score},
    )
    return Rescore(True, previous_tier != assessment.tier, rescore_change(import_request, previous, assessment))


def rescore_job_start(*, triggered_by=None, chip=None, reason: str) -> RescoreJob:
    """Record a queued re-scoring job and start it once the change that caused it has committed."""
    job = RescoreJob.objects.create(triggered_by=triggered_by, chip=chip, reason=reason[:255])
    enqueue_on_commit(RESCORE_TASK, job.pk)
    return job


def party_screening_job_start(*, reason: str, triggered_by=None) -> RescoreJob:
    """A background job screening the parties of every open request and licensed one again (a screening list
    changed), started once the change commits."""
    job = RescoreJob.objects.create(kind=RescoreJob.Kind.PARTIES, triggered_by=triggered_by, reason=reason[:255])
    enqueue_on_commit(RESCORE_TASK, job.pk)
    return job


def rescore_jobs_left_queued(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Jobs still queued a while after their change committed (the broker was down at the time)."""
    cutoff = timezone.now() - older_than
    return list(
        RescoreJob.objects.filter(status=RescoreJob.Status.QUEUED, created_at__lte=cutoff).values_list("pk", flat=True)
    )


@transaction.atomic
def rescore_after_policy_change() -> RescoreJob | None:
    """A job re-scoring open requests assessed under an older screening or capability policy, unless one for
    this policy is already queued or running; None when every open request is current."""
    current = policy_version()
    outdated = ImportRequest.objects.filter(status__in=RESCORABLE, current_assessment__isnull=False).exclude(
        current_assessment__policy_version=current
    )
    if not outdated.exists():
        return None
    reason = f"Policy {current} came into force."
    pending = RescoreJob.objects.filter(
        reason=reason, status__in=(RescoreJob.Status.QUEUED, RescoreJob.Status.RUNNING)
    )
    if pending.exists():
        return None
    return rescore_job_start(reason=reason)


def rescore_job_run(*, job_id: int) -> None:
    """Re-score each open request, or screen the parties of each open and licensed one again (by the job's
    kind); safe to run twice (an unchanged input stores nothing new)."""
    jobs = RescoreJob.objects.filter(pk=job_id)
    job = jobs.exclude(status=RescoreJob.Status.DONE).first()
    if job is None:
        return
    parties = job.kind == RescoreJob.Kind.PARTIES
    if parties:
        import_request_ids = requests_to_screen()
    else:
        import_request_ids = list(
            ImportRequest.objects.filter(status__in=RESCORABLE).order_by("pk").values_list("pk", flat=True)
        )
    jobs.update(
        status=RescoreJob.Status.RUNNING, started_at=timezone.now(), total=len(import_request_ids), processed=0,
        rescored=0, tiers_changed=0, matches_found=0, error="", changes=[],
    )
    processed = rescored = tiers_changed = matches_found = 0
    changes: list[dict] = []
    try:
        for start in range(0, len(import_request_ids), RESCORE_BATCH_SIZE):
            batch = import_request_ids[start:start + RESCORE_BATCH_SIZE]
            for import_request_id in batch:
                if parties:
                    found = request_screen_parties(import_request_id=import_request_id, reason=job.reason)
                    rescored += bool(found)
                    matches_found += found
                else:
                    outcome = request_rescore(import_request_id=import_request_id)
                    rescored += outcome.stored
                    tiers_changed += outcome.tier_changed
                    if outcome.change is not None and len(changes) < RESCORE_CHANGES_KEPT:
                        changes.append(outcome.change)
            processed += len(batch)
            jobs.update(processed=processed, rescored=rescored, tiers_changed=tiers_changed,
                        matches_found=matches_found, changes=changes)
    except Exception as exc:
        jobs.update(status=RescoreJob.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000])
        raise
    jobs.update(status=RescoreJob.Status.DONE, finished_at=timezone.now())
    logger.info("%s job %s: %s of %s requests changed", job.get_kind_display(), job_id, rescored, processed)

