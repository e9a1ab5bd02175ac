"""GET /api/v1/requests/{id}/events/: the timeline, in order, for every role that may see the request."""
import pytest

from approvals import services
from tests.api.conftest import url


def test_the_timeline_lists_every_event_in_order(api_for, applicant, reviewer, in_review):
    services.request_transition(import_request_id=in_review.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which cluster?"})
    response = api_for(applicant).get(url(in_review.public_id, "events/"))
    assert response.status_code == 200
    events = response.json()
    assert [(e["seq"], e["action"], e["from_status"], e["to_status"]) for e in events] == [
        (1, "create", "", "draft"),
        (2, "submit", "draft", "submitted"),
        (3, "screen", "submitted", "under_review"),
        (4, "request_information", "under_review", "information_requested"),
    ]
    assert events[0]["actor"] == applicant.username
    assert events[2]["actor"] is None
    assert (events[3]["actor"], events[3]["actor_role"]) == (None, "reviewer")  # a role, never the reviewer's name
    assert events[3]["comment"] == "Which cluster?"
    assert set(events[0]) == {"seq", "action", "from_status", "to_status", "actor", "actor_role", "at", "comment"}


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_staff_read_the_timeline(request, api_for, in_review, role):
    assert len(api_for(request.getfixturevalue(role)).get(url(in_review.public_id, "events/")).json()) == 3


def test_the_timeline_costs_three_queries_however_long(api_for, applicant, reviewer, in_review,
                                                     django_assert_max_num_queries):
    client = api_for(applicant)
    with django_assert_max_num_queries(3):
        assert len(client.get(url(in_review.public_id, "events/")).json()) == 3
    for round_ in range(5):
        services.request_transition(import_request_id=in_review.pk, action="request_information", actor=reviewer,
                                    payload={"question": f"Question {round_}?"})
        services.request_transition(import_request_id=in_review.pk, action="respond", actor=applicant,
                                    payload={"answer": f"Answer {round_}."})
    with django_assert_max_num_queries(3):
        assert len(client.get(url(in_review.public_id, "events/")).json()) == 13


def test_the_company_never_reads_the_regulators_deliberation(api_for, applicant, reviewer, senior, in_review):
    services.request_claim(import_request_id=in_review.pk, actor=reviewer)
    services.request_transition(import_request_id=in_review.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "reject", "rationale": "Front company suspected."})
    services.request_transition(import_request_id=in_review.pk, action="return", actor=senior,
                                payload={"comment": "Check the shareholders first."})
    company_view = api_for(applicant).get(url(in_review.public_id, "events/")).json()
    assert [(e["action"], e["actor"], e["comment"]) for e in company_view] == [
        ("create", applicant.username, ""), ("submit", applicant.username, ""), ("screen", None, ""),
        ("escalate", None, ""), ("return", None, ""),
    ]
    regulator_view = api_for(senior).get(url(in_review.public_id, "events/")).json()
    assert [(e["action"], e["actor"], e["comment"]) for e in regulator_view][3:] == [
        ("claim", reviewer.username, ""), ("escalate", reviewer.username, "Front company suspected."),
        ("return", senior.username, "Check the shareholders first."),
    ]
