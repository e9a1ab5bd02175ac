"""Screening with a real Redis broker and Celery worker reading the catalog from PostgreSQL."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import services, tasks
from approvals.models import Assessment, ImportRequest, Notification, ReviewEvent
from tests.factories import draft_request, line
from tests.integration.conftest import reset_producers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _status(pk):
    return ImportRequest.objects.get(pk=pk).status


def test_submit_is_screened_by_the_worker_and_a_second_run_adds_nothing(worker, applicant, reviewer):
    request = draft_request(applicant, lines=[line("nvidia-h200", 64), line("nvidia-h20", 16, "12000")])
    services.request_transition(import_request_id=request.pk, action="submit", actor=applicant)
    wait_for(lambda: _status(request.pk) == "under_review")
    request.refresh_from_db()
    assessment = request.current_assessment
    assert assessment.metrics["total_tpp"] == 64 * 15832 + 16 * 2368
    assert request.tier == "standard" and request.sla_due is not None
    wait_for(lambda: Notification.objects.filter(recipient=reviewer, kind="new_case", emailed_at__isnull=False))
    counts = (Assessment.objects.count(), ReviewEvent.objects.count(), Notification.objects.count())

    assert tasks.screen_request.apply_async((request.pk,), ignore_result=False).get(timeout=30) is False
    assert (Assessment.objects.count(), ReviewEvent.objects.count(), Notification.objects.count()) == counts


def test_broker_down_at_submit_loses_nothing_and_the_sweep_screens_it(celery_app_real, worker, applicant):
    real_broker = celery_app_real.conf.broker_url
    celery_app_real.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    reset_producers(celery_app_real)
    try:
        request = draft_request(applicant)
        services.request_transition(import_request_id=request.pk, action="submit", actor=applicant)
        assert _status(request.pk) == "submitted"
    finally:
        celery_app_real.conf.broker_url = real_broker
        reset_producers(celery_app_real)

    ImportRequest.objects.filter(pk=request.pk).update(submitted_at=timezone.now() - timedelta(minutes=5))
    assert tasks.sweep_submitted.apply_async(ignore_result=False).get(timeout=30) == 1
    wait_for(lambda: _status(request.pk) == "under_review")
    assert ImportRequest.objects.get(pk=request.pk).events.filter(action="screen").count() == 1
