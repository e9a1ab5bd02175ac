"""Screening: from an order's lines and declaration to metrics, risk factors, a tier and flags.

Pure functions over plain data, no ORM access; the portal's preview and the screening worker both
call ``assess`` so there is one implementation.
"""
import hashlib
import json
from dataclasses import asdict, dataclass
from decimal import Decimal

from approvals import policy as screening_policies
from approvals.policy import ScreeningPolicy
from chips import capability
from chips import policy as capability_policies
from chips.capability import ChipSpec
from chips.policy import CapabilityPolicy

DOMESTIC_SUBSTITUTABLE_PURPOSES = {"inference_serving", "cloud_services"}
# The metrics of an assessment that describe the order itself: the company sees these of its own orders. The
# rest (the over-provisioning ratio, the company's rolling totals against the cap) feed the scoring rubric,
# which stays with the regulator.
CAPABILITY_METRICS = (
    "units", "total_tpp", "h100_equivalents", "bf16_flops_per_second", "memory_bandwidth_tbps", "memory_gb", "mfu",
    "flop_in_90_days", "days_to_1e25", "days_to_1e26", "ascend_910c_by_tpp", "ascend_910c_by_bandwidth",
    "order_value_usd", "revenue_share_due_usd",
)


def capability_metrics(metrics: dict) -> dict:
    """An assessment's metrics as the company may see them."""
    return {name: metrics[name] for name in CAPABILITY_METRICS if name in metrics}


@dataclass(frozen=True)
class LineInput:
    spec: ChipSpec
    chip_name: str
    quantity: int
    unit_price_usd: Decimal
    revenue_share_rate: Decimal
    framework_status: str


@dataclass(frozen=True)
class Declaration:
    purpose_category: str
    approved_customer: bool
    training_parameters: int | None = None
    training_tokens: int | None = None
    training_days: int | None = None

    @property
    def required_flop(self) -> float | None:
        if self.training_parameters and self.training_tokens:
            return 6.0 * self.training_parameters * self.training_tokens
        return None


@dataclass(frozen=True)
class RollingTotals:
    units: int
    tpp: float


@dataclass(frozen=True)
class Factor:
    code: str
    contribution: int
    sentence: str


@dataclass(frozen=True)
class AssessmentResult:
    metrics: dict
    line_metrics: list[dict]
    factors: list[Factor]
    risk_score: int
    tier: str
    flags: list[str]
    policy_version: str
    input_hash: str

    def factors_as_data(self) -> list[dict]:
        return [asdict(factor) for factor in self.factors]


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def current_policies() -> tuple[ScreeningPolicy, CapabilityPolicy]:
    """The policies in force, read when asked (a new version takes effect without a restart of this module)."""
    return screening_policies.CURRENT_SCREENING_POLICY, capability_policies.CURRENT_CAPABILITY_POLICY


def policy_version(policy: ScreeningPolicy | None = None, capability_policy: CapabilityPolicy | None = None) -> str:
    """The version an assessment records: the screening and the capability policy it was scored under."""
    current_screening, current_capability = current_policies()
    return f"{(policy or current_screening).version}+{(capability_policy or current_capability).version}"


def input_hash(lines, declaration, rolling, version: str) -> str:
    canonical = json.dumps(
        {
            "lines": [
                {**asdict(line.spec), "qty": line.quantity, "price": str(line.unit_price_usd),
                 "share": str(line.revenue_share_rate), "framework": line.framework_status}
                for line in lines
            ],
            "declaration": asdict(declaration),
            "rolling": asdict(rolling),
            "policy": version,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def assess(
    lines: list[LineInput],
    declaration: Declaration,
    rolling: RollingTotals,
    *,
    policy: ScreeningPolicy | None = None,
    capability_policy: CapabilityPolicy | None = None,
) -> AssessmentResult:
    current_screening, current_capability = current_policies()
    policy = policy or current_screening
    capability_policy = capability_policy or current_capability
    order = capability.order_metrics(((line.spec, line.quantity) for line in lines), policy=capability_policy)
    line_metrics = []
    revenue_share = Decimal("0")
    order_value = Decimal("0")
    for line in lines:
        value = line.unit_price_usd * line.quantity
        share = value * line.revenue_share_rate
        order_value += value
        revenue_share += share
        line_tpp = capability.tpp(line.spec)
        line_metrics.append({
            "chip": line.spec.slug,
            "chip_name": line.chip_name,
            "quantity": line.quantity,
            "tpp": line_tpp,
            "performance_density": capability.performance_density(line.spec),
            "classification": capability.classify(line.spec, capability_policy),
            "in_review_zone": capability.in_review_zone(line.spec, capability_policy),
            "line_tpp": line_tpp * line.quantity,
            "value_usd": _money(value),
            "revenue_share_usd": _money(share),
        })

    over_provisioning = None
    required = declaration.required_flop
    if required and declaration.training_days:
        reachable = capability.flop_reachable(order.bf16_flops_per_second, declaration.training_days, order.mfu)
        over_provisioning = reachable / required

    metrics = {
        **order.as_dict(),
        "order_value_usd": _money(order_value),
        "revenue_share_due_usd": _money(revenue_share),
        "required_flop": required,
        "over_provisioning_ratio": over_provisioning,
        "rolling_units_before": rolling.units,
        "rolling_tpp_before": rolling.tpp,
        "rolling_units_with_order": rolling.units + order.units,
        "rolling_tpp_with_order": rolling.tpp + order.total_tpp,
    }

    factors = _factors(order, declaration, rolling, over_provisioning, policy)
    risk_score = min(100, sum(factor.contribution for factor in factors))
    flags = [factor.code for factor in factors if policy.rules[factor.code].flag]
    forced = any(policy.rules[factor.code].forces_senior for factor in factors)
    tier = "senior" if forced or risk_score >= policy.senior_risk_score else "standard"
    return AssessmentResult(
        metrics=metrics,
        line_metrics=line_metrics,
        factors=factors,
        risk_score=risk_score,
        tier=tier,
        flags=flags,
        policy_version=policy_version(policy, capability_policy),
        input_hash=input_hash(lines, declaration, rolling, policy_version(policy, capability_policy)),
    )


def _factors(order, declaration: Declaration, rolling: RollingTotals, over_provisioning, policy) -> list[Factor]:
    factors: list[Factor] = []

    def add(code: str, sentence: str) -> None:
        factors.append(Factor(code, policy.weight(code), sentence))

    if not declaration.approved_customer:
        add("not_approved_customer",
            "The company is not an approved customer under the export framework, so the seller cannot ship "
            "without a further licence.")
    h100e = order.h100_equivalents
    if h100e > policy.large_order_h100e:
        add("large_order",
            f"The order is worth {h100e:,.0f} H100-equivalents, above the {policy.large_order_h100e:,.0f} that "
            "a single reviewer may clear.")
    elif h100e > policy.medium_order_h100e:
        add("medium_order",
            f"The order is worth {h100e:,.0f} H100-equivalents, more than {policy.medium_order_h100e:,.0f}.")
    if order.flop_in_90_days > policy.frontier_flop_90_days:
        add("frontier_compute",
            f"At {order.mfu:.0%} utilisation the order reaches {order.flop_in_90_days:.2e} FLOP in 90 days, "
            f"above {policy.frontier_flop_90_days:.0e} (systemic-risk scale), and 1e25 FLOP in "
            f"{order.days_to_1e25:.0f} days.")
    if over_provisioning is not None and over_provisioning > policy.over_provisioning_ratio:
        add("over_provisioned",
            f"Over the declared {declaration.training_days} days the order reaches {over_provisioning:.1f}x the "
            f"compute the declared training run needs (limit {policy.over_provisioning_ratio:.0f}x).")
    units_with_order = rolling.units + order.units
    if units_with_order > policy.rolling_units_cap:
        add("over_customer_cap",
            f"With this order the company's approved units over 12 months would be {units_with_order:,}, above the "
            f"{policy.rolling_units_cap:,}-unit cap per customer.")
    if declaration.purpose_category in DOMESTIC_SUBSTITUTABLE_PURPOSES:
        add("domestic_alternative",
            f"The stated use is {declaration.purpose_category.replace('_', ' ')}, which domestic accelerators can "
            f"serve: {order.ascend_910c_by_tpp:,.0f} Ascend 910C would match it by TPP "
            f"({order.ascend_910c_by_bandwidth:,.0f} by memory bandwidth).")
    if declaration.purpose_category == "other":
        add("uncontrolled_purpose", "The purpose is filed under 'other', so it matches no reviewed category.")
    return factors
