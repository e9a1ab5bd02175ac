"""Licences: issued by an approval, moved by one transition service, drawn down by shipments, followed by
end-use reports. Every write locks the licence's row, appends to its hash chain and tells the holder through
the outbox, in one transaction."""
from collections import defaultdict
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django_fsm import can_proceed, has_transition_perm

from approvals import audit, clock, notifications, roles
from approvals.errors import WorkflowError, invalid
from approvals.models import (
    EndUseReport,
    ImportRequest,
    Licence,
    LicenceLine,
    RequestLine,
    Shipment,
    ShipmentLine,
)
from approvals.policy import CURRENT_SCREENING_POLICY, FILING_LIMITS
from approvals.services.common import reconnecting, require_filer
from approvals.services.documents import document_store
from approvals.states import LICENCE_TRANSITIONS, LicenceStatus, Role, fsm_method_name, move_for

SHIPPABLE = frozenset({LicenceStatus.ACTIVE})
REPORTABLE = frozenset({EndUseReport.State.DUE, EndUseReport.State.OVERDUE})


# Approval: approved quantities and the licence ----------------------------------------------------------------

def approved_quantities(lines: list[RequestLine], approved_lines) -> dict[int, int]:
    """Approved quantity per request line: the ones named as given (0 leaves a line out), the others in full.

    Refused under ``approved_lines``: not a list, an unknown or repeated line, a quantity that is not a whole
    number from 0 to the requested one, or every line at 0 (that is a rejection)."""
    quantities = {line.pk: line.quantity for line in lines}
    if approved_lines in (None, []):
        return quantities
    problems = []
    if not isinstance(approved_lines, list):
        raise invalid({"approved_lines": ["Give the approved lines as a list of {line, quantity}."]})
    seen = set()
    for index, item in enumerate(approved_lines, start=1):
        line_id = item.get("line") if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if isinstance(line_id, bool) or not isinstance(line_id, int) or line_id not in quantities:
            problems.append(f"Item {index}: no line {line_id!r} on this request; use the ids in lines[].id.")
            continue
        if line_id in seen:
            problems.append(f"Item {index}: line {line_id} is named twice.")
            continue
        seen.add(line_id)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            problems.append(f"Item {index}: the approved quantity of line {line_id} must be a whole number, 0 "
                            "or more.")
        elif quantity > quantities[line_id]:
            problems.append(f"Item {index}: line {line_id} asks for {quantities[line_id]:,}; no more than that "
                            f"can be approved ({quantity:,} given).")
        else:
            quantities[line_id] = quantity
    if problems:
        raise invalid({"approved_lines": problems})
    if not any(quantities.values()):
        raise invalid({"approved_lines": ["Every line is at 0: to approve nothing, reject the request."]})
    return quantities


def licence_issue(*, import_request: ImportRequest, lines: list[RequestLine], actor, conditions: str,
                  now) -> Licence:
    """The licence of an approval, inside the approval's transaction: one line per chip with the approved
    quantities (request lines of one chip summed), valid for the policy's period from today."""
    valid_from = timezone.localdate(now)
    by_chip: dict[int, int] = defaultdict(int)
    chips = {}
    for line in lines:
        if line.approved_quantity:
            by_chip[line.chip_id] += line.approved_quantity
            chips[line.chip_id] = line.chip
    licence = Licence.objects.create(
        import_request=import_request, holder_id=import_request.company_id, conditions=conditions,
        valid_from=valid_from,
        valid_until=valid_from + relativedelta(months=CURRENT_SCREENING_POLICY.approval_validity_months),
        total_units=sum(by_chip.values()),
        total_tpp=sum(chips[chip_id].tpp * units for chip_id, units in by_chip.items()),
        issued_by=actor, issued_at=now,
    )
    licence.number = f"CGL-{valid_from.year}-{licence.pk:06d}"
    Licence.objects.filter(pk=licence.pk).update(number=licence.number)
    LicenceLine.objects.bulk_create(
        LicenceLine(licence=licence, chip_id=chip_id, approved=units) for chip_id, units in by_chip.items()
    )
    event = audit.licence_event_append(
        licence=licence, action="issue", from_status="", to_status=licence.status, actor=actor,
        actor_role=Role.SENIOR_REVIEWER if roles.is_senior_reviewer(actor) else Role.REVIEWER,
        comment=conditions, payload={"request": import_request.reference, "number": licence.number,
                                     "lines": {chips[chip_id].slug: units for chip_id, units in by_chip.items()}},
    )
    notifications.notify_licence_event(event)
    return licence


# The licence's transition service ----------------------------------------------------------------------------

def lock_licence(licence_id: int) -> Licence:
    try:
        return Licence.objects.select_for_update().select_related("holder").get(pk=licence_id)
    except Licence.DoesNotExist as exc:
        raise WorkflowError(WorkflowError.NOT_FOUND, "No such licence.") from exc


def _reason(payload: dict, *, required: bool) -> str:
    value = payload.get("reason", "")
    if not isinstance(value, str):
        raise invalid({"reason": ["The reason must be text."]})
    value = value.strip()
    if required and not value:
        raise invalid({"reason": ["Give the reason; the holder is told it."]})
    if len(value) > FILING_LIMITS.max_text_length:
        raise invalid({"reason": [f"The reason must be at most {FILING_LIMITS.max_text_length:,} characters."]})
    return value


def licence_guard_refusal(licence: Licence, actor, action: str) -> WorkflowError | None:
    """What keeps a move of the licence from being made, beyond state and role."""
    if action == "reinstate" and actor is not None and licence.suspended_by_id == actor.pk:
        return WorkflowError(WorkflowError.FORBIDDEN, (
            "Two-person rule: you suspended this licence, so another senior reviewer must reinstate it."
        ))
    if action == "expire" and licence.valid_until >= clock.today():
        return WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "The licence is still valid.")
    if action == "exhaust" and licence.lines.exclude(shipped__gte=F("approved")).exists():
        return WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "Not everything approved has shipped yet.")
    return None


def _apply_move(licence: Licence, action: str, actor, payload: dict) -> tuple[Licence, object]:
    """The move itself, on a locked licence: checks, state, version, audit event, notifications."""
    move = move_for(action, licence.status, LICENCE_TRANSITIONS)
    if move is None:
        raise WorkflowError(
            WorkflowError.NOT_ALLOWED_IN_STATE,
            f"'{action}' is not possible while the licence is {licence.get_status_display().lower()}.",
        )
    if not roles.actor_has_role(licence.holder_id, actor, move.role):
        raise WorkflowError(WorkflowError.FORBIDDEN, f"Only the {Role(move.role).label.lower()} may "
                                                     f"{move.label.lower()} a licence.")
    refusal = licence_guard_refusal(licence, actor, action)
    if refusal:
        raise refusal
    method = getattr(licence, fsm_method_name(action))
    if not (can_proceed(method) and has_transition_perm(method, actor)):
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, f"'{action}' is not possible now.")
    comment = _reason(payload, required=action in ("suspend", "revoke"))
    from_status = licence.status
    fields = ["status", "version", "updated_at"]
    if action == "suspend":
        licence.suspended_by = actor
        fields.append("suspended_by")
    elif action == "reinstate":
        licence.suspended_by = None
        fields.append("suspended_by")
    method()
    licence.version += 1
    licence.save(update_fields=fields)
    event = audit.licence_event_append(
        licence=licence, action=action, from_status=from_status, to_status=licence.status, actor=actor,
        actor_role=move.role, comment=comment,
    )
    notifications.notify_licence_event(event)
    return licence, event


@reconnecting
@transaction.atomic
def licence_transition(*, licence_id: int, action: str, actor, payload: dict | None = None) -> Licence:
    """Every move of a licence (suspend, reinstate, revoke, surrender, expire, exhaust): lock, re-check state,
    role and guard, save, audit, notify; ``actor`` is None for the system."""
    if action not in {move.action for move in LICENCE_TRANSITIONS}:
        actions = ", ".join(dict.fromkeys(move.action for move in LICENCE_TRANSITIONS))
        raise invalid({"action": [f"Unknown action '{action}'. Actions: {actions}."]})
    payload = payload or {}
    if not isinstance(payload, dict):
        raise invalid({"payload": ["The payload must be an object."]})
    licence, _ = _apply_move(lock_licence(licence_id), action, actor, payload)
    return licence


def licence_available_actions(*, licence: Licence, user) -> list[str]:
    """What this user may do to the licence now (state, role and payload-free guards)."""
    actions = []
    for action in dict.fromkeys(move.action for move in LICENCE_TRANSITIONS):
        move = move_for(action, licence.status, LICENCE_TRANSITIONS)
        if (move and move.role != Role.SYSTEM and roles.actor_has_role(licence.holder_id, user, move.role)
                and not licence_guard_refusal(licence, user, action)):
            actions.append(action)
    return actions


# Shipments ---------------------------------------------------------------------------------------------------

def _shipment_lines(licence_lines: dict[str, LicenceLine], lines) -> dict[str, int]:
    """Quantity per chip slug, checked: errors are keyed ``lines.<n>.<field>``."""
    if not isinstance(lines, list) or not lines:
        raise invalid({"lines": [gettext("Give at least one line: a chip of the licence and a quantity.")]})
    errors: dict[str, list[str]] = {}
    quantities: dict[str, int] = {}
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        if not isinstance(line, dict):
            errors[where] = ["Each line needs chip and quantity."]
            continue
        slug, quantity = line.get("chip"), line.get("quantity")
        if not isinstance(slug, str) or slug not in licence_lines:
            on_licence = ", ".join(licence_lines)
            errors[f"{where}.chip"] = [f"'{str(slug)[:64]}' is not a chip of this licence ({on_licence})."]
        elif slug in quantities:
            errors[f"{where}.chip"] = [f"{slug} is named twice; give one line per chip."]
        if isinstance(quantity, str) and quantity.strip().isascii() and quantity.strip().isdigit():
            quantity = int(quantity.strip())
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            errors[f"{where}.quantity"] = [gettext("The quantity must be a whole number, 1 or more.")]
        elif quantity > FILING_LIMITS.max_line_quantity:
            errors[f"{where}.quantity"] = [gettext("The quantity must be at most %(limit)s.") % {
                "limit": f"{FILING_LIMITS.max_line_quantity:,}"}]
        if not any(key.startswith(f"{where}.") or key == where for key in errors):
            quantities[slug] = quantity
    if errors:
        raise invalid(errors)
    return quantities


def _shipped_on(value) -> date:
    if isinstance(value, date):
        shipped_on = value
    else:
        try:
            shipped_on = date.fromisoformat(str(value or ""))
        except ValueError as exc:
            raise invalid({"shipped_on": [gettext("Give the shipping date as YYYY-MM-DD.")]}) from exc
    if shipped_on > clock.today():
        raise invalid({"shipped_on": [
            gettext("A shipment is recorded once it has shipped: the date is in the future.")]})
    return shipped_on


def _reference(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid({"reference": [gettext("Give the invoice or bill-of-lading number.")]})
    if len(value.strip()) > 128:
        raise invalid({"reference": [gettext("The reference must be at most 128 characters.")]})
    return value.strip()


@reconnecting
@transaction.atomic
def shipment_record(*, licence_id: int, actor, shipped_on, reference, lines, uploaded_file=None) -> Shipment:
    """Record chips shipped against a licence: refused with 409 ``licence_not_active`` unless the licence is
    active and valid today, and with 409 ``exceeds_licence`` when any chip's quantity exceeds what remains.
    The licence's row lock serialises concurrent shipments; the last unit shipped exhausts the licence.
    Opens the shipment's end-use report."""
    licence = lock_licence(licence_id)
    require_filer(actor, licence.holder_id)
    today = clock.today()
    if licence.status not in SHIPPABLE or not licence.valid_from <= today <= licence.valid_until:
        state = (gettext(licence.get_status_display()).lower() if licence.status not in SHIPPABLE
                 else gettext("valid from %(start)s to %(end)s") % {
                     "start": licence.valid_from, "end": licence.valid_until})
        raise WorkflowError(WorkflowError.LICENCE_NOT_ACTIVE,
                            gettext("Licence %(licence)s is %(state)s: nothing may ship under it now.") % {
                                "licence": licence, "state": state})
    licence_lines = {line.chip.slug: line for line in licence.lines.select_related("chip")}
    quantities = _shipment_lines(licence_lines, lines)
    shipped_on = _shipped_on(shipped_on)
    reference = _reference(reference)
    over = [gettext("%(chip)s: %(asked)s asked, %(left)s left") % {
                "chip": slug, "asked": f"{quantity:,}", "left": f"{licence_lines[slug].remaining:,}"}
            for slug, quantity in quantities.items() if quantity > licence_lines[slug].remaining]
    if over:
        raise WorkflowError(WorkflowError.EXCEEDS_LICENCE,
                            gettext("The shipment exceeds what licence %(licence)s has left (%(over)s).") % {
                                "licence": licence, "over": "; ".join(over)})
    shipment = Shipment.objects.create(licence=licence, shipped_on=shipped_on, reference=reference,
                                       recorded_by=actor, units=sum(quantities.values()))
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, chip=licence_lines[slug].chip, quantity=quantity)
        for slug, quantity in quantities.items()
    )
    for slug, quantity in quantities.items():
        line = licence_lines[slug]
        line.shipped += quantity
    LicenceLine.objects.bulk_update([licence_lines[slug] for slug in quantities], ["shipped"])
    report = EndUseReport.objects.create(
        licence=licence, holder_id=licence.holder_id, shipment=shipment,
        due_on=shipped_on + timedelta(days=CURRENT_SCREENING_POLICY.end_use_report_days),
    )
    if uploaded_file is not None:
        document_store(import_request=licence.import_request, actor=actor, uploaded_file=uploaded_file,
                       shipment=shipment)
    licence.version += 1
    licence.save(update_fields=["version", "updated_at"])
    event = audit.licence_event_append(
        licence=licence, action="ship", from_status=licence.status, to_status=licence.status, actor=actor,
        actor_role=Role.APPLICANT, comment=reference,
        payload={"shipment": str(shipment.public_id), "shipped_on": shipped_on.isoformat(), "lines": quantities,
                 "end_use_report_due": report.due_on.isoformat()},
    )
    notifications.notify_licence_event(event)
    if all(line.remaining == 0 for line in licence_lines.values()):
        _apply_move(licence, "exhaust", None, {})
    return shipment


# End-use reports ---------------------------------------------------------------------------------------------

def lock_report(report_id: int) -> EndUseReport:
    try:
        report = EndUseReport.objects.select_related("licence", "shipment").get(pk=report_id)
    except EndUseReport.DoesNotExist as exc:
        raise WorkflowError(WorkflowError.NOT_FOUND, "No such end-use report.") from exc
    lock_licence(report.licence_id)  # reports of one licence are written one at a time
    report.refresh_from_db()
    return report


def _text(value, field: str, label: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid({field: [gettext("%(label)s is required.") % {"label": gettext(label)}]})
    if len(value.strip()) > limit:
        raise invalid({field: [gettext("%(label)s must be at most %(limit)s characters.") % {
            "label": gettext(label), "limit": f"{limit:,}"}]})
    return value.strip()


@reconnecting
@transaction.atomic
def end_use_report_file(*, report_id: int, actor, installed_units, site, use, uploaded_file=None) -> EndUseReport:
    """The holder says where the shipment's chips are installed and what they do."""
    report = lock_report(report_id)
    licence = report.licence
    require_filer(actor, licence.holder_id)
    if report.state not in REPORTABLE:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE,
                            gettext("This end-use report is %(state)s: it was filed already.") % {
                                "state": gettext(report.get_state_display()).lower()})
    if isinstance(installed_units, str) and installed_units.strip().isascii() and installed_units.strip().isdigit():
        installed_units = int(installed_units.strip())
    if isinstance(installed_units, bool) or not isinstance(installed_units, int) or installed_units < 0:
        raise invalid({"installed_units": [gettext("Give the number of units installed, 0 or more.")]})
    if installed_units > report.shipment.units:
        raise invalid({"installed_units": [
            gettext("The shipment carried %(units)s units; no more can be installed from it.") % {
                "units": f"{report.shipment.units:,}"}]})
    report.installed_units = installed_units
    report.site = _text(site, "site", gettext_noop("The site"), 255)
    report.use = _text(use, "use", gettext_noop("What the chips are used for"), FILING_LIMITS.max_text_length)
    report.state, report.filed_by, report.filed_at = EndUseReport.State.FILED, actor, timezone.now()
    report.save(update_fields=["installed_units", "site", "use", "state", "filed_by", "filed_at"])
    if uploaded_file is not None:
        document_store(import_request=licence.import_request, actor=actor, uploaded_file=uploaded_file,
                       end_use_report=report)
    _reports_flag(licence)
    licence.version += 1
    licence.save(update_fields=["version", "updated_at", "flags"])
    event = audit.licence_event_append(
        licence=licence, action="report", from_status=licence.status, to_status=licence.status, actor=actor,
        actor_role=Role.APPLICANT, comment=report.use,
        payload={"report": str(report.public_id), "shipment": str(report.shipment.public_id),
                 "installed_units": installed_units, "site": report.site},
    )
    notifications.notify_licence_event(event)
    return report


def _reviewer_role(actor) -> str:
    if not roles.is_reviewer(actor):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only reviewers decide on end-use reports.")
    return Role.SENIOR_REVIEWER if roles.is_senior_reviewer(actor) else Role.REVIEWER


@reconnecting
@transaction.atomic
def end_use_report_accept(*, report_id: int, actor) -> EndUseReport:
    report = lock_report(report_id)
    role = _reviewer_role(actor)
    if report.state != EndUseReport.State.FILED:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "Only a filed report can be accepted.")
    report.state, report.decided_by, report.decided_at = EndUseReport.State.ACCEPTED, actor, timezone.now()
    report.save(update_fields=["state", "decided_by", "decided_at"])
    licence = lock_licence(report.licence_id)
    licence.version += 1
    licence.save(update_fields=["version", "updated_at"])
    event = audit.licence_event_append(
        licence=licence, action="accept_report", from_status=licence.status, to_status=licence.status,
        actor=actor, actor_role=role, payload={"report": str(report.public_id)},
    )
    notifications.notify_licence_event(event)
    return report


@reconnecting
@transaction.atomic
def end_use_report_follow_up(*, report_id: int, actor, question, due_on=None) -> EndUseReport:
    """A reviewer asks more about a filed report: it is due again, with the question, by a new date."""
    report = lock_report(report_id)
    role = _reviewer_role(actor)
    if report.state != EndUseReport.State.FILED:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "Only a filed report can be followed up.")
    question = _text(question, "question", "The question", FILING_LIMITS.max_text_length)
    if due_on in (None, ""):
        due_on = clock.add_working_days(clock.today(), CURRENT_SCREENING_POLICY.information_due_working_days,
                                        clock.holidays())
    elif not isinstance(due_on, date):
        try:
            due_on = date.fromisoformat(str(due_on))
        except ValueError as exc:
            raise invalid({"due_on": ["Give a date as YYYY-MM-DD."]}) from exc
    if due_on <= clock.today():
        raise invalid({"due_on": ["The new due date must be after today."]})
    report.state, report.due_on, report.follow_up_question = EndUseReport.State.DUE, due_on, question
    report.decided_by, report.decided_at = actor, timezone.now()
    report.save(update_fields=["state", "due_on", "follow_up_question", "decided_by", "decided_at"])
    licence = lock_licence(report.licence_id)
    licence.version += 1
    licence.save(update_fields=["version", "updated_at"])
    event = audit.licence_event_append(
        licence=licence, action="follow_up", from_status=licence.status, to_status=licence.status, actor=actor,
        actor_role=role, comment=question, payload={"report": str(report.public_id), "due_on": due_on.isoformat()},
    )
    notifications.notify_licence_event(event)
    return report


OVERDUE_FLAG = "end_use_report_overdue"


def _reports_flag(licence: Licence) -> None:
    """The licence carries the overdue flag while any of its reports is overdue."""
    overdue = licence.end_use_reports.filter(state=EndUseReport.State.OVERDUE).exists()
    flags = [flag for flag in licence.flag_list if flag != OVERDUE_FLAG] + ([OVERDUE_FLAG] if overdue else [])
    licence.flags = " ".join(flags)


@reconnecting
@transaction.atomic
def end_use_report_mark_overdue(*, report_id: int) -> bool:
    """A due report past its date becomes overdue, flags its licence, and the holder and reviewers hear of it."""
    report = lock_report(report_id)
    if report.state != EndUseReport.State.DUE or report.due_on >= clock.today():
        return False
    report.state = EndUseReport.State.OVERDUE
    report.save(update_fields=["state"])
    licence = lock_licence(report.licence_id)
    _reports_flag(licence)
    licence.version += 1
    licence.save(update_fields=["flags", "version", "updated_at"])
    event = audit.licence_event_append(
        licence=licence, action="report_overdue", from_status=licence.status, to_status=licence.status,
        actor=None, actor_role=Role.SYSTEM, payload={"report": str(report.public_id),
                                                     "due_on": report.due_on.isoformat()},
    )
    notifications.notify_licence_event(event)
    return True


# Periodic work -----------------------------------------------------------------------------------------------

def licences_to_expire() -> list[int]:
    return list(Licence.objects.filter(
        status__in=(LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED), valid_until__lt=clock.today()
    ).values_list("pk", flat=True))


def end_use_reports_past_due() -> list[int]:
    return list(EndUseReport.objects.filter(state=EndUseReport.State.DUE, due_on__lt=clock.today())
                .values_list("pk", flat=True))
