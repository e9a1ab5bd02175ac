"""Background re-scoring after a catalog change: every open request, in batches, with progress on a job row."""
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from approvals import services
from approvals.models import ImportRequest
from approvals.states import Status
from chips.models import RescoreJob

BATCH_SIZE = 100
# The statuses request_rescore acts on; submitted requests are scored by screening against the new catalog.
RESCORED_STATUSES = (Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED, Status.SENIOR_REVIEW)


def rescore_job_enqueue(*, triggered_by, chip, reason: str) -> RescoreJob:
    """Record a queued job and start it once the catalog change has committed."""
    job = RescoreJob.objects.create(triggered_by=triggered_by, chip=chip, reason=reason[:255])
    transaction.on_commit(lambda: rescore_open_requests.delay(job.pk), robust=True)
    return job


@shared_task(acks_late=True)
def rescore_sweep_queued() -> int:
    """Start jobs still queued a while after their change committed (the broker was down at save time)."""
    cutoff = timezone.now() - timedelta(minutes=2)
    job_ids = list(
        RescoreJob.objects.filter(status=RescoreJob.Status.QUEUED, created_at__lte=cutoff).values_list("pk", flat=True)
    )
    for job_id in job_ids:
        rescore_open_requests.delay(job_id)
    return len(job_ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def rescore_open_requests(job_id: int) -> None:
    """Re-score each open request; safe to run twice (an unchanged input stores nothing new)."""
    jobs = RescoreJob.objects.filter(pk=job_id)
    if not jobs.exclude(status=RescoreJob.Status.DONE).exists():
        return
    request_ids = list(
        ImportRequest.objects.filter(status__in=RESCORED_STATUSES).order_by("pk").values_list("pk", flat=True)
    )
    jobs.update(
        status=RescoreJob.Status.RUNNING, started_at=timezone.now(), total=len(request_ids), processed=0,
        rescored=0, tiers_changed=0, error="",
    )
    processed = rescored = tiers_changed = 0
    try:
        for start in range(0, len(request_ids), BATCH_SIZE):
            batch = request_ids[start:start + BATCH_SIZE]
            for request_id in batch:
                stored, tier_changed = services.request_rescore(request_id=request_id)
                rescored += stored
                tiers_changed += tier_changed
            processed += len(batch)
            jobs.update(processed=processed, rescored=rescored, tiers_changed=tiers_changed)
    except Exception as exc:
        jobs.update(status=RescoreJob.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000])
        raise
    jobs.update(status=RescoreJob.Status.DONE, finished_at=timezone.now())
