"""The screening policy: thresholds, weights, tiers, caps and clocks, held as versioned data; and filing limits.

A change of rule is a new ``ScreeningPolicy`` with a new version; assessments record the version
they were scored under, and a new version re-scores every open request (``rescore_after_policy_change``).
"""
from dataclasses import dataclass, field
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

CURRENT_SCREENING_POLICY = SCREENING_POLICY_2026_03


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
