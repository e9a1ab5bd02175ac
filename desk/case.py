"""What a decider needs at the top of a case and again on its decision forms: the company and its standing, the
order against the customer cap, the tier, the flags in words and the escalating reviewer's recommendation."""
from django.urls import reverse

from approvals import selectors
from approvals.models import ImportRequest, ReviewEvent
from desk import readable

KEY_METRICS = ("h100_equivalents", "flop_in_90_days", "order_value_usd", "revenue_share_due_usd")


def case_summary(*, import_request: ImportRequest, timeline: list[ReviewEvent] | None = None) -> dict:
    """The case header's figures; pass the case's timeline when it is already read (saves a query)."""
    if timeline is None:
        escalation = selectors.escalation_current(import_request=import_request)
    else:
        escalation = next((event for event in reversed(timeline) if event.action == "escalate"), None)
        escalation = escalation if import_request.recommendation else None
    assessment = import_request.current_assessment
    metrics = assessment.metrics if assessment is not None else {}
    sentences = {factor["code"]: factor["sentence"] for factor in (assessment.factors if assessment else [])}
    company = import_request.company
    return {
        "company": company,
        "company_url": reverse("admin:approvals_company_change", args=[company.pk]),
        "cap": selectors.cap_position(import_request=import_request),
        "tier": readable.tier_words(import_request.tier),
        "status": readable.status_words(import_request.status),
        "flags": [
            {"code": code, "label": readable.flag_words(code), "sentence": sentences.get(code, "")}
            for code in import_request.flag_list
        ],
        "figures": [
            (readable.METRICS[key][0], readable.metric_value(key, metrics[key]))
            for key in KEY_METRICS if key in metrics
        ],
        "escalation": {
            "recommendation": import_request.get_recommendation_display(),
            "by": escalation.actor if escalation else import_request.escalated_by,
            "at": escalation.at if escalation else None,
            "rationale": escalation.comment if escalation else "",
        } if import_request.recommendation else None,
    }
