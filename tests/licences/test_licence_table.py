"""Every (licence state, action, role) against a table written out here, not read from the code's table."""
from datetime import timedelta

import pytest

from approvals import clock, services
from approvals.errors import WorkflowError
from approvals.models import CompanyMember, Licence, LicenceEvent, LicenceLine
from approvals.states import LICENCE_TRANSITIONS, LicenceStatus
from tests.factories import ApplicantFactory, approved_licence

pytestmark = pytest.mark.django_db

STATES = ("active", "suspended", "exhausted", "expired", "revoked", "surrendered")
ACTIONS = ("suspend", "reinstate", "revoke", "surrender", "expire", "exhaust")
ROLES = ("admin", "filer", "viewer", "other_admin", "reviewer", "senior", "senior2", "auditor", "system")
SENIORS = {"senior", "senior2"}
# (state, action) -> (state after, roles that may take it); anything else is refused in that state. The
# licence in "suspended" was suspended by "senior": reinstating is "senior2"'s (two-person rule).
EXPECTED = {
    ("active", "suspend"): ("suspended", SENIORS),
    ("active", "revoke"): ("revoked", SENIORS),
    ("active", "surrender"): ("surrendered", {"admin"}),
    ("active", "expire"): ("expired", {"system"}),
    ("active", "exhaust"): ("exhausted", {"system"}),
    ("suspended", "reinstate"): ("active", {"senior2"}),
    ("suspended", "revoke"): ("revoked", SENIORS),
    ("suspended", "surrender"): ("surrendered", {"admin"}),
    ("suspended", "expire"): ("expired", {"system"}),
}
PAYLOADS = {"suspend": {"reason": "End-use report overdue."}, "revoke": {"reason": "False declaration."}}


@pytest.fixture
def actors(applicant, reviewer, senior, senior2, auditor):
    company = applicant.membership.company
    CompanyMember.objects.filter(user=applicant).update(role=CompanyMember.CompanyRole.ADMIN)
    applicant.refresh_from_db()
    filer = ApplicantFactory(membership__company=company, membership__role=CompanyMember.CompanyRole.FILER)
    viewer = ApplicantFactory(membership__company=company, membership__role=CompanyMember.CompanyRole.VIEWER)
    other_admin = ApplicantFactory(membership__role=CompanyMember.CompanyRole.ADMIN)
    return {"admin": applicant, "filer": filer, "viewer": viewer, "other_admin": other_admin, "reviewer": reviewer,
            "senior": senior, "senior2": senior2, "auditor": auditor, "system": None}


def _make_due(licence: Licence, action: str) -> None:
    """Expiry needs the validity to have ended, exhaustion everything to have shipped."""
    if action == "expire":
        Licence.objects.filter(pk=licence.pk).update(valid_until=clock.today() - timedelta(days=1))
    if action == "exhaust":
        for line in LicenceLine.objects.filter(licence=licence):
            LicenceLine.objects.filter(pk=line.pk).update(shipped=line.approved)


def licence_in_state(state: str, actors) -> Licence:
    licence = approved_licence(actors["admin"], actors["reviewer"])
    steps = {
        "active": [], "suspended": [("suspend", "senior")], "revoked": [("revoke", "senior")],
        "surrendered": [("surrender", "admin")], "expired": [("expire", "system")],
        "exhausted": [("exhaust", "system")],
    }[state]
    for action, role in steps:
        _make_due(licence, action)
        services.licence_transition(licence_id=licence.pk, action=action, actor=actors[role],
                                    payload=PAYLOADS.get(action, {}))
    licence = Licence.objects.get(pk=licence.pk)
    assert licence.status == state
    return licence


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_every_state_action_role(state, action, role, actors):
    licence = licence_in_state(state, actors)
    _make_due(licence, action)
    events_before = LicenceEvent.objects.filter(licence=licence).count()
    target, holders = EXPECTED.get((state, action), (None, set()))
    if role in holders:
        moved = services.licence_transition(licence_id=licence.pk, action=action, actor=actors[role],
                                            payload=PAYLOADS.get(action, {}))
        assert moved.status == target
        assert moved.version == licence.version + 1
        event = LicenceEvent.objects.filter(licence=licence).order_by("-seq").first()
        assert (event.seq, event.action, event.from_status, event.to_status) == (
            events_before + 1, action, state, target)
    else:
        with pytest.raises(WorkflowError) as excinfo:
            services.licence_transition(licence_id=licence.pk, action=action, actor=actors[role],
                                        payload=PAYLOADS.get(action, {}))
        expected = WorkflowError.NOT_ALLOWED_IN_STATE if target is None else WorkflowError.FORBIDDEN
        assert excinfo.value.code == expected, excinfo.value.message
        after = Licence.objects.get(pk=licence.pk)
        assert (after.status, after.version) == (state, licence.version)
        assert LicenceEvent.objects.filter(licence=licence).count() == events_before


def test_the_code_declares_exactly_this_table():
    assert tuple(LicenceStatus.values) == STATES
    assert tuple(dict.fromkeys(move.action for move in LICENCE_TRANSITIONS)) == ACTIONS
    declared = {(source, move.action): move.target for move in LICENCE_TRANSITIONS for source in move.sources}
    assert declared == {pair: target for pair, (target, _) in EXPECTED.items()}


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_suspend_and_revoke_need_a_reason(actors, action):
    licence = licence_in_state("active", actors)
    with pytest.raises(WorkflowError) as excinfo:
        services.licence_transition(licence_id=licence.pk, action=action, actor=actors["senior"], payload={})
    assert (excinfo.value.code, list(excinfo.value.field_errors)) == ("invalid", ["reason"])


def test_expiry_and_exhaustion_wait_for_their_moment(actors):
    licence = licence_in_state("active", actors)
    for action, words in (("expire", "still valid"), ("exhaust", "Not everything approved has shipped")):
        with pytest.raises(WorkflowError) as excinfo:
            services.licence_transition(licence_id=licence.pk, action=action, actor=None)
        assert words in excinfo.value.message
