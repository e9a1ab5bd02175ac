"""A re-scoring job left queued (broker down at save time) is started by the periodic sweep."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import tasks
from chips.models import RescoreJob
from tests.factories import request_in_review

pytestmark = pytest.mark.django_db


def test_the_sweep_starts_jobs_left_queued_and_only_those(applicant):
    request_in_review(applicant)
    stale = RescoreJob.objects.create(reason="H200 edited while the broker was down")
    fresh = RescoreJob.objects.create(reason="just saved")
    RescoreJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert tasks.rescore_sweep_queued() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, stale.total, stale.processed) == ("done", 1, 1)
    assert fresh.status == "queued"
    assert tasks.rescore_sweep_queued() == 0
