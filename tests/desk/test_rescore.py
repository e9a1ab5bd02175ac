"""Catalog edits in the admin re-score open requests in the background, once each, with progress shown."""
import re
from html import unescape

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
    """Save an edit of the H200 as the confirmation page re-posts it (confirmed)."""
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    client.force_login(maintainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/chips/chipmodel/{h200.pk}/change/",
                               {**chip_form_data(h200, **changes), "_rescore_confirmed": "1"})
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


def test_the_job_lists_the_cases_it_changed_and_why(client, maintainer, cases, django_capture_on_commit_callbacks):
    edit_h200(client, maintainer, django_capture_on_commit_callbacks,
              dense_fp16_bf16_tflops=1979.0, dense_fp8_tflops=3958.0)
    job = RescoreJob.objects.get()
    assert len(job.changes) == 3
    growing = next(change for change in job.changes if change["reference"] == cases["growing"].reference)
    assert growing["tier"] == ["standard", "senior"]
    assert growing["flags_added"] == ["large_order"] and growing["flags_removed"] == []
    page = client.get(f"/admin/chips/rescorejob/{job.pk}/change/").content.decode()
    row = page[page.index(f'<tr data-request="{cases["growing"].reference}">'):]
    row = row[:row.index("</tr>")]
    assert "<strong>Standard (one reviewer) &rarr; Senior (two-person rule)</strong>" in row
    assert "+ Large order (over 1,000 H100-equivalents)" in row
    assert f'href="/admin/approvals/importrequest/{cases["growing"].pk}/change/"' in row
    assert "Why: nvidia-h200: changed dense_fp16_bf16_tflops, dense_fp8_tflops" in page


def test_a_reclassification_is_listed_per_chip(maintainer, cases):
    ChipModel.objects.filter(slug="nvidia-h200").update(dense_fp16_bf16_tflops=50.0, dense_fp8_tflops=100.0,
                                                        dense_int8_tops=100.0, dense_fp4_tflops=None)
    job = services.rescore_job_start(triggered_by=maintainer, chip=None, reason="test")
    tasks.rescore_open_requests(job.pk)
    job.refresh_from_db()
    moved = [item for change in job.changes for item in change["classifications"]]
    assert len(moved) == 3
    assert {(item["chip"], item["from"], item["to"]) for item in moved} == {
        ("NVIDIA H200 SXM", "3A090.a", "not_controlled")
    }


def post_edit(client, chip, **changes):
    return client.post(f"/admin/chips/chipmodel/{chip.pk}/change/", chip_form_data(chip, **changes))


def test_an_edit_that_rescores_open_cases_asks_first_and_says_how_many(client, maintainer, cases,
                                                                        django_capture_on_commit_callbacks):
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    client.force_login(maintainer)
    response = post_edit(client, h200, dense_fp16_bf16_tflops=1979.0)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>3 open cases</strong> order this chip and will be re-scored" in html
    assert '<p id="chip-classification">The chip\'s classification stays 3A090.a.</p>' in html
    assert "<td><strong>1979.0</strong></td>" in html
    assert '<input type="hidden" name="_rescore_confirmed" value="1">' in html
    assert '<input type="hidden" name="dense_fp16_bf16_tflops" value="1979.0">' in html
    h200.refresh_from_db()
    assert h200.dense_fp16_bf16_tflops == 989.5 and not RescoreJob.objects.exists()


def test_an_edit_that_reclassifies_the_chip_asks_even_with_no_open_case(client, maintainer):
    h20 = ChipModel.objects.get(slug="nvidia-h20")
    client.force_login(maintainer)
    before = h20.classification
    html = post_edit(client, h20, dense_fp16_bf16_tflops=2000.0, dense_int8_tops=4000.0).content.decode()
    assert f"The chip's classification changes: {before} &rarr; 3A090.a." in html
    assert "<strong>0 open cases</strong> order this chip" in html
    assert ChipModel.objects.get(pk=h20.pk).classification == before


def test_an_edit_with_no_open_case_and_no_reclassification_saves_at_once(client, maintainer):
    h20 = ChipModel.objects.get(slug="nvidia-h20")
    client.force_login(maintainer)
    assert post_edit(client, h20, memory_gb=100.0).status_code == 302
    assert ChipModel.objects.get(pk=h20.pk).memory_gb == 100.0


def test_a_bad_edit_shows_its_errors_not_the_confirmation(client, maintainer, cases):
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    client.force_login(maintainer)
    response = post_edit(client, h200, dense_fp16_bf16_tflops="fast")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a number." in html and "chip-change-impact" not in html


def test_confirming_saves_and_starts_the_job(client, maintainer, cases, django_capture_on_commit_callbacks):
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    client.force_login(maintainer)
    html = post_edit(client, h200, dense_fp16_bf16_tflops=1979.0).content.decode()
    resubmit = {name: unescape(value) for name, value in
                re.findall(r"<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">", html)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/chips/chipmodel/{h200.pk}/change/", resubmit)
    assert response.status_code == 302
    assert ChipModel.objects.get(pk=h200.pk).dense_fp16_bf16_tflops == 1979.0
    assert RescoreJob.objects.get().rescored == 3
