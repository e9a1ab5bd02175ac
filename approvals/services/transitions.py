"""The one transition service: every move of the review state machine, with its guard and its effects."""
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_fsm import can_proceed, has_transition_perm

from approvals import audit, clock, notifications, roles
from approvals.controls import approval_refusal, company_lock
from approvals.errors import WorkflowError, invalid
from approvals.guards import guard_refusal, submit_problems
from approvals.models import ImportRequest, InformationRequest, PartyMatch, Recommendation, RequestLine
from approvals.policy import CURRENT_SCREENING_POLICY, FILING_LIMITS
from approvals.queue import enqueue_on_commit
from approvals.services.assessments import assessment_apply, assessment_store
from approvals.services.common import lock_import_request, reconnecting
from approvals.services.documents import document_attach
from approvals.services.licences import approved_quantities, licence_issue
from approvals.services.party_screening import party_matches_refresh
from approvals.states import Role, Tier, fsm_method_name, move_for

REJECTION_REASONS = {
    "insufficient_purpose": "The stated purpose is not specific enough",
    "domestic_alternative": "Domestic accelerators can serve the stated use",
    "over_provisioned": "The order exceeds what the stated purpose needs",
    "end_user_concern": "Concern about the end user or deployment site",
    "cap_exceeded": "The customer cap would be exceeded",
    "incomplete_documents": "Documents are missing or inconsistent",
    "other": "Other (see the reason)",
}


def _text(payload: dict, field: str, *, required: bool, label: str) -> str:
    value = payload.get(field, "")
    if not isinstance(value, str):
        raise invalid({field: [gettext("%(label)s must be text.") % {"label": gettext(label)}]})
    value = value.strip()
    if required and not value:
        raise invalid({field: [gettext("%(label)s is required.") % {"label": gettext(label)}]})
    limit = FILING_LIMITS.max_text_length
    if len(value) > limit:
        raise invalid({field: [gettext("%(label)s must be at most %(limit)s characters.") % {
            "label": gettext(label), "limit": f"{limit:,}"}]})
    return value


def _date(payload: dict, field: str) -> date | None:
    value = payload.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise invalid({field: ["Give a date as YYYY-MM-DD."]}) from exc


# Effects: each takes (import_request, actor, payload, now) and returns (fields changed, comment, event payload).

def _effects_submit(import_request, actor, payload, now):
    problems = submit_problems(import_request, list(import_request.lines.select_related("chip")))
    if problems:
        raise invalid(problems, "The request cannot be submitted yet.")
    import_request.submitted_at = now
    enqueue_on_commit("approvals.tasks.screen_request", import_request.pk)
    return ["submitted_at"], "", {}


def _effects_screen(import_request, actor, payload, now):
    assessment, _ = assessment_store(import_request)
    policy = CURRENT_SCREENING_POLICY
    fields = assessment_apply(import_request, assessment)
    import_request.queue = policy.queues.get(import_request.purpose_category, "general")
    import_request.sla_working_days = (
        policy.senior_sla_working_days if assessment.tier == Tier.SENIOR else policy.standard_sla_working_days
    )
    import_request.sla_due = clock.add_working_days(clock.today(), import_request.sla_working_days, clock.holidays())
    parties = party_matches_refresh(import_request)
    open_matches = import_request.party_matches.filter(state=PartyMatch.State.OPEN).count()
    return [*fields, "queue", "sla_working_days", "sla_due"], "", {
        "assessment": assessment.pk, "tier": assessment.tier, "risk_score": assessment.risk_score,
        "flags": assessment.flags, "party_matches": {**parties, "open": open_matches},
    }


def _effects_request_information(import_request, actor, payload, now):
    question = _text(payload, "question", required=True, label="The question")
    today = clock.today()
    due = _date(payload, "due_date") or clock.add_working_days(
        today, CURRENT_SCREENING_POLICY.information_due_working_days, clock.holidays()
    )
    if due <= today:
        raise invalid({"due_date": ["The answer's due date must be after today."]})
    info = InformationRequest.objects.create(
        import_request=import_request, question=question, asked_by=actor, due_date=due
    )
    if import_request.sla_due is not None:
        import_request.sla_paused_days_left = clock.working_days_between(today, import_request.sla_due,
                                                                         clock.holidays())
    import_request.sla_due = None
    if import_request.assignee_id is None:
        import_request.assignee = actor
    return ["sla_paused_days_left", "sla_due", "assignee"], question, {
        "information_request": info.pk, "due_date": due.isoformat()
    }


def _effects_respond(import_request, actor, payload, now):
    answer = _text(payload, "answer", required=True, label=gettext_noop("The answer"))
    info = import_request.information_requests.filter(answered_at__isnull=True).order_by("-asked_at").first()
    if info is None:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, gettext("There is no open question to answer."))
    info.answer, info.answered_by, info.answered_at = answer, actor, now
    info.save(update_fields=["answer", "answered_by", "answered_at"])
    days_left = import_request.sla_paused_days_left or 0
    import_request.sla_due = clock.add_working_days(clock.today(), max(days_left, 0), clock.holidays())
    import_request.sla_paused_days_left = None
    return ["sla_due", "sla_paused_days_left"], answer, {"information_request": info.pk}


def _decide(import_request, now):
    import_request.decided_at = now
    return ["decided_at"]


def _effects_approve(import_request, actor, payload, now):
    """Approved quantities per line (in full unless named), the request's totals to match, and the licence."""
    conditions = _text(payload, "conditions", required=False, label="Conditions")
    lines = list(import_request.lines.select_related("chip"))
    quantities = approved_quantities(lines, payload.get("approved_lines"))
    for line in lines:
        line.approved_quantity = quantities[line.pk]
    refusal = approval_refusal(import_request=import_request, company=company_lock(import_request.company_id),
                               lines=lines)
    if refusal:
        raise refusal
    RequestLine.objects.bulk_update(lines, ["approved_quantity"])
    # Once decided, the request counts what was approved, not what was asked.
    import_request.total_units = sum(line.approved_quantity for line in lines)
    import_request.total_tpp = sum(line.chip.tpp * line.approved_quantity for line in lines)
    licence = licence_issue(import_request=import_request, lines=lines, actor=actor, conditions=conditions, now=now)
    fields = ["total_units", "total_tpp", *_decide(import_request, now)]
    return fields, conditions, {
        "conditions": conditions, "licence": licence.number,
        "approved_lines": {str(line.pk): line.approved_quantity for line in lines},
    }


def _effects_reject(import_request, actor, payload, now):
    codes = payload.get("reason_codes")
    if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
        raise invalid({"reason_codes": [f"Give one or more reason codes from: {', '.join(REJECTION_REASONS)}."]})
    unknown = [code for code in codes if code not in REJECTION_REASONS]
    if unknown:
        raise invalid({"reason_codes": [f"Unknown reason code(s): {', '.join(unknown)}."]})
    reason = _text(payload, "reason", required=True, label="The reason")
    return _decide(import_request, now), reason, {"reason_codes": sorted(set(codes))}


def _effects_escalate(import_request, actor, payload, now):
    recommendation = payload.get("recommendation")
    if recommendation not in Recommendation.values:
        raise invalid({"recommendation": ["Recommend either 'approve' or 'reject'."]})
    rationale = _text(payload, "rationale", required=True, label="The rationale")
    import_request.escalated_by, import_request.recommendation = actor, recommendation
    return ["escalated_by", "recommendation"], rationale, {"recommendation": recommendation}


def _effects_return(import_request, actor, payload, now):
    comment = _text(payload, "comment", required=True, label="The comment")
    import_request.escalated_by, import_request.recommendation = None, ""
    return ["escalated_by", "recommendation"], comment, {}


def _effects_withdraw(import_request, actor, payload, now):
    return [], _text(payload, "comment", required=False, label=gettext_noop("The comment")), {}


def _effects_lapse(import_request, actor, payload, now):
    return _decide(import_request, now), "The answer to the request for information is overdue.", {}


EFFECTS: dict[str, Callable] = {
    "submit": _effects_submit,
    "screen": _effects_screen,
    "request_information": _effects_request_information,
    "respond": _effects_respond,
    "approve": _effects_approve,
    "reject": _effects_reject,
    "escalate": _effects_escalate,
    "return": _effects_return,
    "withdraw": _effects_withdraw,
    "lapse": _effects_lapse,
}


@reconnecting
def request_transition(*, import_request_id: int, action: str, actor, payload: dict | None = None) -> ImportRequest:
    """Every state change: lock, re-check state, role and guard, save, audit, then side effects on commit.

    ``actor`` is a user, or None for the system (worker and beat).
    """
    if action not in EFFECTS:
        raise invalid({"action": [f"Unknown action '{action}'. Actions: {', '.join(EFFECTS)}."]})
    payload = payload or {}
    if not isinstance(payload, dict):
        raise invalid({"payload": ["The payload must be an object."]})
    with transaction.atomic():
        import_request = lock_import_request(import_request_id)
        move = move_for(action, import_request.status)
        if move is None:
            raise WorkflowError(
                WorkflowError.NOT_ALLOWED_IN_STATE,
                f"'{action}' is not possible while the request is {import_request.get_status_display().lower()}.",
            )
        if not roles.actor_has_role(import_request.company_id, actor, move.role):
            raise WorkflowError(
                WorkflowError.FORBIDDEN, f"Only the {Role(move.role).label.lower()} may {move.label.lower()} here."
            )
        refusal = guard_refusal(import_request, actor, action)
        if refusal:
            raise refusal
        method = getattr(import_request, fsm_method_name(action))
        if not (can_proceed(method) and has_transition_perm(method, actor)):
            raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, f"'{action}' is not possible now.")
        from_status = import_request.status
        now = timezone.now()
        fields, comment, event_payload = EFFECTS[action](import_request, actor, payload, now)
        method()
        import_request.version += 1  # the row is locked: no one else can have moved it on
        import_request.save(update_fields=["status", "version", "updated_at", *fields])
        event = audit.event_append(
            import_request=import_request, action=action, from_status=from_status, to_status=import_request.status,
            actor=actor, actor_role=move.role, comment=comment, payload=event_payload,
        )
        notifications.notify_event(event)
    # The state as of this commit: a worker may already have moved the request on (screening right after a
    # submit), and the caller is told what it did, not what happened since.
    return import_request


@reconnecting
def request_respond(*, import_request_id: int, actor, answer: str, uploaded_file=None) -> ImportRequest:
    """Answer the open question, optionally with a document: both stand or fall together, and a refused
    answer leaves no stored file behind."""
    document = None
    try:
        with transaction.atomic():
            if uploaded_file is not None:
                question = InformationRequest.objects.filter(
                    import_request_id=import_request_id, answered_at__isnull=True
                ).order_by("-asked_at").first()
                if question is None:
                    raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE,
                                        gettext("There is no open question to answer."))
                document = document_attach(import_request_id=import_request_id, actor=actor,
                                           uploaded_file=uploaded_file, information_request_id=question.pk)
            return request_transition(import_request_id=import_request_id, action="respond", actor=actor,
                                      payload={"answer": answer})
    except Exception:
        if document is not None:
            document.file.delete(save=False)
        raise
