"""Writes of the workflow: drafts, documents, the one transition service, case events and screening."""
import hashlib
import logging
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from approvals import audit, roles, screening
from approvals.errors import WorkflowError, invalid
from approvals.models import (
    MAX_LINE_QUANTITY,
    MIN_PURPOSE_LENGTH,
    Assessment,
    Document,
    ImportRequest,
    InformationRequest,
    PurposeCategory,
    Recommendation,
    RequestLine,
)
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.selectors import rolling_totals
from approvals.states import IN_REVIEW, Role, Status, Tier, fsm_method_name, move_for
from approvals.validators import MAX_DOCUMENT_BYTES, sniff_document_type
from approvals.working_days import add_working_days, working_days_between
from chips.models import ChipModel, FrameworkStatus

logger = logging.getLogger(__name__)

DRAFT_FIELDS = (
    "purpose_category", "purpose_statement", "end_user", "deployment_site", "attest_no_reexport",
    "attest_no_military_end_use", "training_parameters", "training_tokens", "training_days",
)
REJECTION_REASONS = {
    "insufficient_purpose": "The stated purpose is not specific enough",
    "domestic_alternative": "Domestic accelerators can serve the stated use",
    "over_provisioned": "The order exceeds what the stated purpose needs",
    "end_user_concern": "Concern about the end user or deployment site",
    "cap_exceeded": "The customer cap would be exceeded",
    "incomplete_documents": "Documents are missing or inconsistent",
    "other": "Other (see the reason)",
}
MAX_TEXT = 10_000


def holidays() -> frozenset[date]:
    return frozenset(settings.CHIPGATE_HOLIDAYS)


def today() -> date:
    return timezone.localdate()


def _enqueue(task_name: str, *args) -> None:
    """Send a task after commit; a broker that is down is logged, and the periodic sweep catches up."""
    from approvals import tasks

    def send() -> None:
        getattr(tasks, task_name).delay(*args)

    transaction.on_commit(send, robust=True)


# Drafts -----------------------------------------------------------------------------------------

def _clean_draft_fields(data: dict) -> dict:
    unknown = sorted(set(data) - set(DRAFT_FIELDS))
    if unknown:
        raise invalid({name: ["Unknown field."] for name in unknown})
    return data


def _clean_lines(lines: list[dict]) -> list[RequestLine]:
    if not isinstance(lines, list):
        raise invalid({"lines": ["Give the lines as a list."]})
    slugs = {str(line.get("chip", "")) for line in lines if isinstance(line, dict)}
    chips = {chip.slug: chip for chip in ChipModel.objects.filter(slug__in=slugs)}
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        if not isinstance(line, dict):
            errors[where] = ["Each line needs chip, quantity and unit_price_usd."]
            continue
        chip = chips.get(str(line.get("chip", "")))
        if chip is None:
            errors[f"{where}.chip"] = [f"Unknown chip '{line.get('chip', '')}'. Choose one from the catalog."]
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int | str):
            quantity = None
        try:
            quantity = int(quantity) if quantity is not None else None
        except ValueError:
            quantity = None
        if quantity is None:
            errors[f"{where}.quantity"] = ["Quantity must be a whole number."]
        elif not 1 <= quantity <= MAX_LINE_QUANTITY:
            errors[f"{where}.quantity"] = [f"Quantity must be between 1 and {MAX_LINE_QUANTITY:,}."]
        price = line.get("unit_price_usd")
        try:
            price = Decimal(str(price)) if price is not None and not isinstance(price, bool) else None
        except InvalidOperation:
            price = None
        if price is None or not price.is_finite():
            errors[f"{where}.unit_price_usd"] = ["Unit price must be a number in USD."]
        elif price <= 0:
            errors[f"{where}.unit_price_usd"] = ["Unit price must be positive."]
        elif price != price.quantize(Decimal("0.01")) or price >= Decimal("1e10"):
            errors[f"{where}.unit_price_usd"] = ["Unit price must have at most 2 decimals and 10 digits."]
        if not any(key.startswith(where) for key in errors):
            cleaned.append(RequestLine(chip=chip, quantity=quantity, unit_price_usd=price))
    if errors:
        raise invalid(errors)
    return cleaned


def _validate_request(request: ImportRequest) -> None:
    try:
        request.full_clean(
            exclude=[field.name for field in ImportRequest._meta.fields if field.name not in DRAFT_FIELDS],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict) from exc


def _apply_totals(request: ImportRequest, lines: list[RequestLine]) -> None:
    request.total_units = sum(line.quantity for line in lines)
    request.total_tpp = sum(line.chip.tpp * line.quantity for line in lines)


def _require_filer(actor, company_id: int) -> None:
    if not roles.is_filer_for(actor, company_id):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only a filing member of the company can change its requests.")


@transaction.atomic
def request_create(*, actor, data: dict, lines: list[dict] | None = None) -> ImportRequest:
    """A new draft for the actor's company, with its lines; audited as the first event."""
    membership = roles.membership_of(actor)
    if membership is None:
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only a member of a company can file requests.")
    _require_filer(actor, membership.company_id)
    request = ImportRequest(company_id=membership.company_id, created_by=actor, **_clean_draft_fields(data))
    cleaned_lines = _clean_lines(lines or [])
    _validate_request(request)
    _apply_totals(request, cleaned_lines)
    request.save()
    request.reference = f"IR-{request.created_at.year}-{request.pk:06d}"
    ImportRequest.objects.filter(pk=request.pk).update(reference=request.reference)
    for line in cleaned_lines:
        line.request = request
    RequestLine.objects.bulk_create(cleaned_lines)
    audit.event_append(
        request=request, action="create", from_status="", to_status=Status.DRAFT, actor=actor,
        actor_role=Role.APPLICANT, payload={"lines": len(cleaned_lines)},
    )
    return request


def _lock(request_id: int) -> ImportRequest:
    try:
        return ImportRequest.objects.select_for_update().select_related("company").get(pk=request_id)
    except ImportRequest.DoesNotExist as exc:
        raise WorkflowError(WorkflowError.NOT_FOUND, "No such request.") from exc


def _require_draft(request: ImportRequest, what: str) -> None:
    if request.status != Status.DRAFT:
        raise WorkflowError(
            WorkflowError.NOT_ALLOWED_IN_STATE,
            f"The request is {request.get_status_display().lower()}: its {what} was frozen at submission.",
        )


@transaction.atomic
def request_update(*, request_id: int, actor, data: dict, lines: list[dict] | None = None) -> ImportRequest:
    """Change a draft's declaration and, when given, replace its lines; refused once submitted."""
    request = _lock(request_id)
    _require_filer(actor, request.company_id)
    _require_draft(request, "declared content")
    for field, value in _clean_draft_fields(data).items():
        setattr(request, field, value)
    _validate_request(request)
    changed = list(data)
    if lines is not None:
        cleaned_lines = _clean_lines(lines)
        request.lines.all().delete()
        for line in cleaned_lines:
            line.request = request
        RequestLine.objects.bulk_create(cleaned_lines)
        _apply_totals(request, cleaned_lines)
        changed += ["total_units", "total_tpp"]
    request.version = F("version") + 1
    request.save(update_fields=[*changed, "version", "updated_at"])
    audit.event_append(
        request=request, action="edit", from_status=request.status, to_status=request.status, actor=actor,
        actor_role=Role.APPLICANT, payload={"fields": sorted(data), "lines_replaced": lines is not None},
    )
    request.refresh_from_db()
    return request


@transaction.atomic
def document_attach(*, request_id: int, actor, uploaded_file, information_request_id: int | None = None) -> Document:
    """Store an uploaded PDF, PNG or JPEG under a random name; checked by content and size."""
    request = _lock(request_id)
    _require_filer(actor, request.company_id)
    if request.status not in (Status.DRAFT, Status.INFORMATION_REQUESTED):
        raise WorkflowError(
            WorkflowError.NOT_ALLOWED_IN_STATE,
            "Documents can be added to a draft, or with an answer to a request for information.",
        )
    name = (getattr(uploaded_file, "name", "") or "document").rsplit("/", 1)[-1][:255]
    if uploaded_file.size > MAX_DOCUMENT_BYTES:
        raise invalid({"file": [f"'{name}' is {uploaded_file.size / 2**20:.1f} MB; the limit is 10 MB."]})
    uploaded_file.seek(0)
    content_type = sniff_document_type(uploaded_file.read(16))
    if content_type is None:
        raise invalid({"file": [f"'{name}' is not a PDF, PNG or JPEG file (checked by its content)."]})
    uploaded_file.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    document = Document(
        request=request, information_request_id=information_request_id, original_name=name,
        content_type=content_type, size=uploaded_file.size, sha256=digest.hexdigest(), uploaded_by=actor,
    )
    document.file.save("upload", uploaded_file, save=False)
    document.save()
    ImportRequest.objects.filter(pk=request.pk).update(version=F("version") + 1, updated_at=timezone.now())
    audit.event_append(
        request=request, action="attach_document", from_status=request.status, to_status=request.status,
        actor=actor, actor_role=Role.APPLICANT,
        payload={"document": document.pk, "name": name, "sha256": document.sha256, "size": document.size},
    )
    return document


# The transition service --------------------------------------------------------------------------

def submit_problems(request: ImportRequest, lines: list[RequestLine]) -> dict[str, list[str]]:
    """What keeps a draft from being submitted, per field, in words for the applicant."""
    problems: dict[str, list[str]] = {}
    if not lines:
        problems["lines"] = ["Add at least one line: a chip, a quantity and a unit price."]
    for index, line in enumerate(lines):
        if line.chip.framework_status != FrameworkStatus.ELIGIBLE:
            problems[f"lines.{index}.chip"] = [
                f"{line.chip} is {line.chip.get_framework_status_display().lower()}: only chips eligible under "
                "the approved-customer framework can be imported."
            ]
    statement = (request.purpose_statement or "").strip()
    if len(statement) < MIN_PURPOSE_LENGTH:
        problems["purpose_statement"] = [
            f"Describe the purpose in at least {MIN_PURPOSE_LENGTH} characters ({len(statement)} so far): what "
            "will run on the chips, for whom, and why domestic accelerators do not meet the need."
        ]
    if not request.end_user.strip():
        problems["end_user"] = ["Name the end user."]
    if not request.deployment_site.strip():
        problems["deployment_site"] = ["Give the deployment site (address of the data centre)."]
    if not request.attest_no_reexport:
        problems["attest_no_reexport"] = ["Attest that the chips will not be re-exported."]
    if not request.attest_no_military_end_use:
        problems["attest_no_military_end_use"] = ["Attest that there is no military end use."]
    if request.purpose_category == PurposeCategory.MODEL_TRAINING:
        for field, words in (
            ("training_parameters", "the model size in parameters"),
            ("training_tokens", "the number of training tokens"),
            ("training_days", "the planned training duration in days"),
        ):
            if not getattr(request, field):
                problems[field] = [f"For model training, declare {words}."]
    return problems


def _text(payload: dict, field: str, *, required: bool, label: str) -> str:
    value = payload.get(field, "")
    if not isinstance(value, str):
        raise invalid({field: [f"{label} must be text."]})
    value = value.strip()
    if required and not value:
        raise invalid({field: [f"{label} is required."]})
    if len(value) > MAX_TEXT:
        raise invalid({field: [f"{label} must be at most {MAX_TEXT:,} characters."]})
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


def guard_refusal(request: ImportRequest, actor, action: str) -> tuple[str, str] | None:
    """Payload-independent guards beyond state and role: (error code, reason for a person), or None."""
    if action == "approve" and request.status == Status.UNDER_REVIEW and request.tier != Tier.STANDARD:
        return WorkflowError.FORBIDDEN, (
            "This is a senior-tier case: escalate it with a recommendation; a senior reviewer signs it off."
        )
    if action in ("approve", "reject") and request.status == Status.SENIOR_REVIEW and actor is not None \
            and request.escalated_by_id == actor.pk:
        return WorkflowError.FORBIDDEN, (
            "Two-person rule: you escalated this case, so another senior reviewer must decide it."
        )
    if action == "lapse" and not request.information_requests.filter(
        answered_at__isnull=True, due_date__lt=today()
    ).exists():
        return WorkflowError.NOT_ALLOWED_IN_STATE, "The answer is not overdue yet."
    if action == "expire" and (request.valid_until is None or request.valid_until >= today()):
        return WorkflowError.NOT_ALLOWED_IN_STATE, "The approval is still valid."
    return None


def _effects_submit(request, actor, payload, now):
    problems = submit_problems(request, list(request.lines.select_related("chip")))
    if problems:
        raise invalid(problems, "The request cannot be submitted yet.")
    request.submitted_at = now
    _enqueue("screen_request", request.pk)
    return ["submitted_at"], "", {}


def _effects_screen(request, actor, payload, now):
    assessment, _ = _store_assessment(request)
    policy = CURRENT_SCREENING_POLICY
    _apply_assessment(request, assessment)
    request.queue = policy.queues.get(request.purpose_category, "general")
    request.sla_working_days = (
        policy.senior_sla_working_days if assessment.tier == Tier.SENIOR else policy.standard_sla_working_days
    )
    request.sla_due = add_working_days(today(), request.sla_working_days, holidays())
    fields = ["current_assessment", "tier", "risk_score", "flags", "queue", "sla_working_days", "sla_due"]
    return fields, "", {"assessment": assessment.pk, "tier": assessment.tier, "risk_score": assessment.risk_score,
                        "flags": assessment.flags}


def _effects_request_information(request, actor, payload, now):
    question = _text(payload, "question", required=True, label="The question")
    due = _date(payload, "due_date") or add_working_days(
        today(), CURRENT_SCREENING_POLICY.information_due_working_days, holidays()
    )
    if due <= today():
        raise invalid({"due_date": ["The answer's due date must be after today."]})
    info = InformationRequest.objects.create(request=request, question=question, asked_by=actor, due_date=due)
    if request.sla_due is not None:
        request.sla_paused_days_left = working_days_between(today(), request.sla_due, holidays())
    request.sla_due = None
    if request.assignee_id is None:
        request.assignee = actor
    return ["sla_paused_days_left", "sla_due", "assignee"], question, {
        "information_request": info.pk, "due_date": due.isoformat()
    }


def _effects_respond(request, actor, payload, now):
    answer = _text(payload, "answer", required=True, label="The answer")
    info = request.information_requests.filter(answered_at__isnull=True).order_by("-asked_at").first()
    if info is None:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "There is no open question to answer.")
    info.answer, info.answered_by, info.answered_at = answer, actor, now
    info.save(update_fields=["answer", "answered_by", "answered_at"])
    days_left = request.sla_paused_days_left or 0
    request.sla_due = add_working_days(today(), max(days_left, 0), holidays())
    request.sla_paused_days_left = None
    return ["sla_due", "sla_paused_days_left"], answer, {"information_request": info.pk}


def _decide(request, now):
    request.decided_at = now
    return ["decided_at"]


def _effects_approve(request, actor, payload, now):
    conditions = _text(payload, "conditions", required=False, label="Conditions")
    request.conditions = conditions
    months = CURRENT_SCREENING_POLICY.approval_validity_months
    request.valid_until = timezone.localdate(now) + relativedelta(months=months)
    fields = ["conditions", "valid_until", *_decide(request, now)]
    return fields, conditions, {"conditions": conditions, "valid_until": request.valid_until.isoformat()}


def _effects_reject(request, actor, payload, now):
    codes = payload.get("reason_codes")
    if not isinstance(codes, list) or not codes or not all(isinstance(code, str) for code in codes):
        raise invalid({"reason_codes": [f"Give one or more reason codes from: {', '.join(REJECTION_REASONS)}."]})
    unknown = [code for code in codes if code not in REJECTION_REASONS]
    if unknown:
        raise invalid({"reason_codes": [f"Unknown reason code(s): {', '.join(unknown)}."]})
    reason = _text(payload, "reason", required=True, label="The reason")
    return _decide(request, now), reason, {"reason_codes": sorted(set(codes))}


def _effects_escalate(request, actor, payload, now):
    recommendation = payload.get("recommendation")
    if recommendation not in Recommendation.values:
        raise invalid({"recommendation": ["Recommend either 'approve' or 'reject'."]})
    rationale = _text(payload, "rationale", required=True, label="The rationale")
    request.escalated_by, request.recommendation = actor, recommendation
    return ["escalated_by", "recommendation"], rationale, {"recommendation": recommendation}


def _effects_return(request, actor, payload, now):
    comment = _text(payload, "comment", required=True, label="The comment")
    request.escalated_by, request.recommendation = None, ""
    return ["escalated_by", "recommendation"], comment, {}


def _effects_withdraw(request, actor, payload, now):
    return [], _text(payload, "comment", required=False, label="The comment"), {}


def _effects_lapse(request, actor, payload, now):
    return _decide(request, now), "The answer to the request for information is overdue.", {}


def _effects_expire(request, actor, payload, now):
    return [], "The approval's validity has ended.", {}


def _effects_revoke(request, actor, payload, now):
    return [], _text(payload, "reason", required=True, label="The reason"), {}


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
    "expire": _effects_expire,
    "revoke": _effects_revoke,
}


def request_transition(*, request_id: int, action: str, actor, payload: dict | None = None) -> ImportRequest:
    """Every state change: lock, re-check state, role and guard, save, audit, then side effects on commit.

    ``actor`` is a user, or None for the system (worker and beat).
    """
    if action not in EFFECTS:
        raise invalid({"action": [f"Unknown action '{action}'. Actions: {', '.join(EFFECTS)}."]})
    payload = payload or {}
    if not isinstance(payload, dict):
        raise invalid({"payload": ["The payload must be an object."]})
    with transaction.atomic():
        request = _lock(request_id)
        move = move_for(action, request.status)
        if move is None:
            raise WorkflowError(
                WorkflowError.NOT_ALLOWED_IN_STATE,
                f"'{action}' is not possible while the request is {request.get_status_display().lower()}.",
            )
        if not roles.actor_has_role(request, actor, move.role):
            raise WorkflowError(
                WorkflowError.FORBIDDEN, f"Only the {Role(move.role).label.lower()} may {move.label.lower()} here."
            )
        refusal = guard_refusal(request, actor, action)
        if refusal:
            raise WorkflowError(*refusal)
        method = getattr(request, fsm_method_name(action))
        if not (can_proceed(method) and has_transition_perm(method, actor)):
            raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, f"'{action}' is not possible now.")
        from_status = request.status
        now = timezone.now()
        fields, comment, event_payload = EFFECTS[action](request, actor, payload, now)
        method()
        request.version = F("version") + 1
        request.save(update_fields=["status", "version", "updated_at", *fields])
        event = audit.event_append(
            request=request, action=action, from_status=from_status, to_status=request.status, actor=actor,
            actor_role=move.role, comment=comment, payload=event_payload,
        )
        _enqueue("notify_event", event.pk)
    request.refresh_from_db()
    return request


def request_respond(*, request_id: int, actor, answer: str, uploaded_file=None) -> ImportRequest:
    """Answer the open question, optionally with a document: both stand or fall together, and a refused
    answer leaves no stored file behind."""
    document = None
    try:
        with transaction.atomic():
            if uploaded_file is not None:
                question = InformationRequest.objects.filter(
                    request_id=request_id, answered_at__isnull=True
                ).order_by("-asked_at").first()
                if question is None:
                    raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "There is no open question to answer.")
                document = document_attach(request_id=request_id, actor=actor, uploaded_file=uploaded_file,
                                           information_request_id=question.pk)
            return request_transition(request_id=request_id, action="respond", actor=actor,
                                      payload={"answer": answer})
    except Exception:
        if document is not None:
            document.file.delete(save=False)
        raise


# Case events: claiming and assigning change no state, but are locked and audited the same way --------

@transaction.atomic
def request_claim(*, request_id: int, actor) -> ImportRequest:
    request = _lock(request_id)
    if not roles.is_reviewer(actor):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only reviewers can claim cases.")
    if request.status not in (*IN_REVIEW, Status.INFORMATION_REQUESTED):
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "Only cases in review can be claimed.")
    if request.assignee_id == actor.pk:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "You already hold this case.")
    return _set_assignee(request, actor, actor, "claim")


@transaction.atomic
def request_release(*, request_id: int, actor) -> ImportRequest:
    request = _lock(request_id)
    if request.assignee_id is None:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "Nobody holds this case.")
    if request.assignee_id != actor.pk and not roles.is_senior_reviewer(actor):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only the reviewer holding the case, or a senior, can release it.")
    return _set_assignee(request, None, actor, "release")


def _set_assignee(request: ImportRequest, assignee, actor, action: str) -> ImportRequest:
    previous = request.assignee_id
    request.assignee = assignee
    request.version = F("version") + 1
    request.save(update_fields=["assignee", "version", "updated_at"])
    audit.event_append(
        request=request, action=action, from_status=request.status, to_status=request.status, actor=actor,
        actor_role=Role.SENIOR_REVIEWER if roles.is_senior_reviewer(actor) else Role.REVIEWER,
        payload={"assignee": assignee.pk if assignee else None, "previous": previous},
    )
    request.refresh_from_db()
    return request


# Screening ---------------------------------------------------------------------------------------

def _screening_inputs(request: ImportRequest):
    lines = [
        screening.LineInput(
            spec=line.chip.spec, chip_name=str(line.chip), quantity=line.quantity,
            unit_price_usd=line.unit_price_usd, revenue_share_rate=line.chip.revenue_share_rate,
            framework_status=line.chip.framework_status,
        )
        for line in request.lines.select_related("chip")
    ]
    declaration = screening.Declaration(
        purpose_category=request.purpose_category, approved_customer=request.company.approved_customer,
        training_parameters=request.training_parameters, training_tokens=request.training_tokens,
        training_days=request.training_days,
    )
    totals = rolling_totals(company_id=request.company_id, exclude_request_id=request.pk)
    return lines, declaration, screening.RollingTotals(units=totals["units"], tpp=totals["tpp"])


def request_preview(*, request: ImportRequest) -> screening.AssessmentResult:
    """The assessment the request would get now, without storing anything (the portal's preview)."""
    return screening.assess(*_screening_inputs(request))


def _store_assessment(request: ImportRequest) -> tuple[Assessment, bool]:
    result = screening.assess(*_screening_inputs(request))
    return Assessment.objects.get_or_create(
        request=request, input_hash=result.input_hash,
        defaults={
            "policy_version": result.policy_version, "metrics": result.metrics,
            "line_metrics": result.line_metrics, "factors": result.factors_as_data(),
            "risk_score": result.risk_score, "tier": result.tier, "flags": result.flags,
        },
    )


def _apply_assessment(request: ImportRequest, assessment: Assessment) -> None:
    request.current_assessment = assessment
    request.tier, request.risk_score = assessment.tier, assessment.risk_score
    request.flags = " ".join(assessment.flags)


def request_screen(*, request_id: int) -> bool:
    """Score a submitted request and move it to review; True when it moved. Safe to run twice."""
    try:
        request_transition(request_id=request_id, action="screen", actor=None)
    except WorkflowError as exc:
        if exc.code == WorkflowError.NOT_ALLOWED_IN_STATE:
            return False  # already screened (or withdrawn) by the time this run got the lock
        raise
    return True


@transaction.atomic
def request_rescore(*, request_id: int) -> tuple[bool, bool]:
    """Re-score an open request after a catalog or policy change: (new assessment stored, tier changed)."""
    request = _lock(request_id)
    if request.status not in (Status.UNDER_REVIEW, Status.INFORMATION_REQUESTED, Status.SENIOR_REVIEW):
        return False, False
    assessment, created = _store_assessment(request)
    if not created or request.current_assessment_id == assessment.pk:
        return False, False
    previous_tier = request.tier
    _apply_assessment(request, assessment)
    request.version = F("version") + 1
    request.save(update_fields=["current_assessment", "tier", "risk_score", "flags", "version", "updated_at"])
    audit.event_append(
        request=request, action="rescore", from_status=request.status, to_status=request.status, actor=None,
        actor_role=Role.SYSTEM, comment="Re-scored after a catalog or policy change.",
        payload={"assessment": assessment.pk, "tier": assessment.tier, "previous_tier": previous_tier,
                 "risk_score": assessment.risk_score},
    )
    return True, previous_tier != assessment.tier


# Periodic work -------------------------------------------------------------------------------------

def requests_to_lapse() -> list[int]:
    return list(
        ImportRequest.objects.filter(
            status=Status.INFORMATION_REQUESTED,
            information_requests__answered_at__isnull=True,
            information_requests__due_date__lt=today(),
        ).values_list("pk", flat=True).distinct()
    )


def requests_to_expire() -> list[int]:
    return list(
        ImportRequest.objects.filter(status=Status.APPROVED, valid_until__lt=today()).values_list("pk", flat=True)
    )


def requests_stuck_in_submitted(*, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        ImportRequest.objects.filter(status=Status.SUBMITTED, submitted_at__lte=cutoff).values_list("pk", flat=True)
    )


def system_transition_many(*, request_ids: list[int], action: str) -> int:
    """Apply a system move to each request; one that moved on meanwhile is skipped."""
    moved = 0
    for request_id in request_ids:
        try:
            request_transition(request_id=request_id, action=action, actor=None)
            moved += 1
        except WorkflowError as exc:
            logger.info("%s skipped for request %s: %s", action, request_id, exc)
    return moved


# Notifications -------------------------------------------------------------------------------------

def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's unread notifications as read, or all of them; returns how many were marked."""
    from approvals.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
