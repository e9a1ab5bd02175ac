"""GET and PATCH /api/v1/requests/{id}/: the full request for every role, and edits only while draft."""
import pytest

from approvals import services
from tests.api.conftest import url
from tests.factories import line


def test_the_detail_has_lines_assessment_version_and_actions(api_for, applicant, reviewer, in_review):
    response = api_for(applicant).get(url(in_review.public_id))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(in_review.public_id)
    assert body["version"] == in_review.version
    assert body["lines"][0]["chip"] == "nvidia-h200"
    assert body["assessment"]["metrics"]["units"] == 8
    assert body["open_information_request"] is None
    assert body["available_actions"] == ["withdraw"]
    staff = api_for(reviewer).get(url(in_review.public_id)).json()
    assert staff["assessment"]["risk_score"] == in_review.risk_score
    assert {factor["code"] for factor in staff["assessment"]["factors"]} >= {"domestic_alternative"}


INTERNAL_KEYS = {"tier", "risk_score", "flags", "sla_due", "queue"}
INTERNAL_ASSESSMENT_KEYS = {"risk_score", "tier", "flags", "factors", "policy_version"}


def test_the_company_reads_capability_metrics_but_no_score_factor_flag_or_tier(api_for, applicant, in_review):
    body = api_for(applicant).get(url(in_review.public_id)).json()
    assert not INTERNAL_KEYS & set(body)
    assert set(body["assessment"]) == {"metrics", "created_at"}
    assert set(body["assessment"]["metrics"]) == {
        "units", "total_tpp", "h100_equivalents", "bf16_flops_per_second", "memory_bandwidth_tbps", "memory_gb",
        "mfu", "flop_in_90_days", "days_to_1e25", "days_to_1e26", "ascend_910c_by_tpp", "ascend_910c_by_bandwidth",
        "order_value_usd", "revenue_share_due_usd",
    }
    listed = api_for(applicant).get("/api/v1/requests/").json()["results"][0]
    assert not INTERNAL_KEYS & set(listed)


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_the_regulator_reads_them_all(request, api_for, in_review, role):
    body = api_for(request.getfixturevalue(role)).get(url(in_review.public_id)).json()
    assert {"tier", "risk_score", "flags", "sla_due"} <= set(body)
    assert set(body["assessment"]) >= INTERNAL_ASSESSMENT_KEYS
    assert "over_provisioning_ratio" in body["assessment"]["metrics"]


def test_a_draft_has_no_assessment_yet(api_for, applicant, draft):
    assert api_for(applicant).get(url(draft.public_id)).json()["assessment"] is None


def test_the_open_information_request_is_shown(api_for, applicant, reviewer, in_review):
    services.request_transition(import_request_id=in_review.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which cluster?"})
    body = api_for(applicant).get(url(in_review.public_id)).json()
    assert body["open_information_request"]["question"] == "Which cluster?"
    assert body["available_actions"] == ["respond", "withdraw"]


@pytest.mark.parametrize(("role", "actions"), [
    ("applicant", ["withdraw"]),
    ("reviewer", ["request_information", "approve", "reject", "escalate"]),
    ("senior", ["request_information", "approve", "reject", "escalate"]),
    ("auditor", []),
])
def test_available_actions_depend_on_the_caller(request, api_for, in_review, role, actions):
    response = api_for(request.getfixturevalue(role)).get(url(in_review.public_id))
    assert response.status_code == 200
    assert response.json()["available_actions"] == actions


def test_the_detail_query_count_does_not_grow_with_lines(api_for, applicant, django_assert_max_num_queries):
    from tests.factories import draft_request

    few = draft_request(applicant, lines=[line()])
    many = draft_request(applicant, lines=[line(quantity=n) for n in range(1, 21)])
    client = api_for(applicant)
    # token, request, lines with chips, information requests, their documents, documents
    for request in (few, many):
        with django_assert_max_num_queries(6):
            assert client.get(url(request.public_id)).status_code == 200


def test_patch_changes_a_draft_and_bumps_its_version(api_for, applicant, draft):
    response = api_for(applicant).patch(url(draft.public_id), {"end_user": "Shenzhen Courts AI Lab"}, format="json")
    assert response.status_code == 200
    assert response.json()["end_user"] == "Shenzhen Courts AI Lab"
    assert response.json()["version"] == draft.version + 1


def test_patch_with_lines_replaces_them(api_for, applicant, draft):
    response = api_for(applicant).patch(
        url(draft.public_id), {"lines": [line("nvidia-h20", 100, "12000.00")]}, format="json"
    )
    assert response.status_code == 200
    assert [(item["chip"], item["quantity"]) for item in response.json()["lines"]] == [("nvidia-h20", 100)]


def test_patch_answers_400_naming_the_field(api_for, applicant, draft):
    response = api_for(applicant).patch(url(draft.public_id), {"training_days": 0}, format="json")
    assert response.status_code == 400
    assert "training_days" in response.json()


def test_patch_after_submission_answers_409(api_for, applicant):
    from tests.factories import submitted_request

    submitted = submitted_request(applicant)
    response = api_for(applicant).patch(url(submitted.public_id), {"end_user": "Late change"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed_in_state"
    submitted.refresh_from_db()
    assert submitted.end_user != "Late change"


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_staff_cannot_see_let_alone_patch_a_draft(request, api_for, draft, role):
    client = api_for(request.getfixturevalue(role))
    response = client.patch(url(draft.public_id), {"end_user": "X"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    for suffix in ("", "status/", "events/"):
        assert client.get(url(draft.public_id, suffix)).status_code == 404


@pytest.mark.parametrize("path", [
    "/api/v1/requests/not-a-uuid/", "/api/v1/requests/12345/status/", "/api/v1/requests/%20/events/",
    "/api/v1/requests/00000000-0000-0000-0000-000000000000/",
])
def test_malformed_or_unknown_ids_answer_404(api_for, applicant, path):
    response = api_for(applicant).get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_paths_under_the_api_answer_json_404(api_for, applicant):
    response = api_for(applicant).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
