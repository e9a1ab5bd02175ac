"""Submitting with a confirmation that lists what freezes and what is missing, and withdrawing with one."""
import pytest

from approvals import services
from approvals.models import ImportRequest, ReviewEvent
from tests.factories import draft_request, line, request_in_review, submitted_request

pytestmark = pytest.mark.django_db


def test_the_confirmation_lists_what_will_be_frozen(applicant_client, applicant):
    order = draft_request(applicant, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00")])
    response = applicant_client.get(f"/requests/{order.public_id}/submit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "can no longer be changed" in html
    assert "8 \u00d7 NVIDIA H200 SXM at USD 32,000.00" in html
    assert "4 \u00d7 NVIDIA H20 at USD 12,000.00" in html
    assert order.end_user in html and order.deployment_site in html
    assert response.context["problems"] == []
    assert 'type="submit"' in html


def test_the_confirmation_lists_every_guard_failure_in_words(applicant_client, applicant):
    order = services.request_create(
        actor=applicant, data={"purpose_category": "model_training", "purpose_statement": "GPUs for AI."},
        lines=[line("nvidia-h100-sxm", 8)],
    )
    response = applicant_client.get(f"/requests/{order.public_id}/submit/")
    problems = {problem["where"]: problem["text"] for problem in response.context["problems"]}
    assert set(problems) == {
        "Line 1", "Purpose statement", "End user", "Deployment site", "Model size (parameters)", "Training tokens",
        "Planned training duration (days)", "I attest that the chips will not be re-exported.",
        "I attest that the chips will have no military end use.",
    }
    assert "only chips eligible under the approved-customer framework" in problems["Line 1"]
    assert "at least 200 characters (12 so far)" in problems["Purpose statement"]
    html = response.content.decode()
    assert "The order cannot be submitted yet" in html
    assert 'data-submit-once' not in html


def test_an_order_without_lines_is_told_to_add_one(applicant_client, applicant):
    order = draft_request(applicant)
    services.request_update(import_request_id=order.pk, actor=applicant, data={}, lines=[])
    response = applicant_client.get(f"/requests/{order.public_id}/submit/")
    assert response.context["problems"] == [
        {"where": "Lines", "text": "Add at least one line: a chip, a quantity and a unit price."}]


def test_submitting_freezes_the_order_and_screening_follows(applicant_client, applicant,
                                                           django_capture_on_commit_callbacks):
    order = draft_request(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(f"/requests/{order.public_id}/submit/")
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{order.public_id}/"
    order.refresh_from_db()
    assert order.status == "under_review"
    assert order.current_assessment is not None


def test_a_refused_submit_shows_the_reasons_and_changes_nothing(applicant_client, applicant):
    order = draft_request(applicant, end_user="")
    response = applicant_client.post(f"/requests/{order.public_id}/submit/")
    assert response.status_code == 400
    assert response.context["error"] == "The request cannot be submitted yet."
    assert response.context["problems"] == [{"where": "End user", "text": "Name the end user."}]
    order.refresh_from_db()
    assert order.status == "draft"


def test_a_double_clicked_submit_submits_once(applicant_client, applicant):
    order = draft_request(applicant)
    first = applicant_client.post(f"/requests/{order.public_id}/submit/")
    second = applicant_client.post(f"/requests/{order.public_id}/submit/")
    assert first.status_code == second.status_code == 302
    assert ReviewEvent.objects.filter(import_request=order, action="submit").count() == 1
    assert ImportRequest.objects.count() == 1


def test_a_submitted_order_has_no_submit_page(applicant_client, applicant):
    order = submitted_request(applicant)
    response = applicant_client.get(f"/requests/{order.public_id}/submit/")
    assert response.status_code == 302


def test_a_read_only_member_cannot_submit(signed_in, company, applicant):
    from tests.factories import ApplicantFactory

    order = draft_request(applicant)
    viewer = ApplicantFactory(membership__company=company, membership__role="viewer")
    assert signed_in(viewer).post(f"/requests/{order.public_id}/submit/").status_code == 403
    order.refresh_from_db()
    assert order.status == "draft"


def test_withdraw_asks_first_then_withdraws_with_the_reason(applicant_client, applicant):
    order = request_in_review(applicant)
    page = applicant_client.get(f"/requests/{order.public_id}/withdraw/")
    assert page.status_code == 200
    assert b"Withdrawing ends it for good" in page.content
    order.refresh_from_db()
    assert order.status == "under_review"
    response = applicant_client.post(f"/requests/{order.public_id}/withdraw/", {"comment": "Budget cut."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "withdrawn"
    assert order.events.get(action="withdraw").comment == "Budget cut."


def test_a_withdrawn_order_cannot_be_withdrawn_again(applicant_client, applicant):
    order = draft_request(applicant)
    applicant_client.post(f"/requests/{order.public_id}/withdraw/")
    response = applicant_client.post(f"/requests/{order.public_id}/withdraw/")
    assert response.status_code == 302
    assert ReviewEvent.objects.filter(import_request=order, action="withdraw").count() == 1


def test_a_read_only_member_cannot_withdraw(signed_in, company, applicant):
    from tests.factories import ApplicantFactory

    order = draft_request(applicant)
    viewer = ApplicantFactory(membership__company=company, membership__role="viewer")
    response = signed_in(viewer).post(f"/requests/{order.public_id}/withdraw/")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "draft"
