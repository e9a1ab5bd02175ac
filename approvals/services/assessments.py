"""Assessments: the screening code run on a request's stored lines and declaration, stored once per input."""
from approvals import screening
from approvals.models import Assessment, ImportRequest
from approvals.selectors import open_exposure, rolling_totals
from approvals.sizing import SizingInput


def line_inputs(lines) -> list[screening.LineInput]:
    """Request lines (with their chips) as the screening code reads them."""
    return [
        screening.LineInput(
            spec=line.chip.spec, chip_name=str(line.chip), quantity=line.quantity,
            unit_price_usd=line.unit_price_usd, revenue_share_rate=line.chip.revenue_share_rate,
            framework_status=line.chip.framework_status, revenue_share_basis=line.chip.framework_basis,
        )
        for line in lines
    ]


def _screening_inputs(import_request: ImportRequest):
    lines = line_inputs(import_request.lines.select_related("chip"))
    declaration = screening.Declaration(
        purpose_category=import_request.purpose_category,
        approved_customer=import_request.company.is_approved_customer(),
        sizing=SizingInput(precision=import_request.training_precision,
                           **{field: getattr(import_request, field) for field in SIZING_FIELDS}),
    )
    totals = rolling_totals(company_id=import_request.company_id, exclude_import_request_id=import_request.pk)
    exposure = open_exposure(company_id=import_request.company_id, exclude_import_request_id=import_request.pk)
    return lines, declaration, screening.RollingTotals(units=totals["units"], tpp=totals["tpp"],
                                                       open_units=exposure["units"], open_tpp=exposure["tpp"])


SIZING_FIELDS = (
    "purpose_category", "training_parameters", "training_active_parameters", "training_tokens", "training_days",
    "inference_active_parameters", "inference_peak_tokens_per_second", "planned_peak_utilisation",
)


def request_preview(*, import_request: ImportRequest) -> screening.AssessmentResult:
    """The assessment the request would get now, without storing anything (the portal's preview)."""
    return screening.assess(*_screening_inputs(import_request))


def assessment_store(import_request: ImportRequest) -> tuple[Assessment, bool]:
    """The request's assessment for its current inputs: (assessment, created now)."""
    result = screening.assess(*_screening_inputs(import_request))
    return Assessment.objects.get_or_create(
        import_request=import_request, input_hash=result.input_hash,
        defaults={
            "policy_version": result.policy_version, "metrics": result.metrics,
            "line_metrics": result.line_metrics, "factors": result.factors_as_data(),
            "risk_score": result.risk_score, "tier": result.tier, "flags": result.flags,
        },
    )


def assessment_apply(import_request: ImportRequest, assessment: Assessment) -> list[str]:
    """Make the assessment the request's current one; returns the fields changed."""
    import_request.current_assessment = assessment
    import_request.tier, import_request.risk_score = assessment.tier, assessment.risk_score
    import_request.flags = " ".join(assessment.flags)
    return ["current_assessment", "tier", "risk_score", "flags"]
