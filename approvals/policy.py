"""The screening policy: thresholds, weights, tiers, caps and clocks, held as versioned data; and filing limits.

A change of rule is a new ``ScreeningPolicy`` with a new version; assessments record the version
they were scored under, and a new version re-scores every open request (``rescore_after_policy_change``).
"""
from dataclasses import dataclass, field, replace
from decimal import Decimal


@dataclass(frozen=True)
class RiskFactorRule:
    code: str
    weight: int
    flag: bool = True
    forces_senior: bool = False


@dataclass(frozen=True)
class ScreeningPolicy:
    version: str
    large_order_h100e: float
    medium_order_h100e: float
    frontier_flop_90_days: float
    over_provisioning_ratio: float
    rolling_units_cap: int
    rolling_window_days: int
    senior_risk_score: int
    standard_sla_working_days: int
    senior_sla_working_days: int
    information_due_working_days: int
    approval_validity_months: int
    reminder_fraction: float
    end_use_report_days: int
    rules: dict[str, RiskFactorRule] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)
    # Sizing (approvals/sizing.py): the reference training duration every ratio is also shown at, the shortest
    # duration that is plausible (a shorter declaration is flagged and scored at this one; 0: no minimum), and
    # the share of its peak rate a serving cluster sustains.
    reference_training_days: int = 90
    plausible_min_training_days: int = 0
    inference_utilisation: float = 0.35
    domestic_alternative_purposes: tuple[str, ...] = ("inference_serving", "cloud_services")
    # Where the cap, the window and the sizing figures come from (shown to reviewers beside the figures).
    sources: dict[str, str] = field(default_factory=dict)

    def weight(self, code: str) -> int:
        return self.rules[code].weight

    def sla_is_near(self, working_days_left: int, sla_working_days: int) -> bool:
        """Past the reminder fraction of the SLA: reviewers are reminded and the desk marks the case."""
        return working_days_left <= sla_working_days * (1 - self.reminder_fraction)


SCREENING_POLICY_2026_03 = ScreeningPolicy(
    version="screening-2026-03",
    large_order_h100e=1000,
    medium_order_h100e=100,
    frontier_flop_90_days=1e25,
    over_provisioning_ratio=2.0,
    rolling_units_cap=75_000,
    rolling_window_days=365,
    senior_risk_score=50,
    standard_sla_working_days=20,
    senior_sla_working_days=45,
    information_due_working_days=10,
    approval_validity_months=12,
    reminder_fraction=0.8,
    end_use_report_days=90,
    rules={
        rule.code: rule
        for rule in (
            RiskFactorRule("not_approved_customer", 25),
            RiskFactorRule("large_order", 20, forces_senior=True),
            RiskFactorRule("medium_order", 8, flag=False),
            RiskFactorRule("frontier_compute", 20, forces_senior=True),
            RiskFactorRule("over_provisioned", 15),
            RiskFactorRule("over_customer_cap", 30, forces_senior=True),
            RiskFactorRule("domestic_alternative", 10),
            RiskFactorRule("uncontrolled_purpose", 5, flag=False),
        )
    },
    queues={
        "model_training": "training",
        "inference_serving": "commercial",
        "cloud_services": "commercial",
        "research": "research",
        "other": "general",
    },
)

# December 2026: sizing a declaration cannot game (precision, active parameters, a plausible minimum duration,
# inference and planned utilisation), the domestic alternative scored for every purpose, the cap measured against
# licences and open exposure.
SCREENING_POLICY_2026_12 = replace(
    SCREENING_POLICY_2026_03,
    version="screening-2026-12",
    plausible_min_training_days=21,
    inference_utilisation=0.35,
    domestic_alternative_purposes=("model_training", "inference_serving", "cloud_services", "research", "other"),
    rules={
        **SCREENING_POLICY_2026_03.rules,
        **{rule.code: rule for rule in (
            RiskFactorRule("implausible_duration", 10),
            RiskFactorRule("sizing_unchecked", 5),
        )},
    },
    sources={
        "rolling_units_cap": "Approved-customer framework (December 2025): at most 75,000 units per customer in any "
                             "365 days; licensed quantities count, revoked and surrendered licences do not.",
        "rolling_window_days": "Approved-customer framework (December 2025): a rolling window of 365 days.",
        "plausible_min_training_days": "Review practice: pre-training runs of this size take three weeks or more; "
                                       "a shorter plan is checked at 21 days.",
        "inference_utilisation": "Review practice: serving clusters sustain about 35% of their peak rate.",
        "reference_training_days": "Review practice: every training order is also sized over 90 days.",
    },
)

CURRENT_SCREENING_POLICY = SCREENING_POLICY_2026_12


@dataclass(frozen=True)
class FilingLimits:
    """What one filing may hold: totals stay inside the database's integers, texts stay readable."""

    max_lines: int
    max_line_quantity: int
    max_unit_price_usd: Decimal
    min_purpose_length: int
    max_text_length: int
    max_document_bytes: int


FILING_LIMITS = FilingLimits(
    max_lines=200,
    max_line_quantity=1_000_000,
    max_unit_price_usd=Decimal("9999999999.99"),
    min_purpose_length=200,
    max_text_length=10_000,
    max_document_bytes=10 * 1024 * 1024,
)
