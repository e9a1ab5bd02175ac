"""Drafts: a company's order before submission, with its lines; every rule on what a line may hold lives here."""
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from approvals import audit, roles
from approvals.errors import WorkflowError, invalid
from approvals.models import ImportRequest, RequestLine
from approvals.policy import FILING_LIMITS
from approvals.services.common import lock_import_request, reconnecting, require_filer
from approvals.states import Role, Status
from chips.models import ChipModel

DRAFT_FIELDS = (
    "purpose_category", "purpose_statement", "end_user", "consignee", "deployment_site", "attest_no_reexport",
    "attest_no_military_end_use", "training_parameters", "training_active_parameters", "training_tokens",
    "training_days", "training_precision", "inference_active_parameters", "inference_peak_tokens_per_second",
    "planned_peak_utilisation",
)
LINE_FIELDS = ("chip", "quantity", "unit_price_usd")
# Digits as people type them in forms and JSON: ASCII only (int() would also take '١٢' or '²'-like forms).
WHOLE_NUMBER = re.compile(r"[0-9]+")
DECIMAL_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _clean_draft_fields(data: dict) -> dict:
    unknown = sorted(set(data) - set(DRAFT_FIELDS))
    if unknown:
        raise invalid({name: ["Unknown field."] for name in unknown})
    return data


def _quantity(value) -> tuple[int | None, str]:
    limit = FILING_LIMITS.max_line_quantity
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None, gettext("Quantity must be a whole number.")
    if not 1 <= number <= limit:
        return None, gettext("Quantity must be between 1 and %(limit)s.") % {"limit": f"{limit:,}"}
    return number, ""


def _unit_price(value) -> tuple[Decimal | None, str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        price = Decimal(str(value))  # a JSON number
    elif isinstance(value, str) and DECIMAL_NUMBER.fullmatch(value.strip()):
        price = Decimal(value.strip())
    else:
        return None, gettext("Unit price must be a number in USD, such as 32000.00.")
    if not price.is_finite():
        return None, gettext("Unit price must be a number in USD, such as 32000.00.")
    if price <= 0:
        return None, gettext("Unit price must be positive.")
    if price > FILING_LIMITS.max_unit_price_usd or price != price.quantize(Decimal("0.01")):
        return None, gettext("Unit price must have at most 2 decimals and be at most %(limit)s.") % {
            "limit": f"{FILING_LIMITS.max_unit_price_usd:,}"}
    return price, ""


def clean_lines(lines) -> list[RequestLine]:
    """Lines as given by a form or a JSON body, checked; errors are keyed ``lines.<index>.<field>``."""
    if not isinstance(lines, list):
        raise invalid({"lines": ["Give the lines as a list."]})
    if len(lines) > FILING_LIMITS.max_lines:
        raise invalid({"lines": [f"An order has at most {FILING_LIMITS.max_lines} lines."]})
    slugs = {line.get("chip") for line in lines if isinstance(line, dict) and isinstance(line.get("chip"), str)}
    chips = {chip.slug: chip for chip in ChipModel.objects.filter(slug__in=slugs)}
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        if not isinstance(line, dict):
            errors[where] = ["Each line needs chip, quantity and unit_price_usd."]
            continue
        unknown = sorted(set(line) - set(LINE_FIELDS))
        for name in unknown:
            errors[f"{where}.{name}"] = ["Unknown field."]
        slug = line.get("chip")
        chip = chips.get(slug) if isinstance(slug, str) else None
        if chip is None:
            errors[f"{where}.chip"] = (
                [gettext("Choose a chip from the catalog.")] if slug in (None, "") or not isinstance(slug, str)
                else [gettext("Unknown chip '%(chip)s'. Choose one from the catalog.") % {"chip": slug[:64]}]
            )
        quantity, problem = _quantity(line.get("quantity"))
        if problem:
            errors[f"{where}.quantity"] = [problem]
        price, problem = _unit_price(line.get("unit_price_usd"))
        if problem:
            errors[f"{where}.unit_price_usd"] = [problem]
        if not any(key.startswith(f"{where}.") for key in errors):
            cleaned.append(RequestLine(chip=chip, quantity=quantity, unit_price_usd=price))
    if errors:
        raise invalid(errors)
    return cleaned


def _validate_declaration(import_request: ImportRequest) -> None:
    try:
        import_request.full_clean(
            exclude=[field.name for field in ImportRequest._meta.fields if field.name not in DRAFT_FIELDS],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as exc:
        raise invalid(exc.message_dict) from exc


def _apply_totals(import_request: ImportRequest, lines: list[RequestLine]) -> None:
    import_request.total_units = sum(line.quantity for line in lines)
    import_request.total_tpp = sum(line.chip.tpp * line.quantity for line in lines)


@reconnecting
@transaction.atomic
def request_create(*, actor, data: dict, lines: list[dict] | None = None) -> ImportRequest:
    """A new draft for the actor's company, with its lines; audited as the first event."""
    membership = roles.membership_of(actor)
    if membership is None:
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only a member of a company can file requests.")
    require_filer(actor, membership.company_id)
    import_request = ImportRequest(company_id=membership.company_id, created_by=actor, **_clean_draft_fields(data))
    cleaned_lines = clean_lines(lines or [])
    _validate_declaration(import_request)
    _apply_totals(import_request, cleaned_lines)
    import_request.save()
    import_request.reference = f"IR-{import_request.created_at.year}-{import_request.pk:06d}"
    ImportRequest.objects.filter(pk=import_request.pk).update(reference=import_request.reference)
    for line in cleaned_lines:
        line.import_request = import_request
    RequestLine.objects.bulk_create(cleaned_lines)
    audit.event_append(
        import_request=import_request, action="create", from_status="", to_status=Status.DRAFT, actor=actor,
        actor_role=Role.APPLICANT, payload={"lines": len(cleaned_lines)},
    )
    return import_request


def require_draft(import_request: ImportRequest, what: str) -> None:
    if import_request.status != Status.DRAFT:
        raise WorkflowError(
            WorkflowError.NOT_ALLOWED_IN_STATE,
            f"The request is {import_request.get_status_display().lower()}: its {what} was frozen at submission.",
        )


def _line_values(lines) -> list[tuple[str, int, Decimal]]:
    return [(line.chip.slug, line.quantity, line.unit_price_usd) for line in lines]


@reconnecting
@transaction.atomic
def request_update(*, import_request_id: int, actor, data: dict, lines: list[dict] | None = None) -> ImportRequest:
    """Change a draft's declaration and, when given, replace its lines; refused once submitted.

    Only what differs is written: a call that changes nothing leaves the version and the trail alone.
    """
    import_request = lock_import_request(import_request_id)
    require_filer(actor, import_request.company_id)
    require_draft(import_request, "declared content")
    cleaned = _clean_draft_fields(data)
    changed = [field for field, value in cleaned.items() if getattr(import_request, field) != value]
    for field in changed:
        setattr(import_request, field, cleaned[field])
    _validate_declaration(import_request)
    lines_replaced = False
    if lines is not None:
        cleaned_lines = clean_lines(lines)
        if _line_values(cleaned_lines) != _line_values(import_request.lines.select_related("chip")):
            import_request.lines.all().delete()
            for line in cleaned_lines:
                line.import_request = import_request
            RequestLine.objects.bulk_create(cleaned_lines)
            _apply_totals(import_request, cleaned_lines)
            lines_replaced = True
    if not changed and not lines_replaced:
        return import_request
    import_request.version += 1  # the row is locked: no one else can have moved it on
    totals = ["total_units", "total_tpp"] if lines_replaced else []
    import_request.save(update_fields=[*changed, *totals, "version", "updated_at"])
    audit.event_append(
        import_request=import_request, action="edit", from_status=import_request.status,
        to_status=import_request.status, actor=actor, actor_role=Role.APPLICANT,
        payload={"fields": sorted(changed), "lines_replaced": lines_replaced},
    )
    return import_request
