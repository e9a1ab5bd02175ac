"""Catalog edits in the admin re-score open requests in the background, once each, with progress shown."""
import pytest

from approvals import services, tasks
from approvals.models import Assessment, ImportRequest
from approvals.services import screening_runs
from chips.models import ChipModel, RescoreJob
from tests.factories import draft_request, line, request_in_review

pytestmark = pytest.mark.django_db


def chip_form_data(chip: ChipModel, **changes) -> dict:
    data = {
        field.name: getattr(chip, field.name) for field in ChipModel._meta.concrete_fields
        if field.name not in ("id", "updated_at")
    }
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["datacenter"] = "on" if chip.datacenter else ""
    data.update(changes)
    return data


@pytest.fixture
def cases(applicant, reviewer):
    """Open requests in three states, plus a draft and a decided request that must not be touched."""
    growing = request_in_review(applicant, lines=[line("nvidia-h200", 600)])
    asked = request_in_review(applicant)
    services.request_transition(import_request_id=asked.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which labs?"})
    escalated = request_in_review(applicant, lines=[line("nvidia-h200", 8000)])
    services.request_transition(import_request_id=escalated.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": "Fine."})
    decided = request_in_review(applicant)
    services.request_transition(import_request_id=decided.pk, action="approve", actor=reviewer)
    draft = draft_request(applicant)
    return {"growing": growing, "asked": asked, "escalated": escalated, "decided": decided, "draft": draft}


def edit_h200(client, maintainer, django_capture_on_commit_callbacks, **changes):
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    client.force_login(maintainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/chips/chipmodel/{h200.pk}/change/", chip_form_data(h200, **changes))
    assert response.status_code == 302
    return response


def test_doubling_h200_rates_rescores_open_requests_only(client, maintainer, cases, django_capture_on_commit_callbacks):
    assert cases["growing"].tier == "standard"
    assessments = {name: set(Assessment.objects.filter(import_request=r).values_list("pk", flat=True))
                   for name, r in cases.items()}
    edit_h200(client, maintainer, django_capture_on_commit_callbacks,
              dense_fp16_bf16_tflops=1979.0, dense_fp8_tflops=3958.0)

    job = RescoreJob.objects.get()
    assert (job.status, job.total, job.processed, job.rescored, job.tiers_changed) == ("done", 3, 3, 3, 1)
    assert job.triggered_by == maintainer and "dense_fp16_bf16_tflops" in job.reason
    for name in ("growing", "asked", "escalated"):
        import_request = ImportRequest.objects.get(pk=cases[name].pk)
        stored = set(Assessment.objects.filter(import_request=import_request).values_list("pk", flat=True))
        new = stored - assessments[name]
        assert len(new) == 1 and import_request.current_assessment_id in new
    assert ImportRequest.objects.get(pk=cases["growing"].pk).tier == "senior"
    for name in ("decided", "draft"):
        import_request = ImportRequest.objects.get(pk=cases[name].pk)
        stored = set(Assessment.objects.filter(import_request=import_request).values_list("pk", flat=True))
        assert stored == assessments[name]
    assert ImportRequest.objects.get(pk=cases["asked"].pk).status == "information_requested"


def test_a_second_identical_run_stores_nothing_new(client, maintainer, cases, django_capture_on_commit_callbacks):
    edit_h200(client, maintainer, django_capture_on_commit_callbacks, framework_status="not_eligible")
    count = Assessment.objects.count()
    job = services.rescore_job_start(triggered_by=maintainer, chip=None, reason="again")
    tasks.rescore_open_requests(job.pk)
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.rescored, job.tiers_changed) == ("done", 3, 3, 0, 0)
    assert Assessment.objects.count() == count


def test_progress_is_recorded_batch_by_batch(maintainer, cases, monkeypatch):
    seen = []
    original = screening_runs.request_rescore

    def spy(*, import_request_id):
        seen.append(RescoreJob.objects.get().processed)
        return original(import_request_id=import_request_id)

    monkeypatch.setattr(screening_runs, "RESCORE_BATCH_SIZE", 1)
    monkeypatch.setattr(screening_runs, "request_rescore", spy)
    ChipModel.objects.filter(slug="nvidia-h200").update(memory_gb=282)
    job = services.rescore_job_start(triggered_by=maintainer, chip=None, reason="test")
    tasks.rescore_open_requests(job.pk)
    assert seen == [0, 1, 2]


def test_a_failing_run_is_reported(maintainer, cases, monkeypatch):
    def broken(*, import_request_id):
        raise RuntimeError("scoring exploded")

    monkeypatch.setattr(screening_runs, "request_rescore", broken)
    job = services.rescore_job_start(triggered_by=maintainer, chip=None, reason="test")
    with pytest.raises(RuntimeError):
        tasks.rescore_open_requests(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "scoring exploded" in job.error


def test_the_admin_shows_the_job_result(client, maintainer, cases, django_capture_on_commit_callbacks):
    response = edit_h200(client, maintainer, django_capture_on_commit_callbacks, dense_fp16_bf16_tflops=1979.0)
    job = RescoreJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "being re-scored in the background" in page
    job_page = client.get(f"/admin/chips/rescorejob/{job.pk}/change/").content.decode()
    assert "3 of 3 open requests processed" in job_page
    assert "Done: 3 requests re-scored, 1 tier changed." in job_page
    chip_page = client.get(f"/admin/chips/chipmodel/{job.chip_id}/change/").content.decode()
    assert 'id="chip-rescore-jobs"' in chip_page


def test_a_running_job_page_refreshes_itself(client, maintainer):
    job = RescoreJob.objects.create(triggered_by=maintainer, reason="x", status="running", total=10, processed=4)
    client.force_login(maintainer)
    page = client.get(f"/admin/chips/rescorejob/{job.pk}/change/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "4 of 10" in page


def test_a_change_that_does_not_affect_scores_starts_no_job(client, maintainer, django_capture_on_commit_callbacks):
    edit_h200(client, maintainer, django_capture_on_commit_callbacks, source="Vendor datasheet, 2026 edition")
    assert not RescoreJob.objects.exists()


def test_jobs_cannot_be_edited_in_the_admin(client, maintainer):
    job = RescoreJob.objects.create(triggered_by=maintainer, reason="x")
    client.force_login(maintainer)
    assert client.post(f"/admin/chips/rescorejob/{job.pk}/change/", {"status": "done"}).status_code == 403
    assert client.get("/admin/chips/rescorejob/add/").status_code == 403
