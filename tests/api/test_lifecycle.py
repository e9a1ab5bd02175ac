"""A whole senior-tier case over the API: create, submit, screening, a question, escalation, two-person sign-off."""
from tests.api.conftest import url
from tests.factories import declaration, line


def test_a_senior_tier_order_goes_from_create_to_approval(api_for, applicant, reviewer, senior, senior2,
                                                          django_capture_on_commit_callbacks):
    company, desk, escalating, signing = api_for(applicant), api_for(reviewer), api_for(senior), api_for(senior2)

    created = company.post("/api/v1/requests/", {**declaration(), "lines": [line("nvidia-h200", 8000)]},
                           format="json", HTTP_IDEMPOTENCY_KEY="po-2026-0042")
    assert created.status_code == 201
    public_id = created.json()["id"]

    def transition(client, action, **payload):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url(public_id, "transitions/"), {"action": action, **payload}, format="json")

    submitted = transition(company, "submit")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")

    # Screening ran after commit (tasks are eager in tests). The company reads the status; the tier and score
    # are the regulator's.
    status = company.get(url(public_id, "status/")).json()
    assert set(status) == {"id", "reference", "status", "version", "updated_at", "available_actions"}
    assert status["status"] == "under_review"
    status = desk.get(url(public_id, "status/")).json()
    assert (status["status"], status["tier"]) == ("under_review", "senior")
    assert status["risk_score"] is not None

    asked = transition(desk, "request_information", question="Who operates the cluster day to day?")
    assert asked.json()["status"] == "information_requested"
    detail = company.get(url(public_id)).json()
    assert detail["open_information_request"]["question"] == "Who operates the cluster day to day?"
    assert detail["available_actions"] == ["respond", "withdraw"]

    answered = transition(company, "respond", answer="Our own operations team in Shenzhen.")
    assert answered.json()["status"] == "under_review"
    assert company.get(url(public_id)).json()["open_information_request"] is None

    assert transition(desk, "approve").status_code == 403  # senior tier: one signature is not enough
    escalated = transition(escalating, "escalate", recommendation="approve", rationale="Purpose is specific.")
    assert escalated.json()["status"] == "senior_review"

    refused = transition(escalating, "approve")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert "Two-person rule" in refused.json()["detail"]
    assert transition(desk, "approve").status_code == 403

    approved = transition(signing, "approve", conditions="Quarterly utilisation reports.")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["available_actions"] == []  # what follows is the licence's

    events = company.get(url(public_id, "events/")).json()
    assert [(e["action"], e["from_status"], e["to_status"], e["actor"]) for e in events] == [
        ("create", "", "draft", applicant.username),
        ("submit", "draft", "submitted", applicant.username),
        ("screen", "submitted", "under_review", None),
        ("request_information", "under_review", "information_requested", None),
        ("respond", "information_requested", "under_review", applicant.username),
        ("escalate", "under_review", "senior_review", None),
        ("approve", "senior_review", "approved", None),
    ]
    assert [e["actor_role"] for e in events][3:] == ["reviewer", "applicant", "reviewer", "senior_reviewer"]
    assert events[5]["comment"] == ""  # the escalation's rationale is the regulator's
    assert [e["seq"] for e in events] == list(range(1, 8))
    assert events[4]["comment"] == "Our own operations team in Shenzhen."
    assert company.get(url(public_id, "status/")).json()["version"] == 7


def test_a_reviewers_escalation_is_signed_off_by_a_senior(api_for, applicant, reviewer, senior,
                                                          django_capture_on_commit_callbacks):
    company, desk, signing = api_for(applicant), api_for(reviewer), api_for(senior)
    public_id = company.post("/api/v1/requests/", {**declaration(), "lines": [line("nvidia-h200", 8000)]},
                             format="json").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        company.post(url(public_id, "transitions/"), {"action": "submit"}, format="json")
    desk.post(url(public_id, "transitions/"),
              {"action": "escalate", "recommendation": "reject", "rationale": "Over-provisioned."}, format="json")
    assert desk.post(url(public_id, "transitions/"), {"action": "reject", "reason_codes": ["other"], "reason": "x"},
                     format="json").status_code == 403
    rejected = signing.post(url(public_id, "transitions/"),
                            {"action": "reject", "reason_codes": ["over_provisioned"], "reason": "Too many units."},
                            format="json")
    assert rejected.json()["status"] == "rejected"
