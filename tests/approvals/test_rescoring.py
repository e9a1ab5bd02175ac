"""Open requests are re-scored when the catalog changes (a load or an edit) and when a new policy comes into force."""
import csv
import dataclasses

import pytest
from django.core.management import call_command

from approvals import policy, services, tasks
from approvals.models import ImportRequest
from chips.models import RescoreJob
from chips.services import DEFAULT_CATALOG_PATH
from tests.factories import line, request_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_and_decided(applicant, reviewer):
    open_case = request_in_review(applicant, lines=[line("nvidia-h200", 600)])
    decided = request_in_review(applicant)
    services.request_transition(import_request_id=decided.pk, action="approve", actor=reviewer)
    return ImportRequest.objects.get(pk=open_case.pk), ImportRequest.objects.get(pk=decided.pk)


def test_a_new_screening_policy_version_rescores_open_requests_once(
    open_and_decided, monkeypatch, django_capture_on_commit_callbacks
):
    open_case, decided = open_and_decided
    assert (open_case.tier, open_case.current_assessment.policy_version) == (
        "standard", "screening-2026-12+capability-2026-12")
    stricter = dataclasses.replace(policy.SCREENING_POLICY_2026_12, version="screening-2027-01", senior_risk_score=1)
    monkeypatch.setattr(policy, "CURRENT_SCREENING_POLICY", stricter)

    with django_capture_on_commit_callbacks(execute=True):
        job = services.rescore_after_policy_change()
    job.refresh_from_db()
    assert (job.status, job.reason, job.total, job.rescored, job.tiers_changed) == (
        "done", "Policy screening-2027-01+capability-2026-12 came into force.", 1, 1, 1)
    open_case.refresh_from_db()
    assert (open_case.tier, open_case.current_assessment.policy_version) == (
        "senior", "screening-2027-01+capability-2026-12")
    assert open_case.events.order_by("-seq").first().action == "rescore"
    assert ImportRequest.objects.get(pk=decided.pk).current_assessment_id == decided.current_assessment_id
    assert services.rescore_after_policy_change() is None


def test_the_periodic_sweep_notices_a_new_policy(open_and_decided, monkeypatch):
    monkeypatch.setattr(policy, "CURRENT_SCREENING_POLICY",
                        dataclasses.replace(policy.SCREENING_POLICY_2026_12, version="screening-2027-01"))
    assert tasks.rescore_sweep_queued() == 1
    assert RescoreJob.objects.get().reason == "Policy screening-2027-01+capability-2026-12 came into force."
    assert tasks.rescore_sweep_queued() == 0  # the job is queued already


def test_the_current_policy_starts_no_job(open_and_decided):
    assert services.rescore_after_policy_change() is None
    assert not RescoreJob.objects.exists()


def write_catalog(path, **h200_changes):
    with DEFAULT_CATALOG_PATH.open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        rows = [{**row, **h200_changes} if row["slug"] == "nvidia-h200" else row for row in reader]
        header = reader.fieldnames
    with path.open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_loading_a_catalog_that_changes_scoring_figures_rescores_open_requests(
    open_and_decided, tmp_path, django_capture_on_commit_callbacks
):
    open_case, decided = open_and_decided
    faster = write_catalog(tmp_path / "catalog-2027.csv", dense_fp16_bf16_tflops="1979", dense_fp8_tflops="3958")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_catalog", str(faster), verbosity=0)
    job = RescoreJob.objects.get()
    assert (job.status, job.reason, job.rescored) == (
        "done", "Catalog load from catalog-2027.csv: scoring figures changed for nvidia-h200", 1)
    open_case.refresh_from_db()
    assert open_case.current_assessment.metrics["total_tpp"] == 600 * 1979 * 16
    assert ImportRequest.objects.get(pk=decided.pk).current_assessment_id == decided.current_assessment_id


def test_loading_a_catalog_that_changes_no_scoring_figure_starts_no_job(open_and_decided, tmp_path):
    reworded = write_catalog(tmp_path / "catalog.csv", source="Vendor datasheet, reprinted")
    call_command("load_catalog", str(reworded), verbosity=0)
    call_command("load_catalog", verbosity=0)
    assert not RescoreJob.objects.exists()
