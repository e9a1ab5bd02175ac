"""Every (state, action, role) combination against a table written out here, not read from the code's table."""
from datetime import timedelta

import pytest

from approvals import clock, services
from approvals.errors import WorkflowError
from approvals.models import CompanyMember, ImportRequest, InformationRequest, ReviewEvent
from approvals.states import ACTIONS, TRANSITIONS, Status
from tests.factories import ApplicantFactory, draft_request

pytestmark = pytest.mark.django_db

ROLES = ("applicant", "viewer", "other_applicant", "reviewer", "senior", "auditor", "system")
PAYLOADS = {
    "request_information": {"question": "Which model will you train first?"},
    "respond": {"answer": "A 13B legal-domain model."},
    "approve": {"conditions": "Quarterly usage reports."},
    "reject": {"reason_codes": ["insufficient_purpose"], "reason": "Purpose too vague."},
    "escalate": {"recommendation": "approve", "rationale": "Matches the declared training run."},
    "return": {"comment": "Please check the rolling totals."},
}
STATES = ("draft", "submitted", "under_review", "information_requested", "senior_review", "approved", "rejected",
          "withdrawn", "lapsed")
ACTION_NAMES = ("submit", "screen", "request_information", "respond", "approve", "reject", "escalate", "return",
                "withdraw", "lapse")
REVIEWERS = {"reviewer", "senior"}
# (state, action) -> (state after, the roles that may take it). Any pair not listed is refused in that state
# for everyone; a listed pair is refused as forbidden to every other role.
EXPECTED = {
    ("draft", "submit"): ("submitted", {"applicant"}),
    ("draft", "withdraw"): ("withdrawn", {"applicant"}),
    ("submitted", "screen"): ("under_review", {"system"}),
    ("submitted", "withdraw"): ("withdrawn", {"applicant"}),
    ("under_review", "request_information"): ("information_requested", REVIEWERS),
    ("under_review", "approve"): ("approved", REVIEWERS),
    ("under_review", "reject"): ("rejected", REVIEWERS),
    ("under_review", "escalate"): ("senior_review", REVIEWERS),
    ("under_review", "withdraw"): ("withdrawn", {"applicant"}),
    ("information_requested", "respond"): ("under_review", {"applicant"}),
    ("information_requested", "withdraw"): ("withdrawn", {"applicant"}),
    ("information_requested", "lapse"): ("lapsed", {"system"}),
    ("senior_review", "approve"): ("approved", {"senior"}),
    ("senior_review", "reject"): ("rejected", {"senior"}),
    ("senior_review", "return"): ("under_review", {"senior"}),
    ("senior_review", "withdraw"): ("withdrawn", {"applicant"}),
}


def _move(request, action, actor, **payload):
    return services.request_transition(import_request_id=request.pk, action=action, actor=actor, payload=payload)


def request_in_state(state, *, applicant, reviewer, senior):
    """Walk a standard-tier request to ``state`` through the services only."""
    request = draft_request(applicant)
    steps = {
        Status.DRAFT: [],
        Status.SUBMITTED: [("submit", applicant)],
        Status.UNDER_REVIEW: [("submit", applicant), ("screen", None)],
        Status.INFORMATION_REQUESTED: [("submit", applicant), ("screen", None), ("request_information", reviewer)],
        Status.SENIOR_REVIEW: [("submit", applicant), ("screen", None), ("escalate", reviewer)],
        Status.APPROVED: [("submit", applicant), ("screen", None), ("approve", reviewer)],
        Status.REJECTED: [("submit", applicant), ("screen", None), ("reject", reviewer)],
        Status.WITHDRAWN: [("withdraw", applicant)],
        Status.LAPSED: [("submit", applicant), ("screen", None), ("request_information", reviewer), ("lapse", None)],
    }[state]
    for action, actor in steps:
        _make_due(request, action)
        request = _move(request, action, actor, **PAYLOADS.get(action, {}))
    assert request.status == state
    return request


def _make_due(request, action):
    """A lapse needs the answer's clock to have run out."""
    past = clock.today() - timedelta(days=1)
    if action == "lapse":
        InformationRequest.objects.filter(import_request=request).update(due_date=past)


@pytest.fixture
def actors(applicant, other_applicant, reviewer, senior, auditor):
    viewer = ApplicantFactory(membership__company=applicant.membership.company,
                              membership__role=CompanyMember.CompanyRole.VIEWER)
    return {"applicant": applicant, "viewer": viewer, "other_applicant": other_applicant, "reviewer": reviewer,
            "senior": senior, "auditor": auditor, "system": None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTION_NAMES)
@pytest.mark.parametrize("state", STATES)
def test_every_state_action_role(state, action, role, actors):
    request = request_in_state(state, applicant=actors["applicant"], reviewer=actors["reviewer"],
                               senior=actors["senior"])
    _make_due(request, action)
    events_before = ReviewEvent.objects.filter(import_request=request).count()
    target, holders = EXPECTED.get((state, action), (None, set()))
    allowed = role in holders

    if allowed:
        moved = _move(request, action, actors[role], **PAYLOADS.get(action, {}))
        assert moved.status == target
        assert moved.version == request.version + 1
        event = ReviewEvent.objects.filter(import_request=request).order_by("-seq").first()
        assert (event.action, event.from_status, event.to_status) == (action, state, target)
        assert event.actor_id == (actors[role].pk if actors[role] else None)
        assert event.seq == events_before + 1
    else:
        with pytest.raises(WorkflowError) as excinfo:
            _move(request, action, actors[role], **PAYLOADS.get(action, {}))
        expected = WorkflowError.NOT_ALLOWED_IN_STATE if target is None else WorkflowError.FORBIDDEN
        assert excinfo.value.code == expected, excinfo.value.message
        request_after = ImportRequest.objects.get(pk=request.pk)
        assert (request_after.status, request_after.version) == (state, request.version)
        assert ReviewEvent.objects.filter(import_request=request).count() == events_before


def test_the_code_declares_exactly_the_states_actions_and_moves_of_this_table():
    assert tuple(Status.values) == STATES
    assert ACTIONS == ACTION_NAMES
    declared = {(source, move.action): move.target for move in TRANSITIONS for source in move.sources}
    assert declared == {pair: target for pair, (target, _) in EXPECTED.items()}
