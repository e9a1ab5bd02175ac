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
from approvals.sizing import Sizing, SizingInput, size
from chips import capability
from chips import policy as capability_policies
from chips.capability import ChipSpec
from chips.policy import CapabilityPolicy

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
    revenue_share_basis: str = ""


@dataclass(frozen=True)
class Declaration:
    purpose_category: str
    approved_customer: bool
    sizing: SizingInput | None = None


@dataclass(frozen=True)
class RollingTotals:
    """The company's licensed units and TPP in the policy's window, and what its other open requests ask for."""

    units: int
    tpp: float
    open_units: int = 0
    open_tpp: float = 0.0


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
            "revenue_share_rate": str(line.revenue_share_rate),
            "revenue_share_basis": line.revenue_share_basis,
            "revenue_share_usd": _money(share),
        })

    sizing = size(
        declaration.sizing or SizingInput(purpose_category=declaration.purpose_category),
        bf16_flops_per_second=order.bf16_flops_per_second, fp8_flops_per_second=order.fp8_flops_per_second,
        mfu=order.mfu, reference_days=policy.reference_training_days,
        plausible_min_days=policy.plausible_min_training_days, inference_utilisation=policy.inference_utilisation,
    )
    metrics = {
        **order.as_dict(),
        "order_value_usd": _money(order_value),
        "revenue_share_due_usd": _money(revenue_share),
        "sizing": sizing.as_dict(),
        "required_flop": sizing.required_flop,
        "over_provisioning_ratio": sizing.ratio,
        "rolling_units_before": rolling.units,
        "rolling_tpp_before": rolling.tpp,
        "open_units_elsewhere": rolling.open_units,
        "rolling_units_with_order": rolling.units + order.units,
        "rolling_tpp_with_order": rolling.tpp + order.total_tpp,
        "exposure_units_with_order": rolling.units + rolling.open_units + order.units,
        "rolling_units_cap": policy.rolling_units_cap,
    }

    factors = _factors(order, declaration, rolling, sizing, policy)
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


def _over_provisioned_sentence(sizing: Sizing, policy) -> str:
    limit = f"limit {policy.over_provisioning_ratio:.0f}x"
    if sizing.kind == "training":
        days = f"{sizing.scored_days:,.0f}"
        return (f"Over {days} days at the declared precision ({sizing.precision.upper()}) the order reaches "
                f"{sizing.ratio:.1f}x the compute the declared training run needs ({limit}; "
                f"{sizing.ratio_at_reference_days:.1f}x over {policy.reference_training_days} days).")
    if sizing.kind == "inference":
        return (f"At {policy.inference_utilisation:.0%} serving utilisation the order delivers {sizing.ratio:.1f}x "
                f"the FLOP/s the declared model and peak tokens per second need ({limit}).")
    return (f"The plan expects {100 / sizing.ratio:.0f}% of the order busy at peak: {sizing.ratio:.1f}x the "
            f"capacity it uses ({limit}).")


def _factors(order, declaration: Declaration, rolling: RollingTotals, sizing: Sizing, policy) -> list[Factor]:
    factors: list[Factor] = []

    def add(code: str, sentence: str) -> None:
        factors.append(Factor(code, policy.weight(code), sentence))

    if not declaration.approved_customer:
        add("not_approved_customer",
            "The company is not an approved customer under the export framework: an order of framework chips "
            "cannot be approved for it.")
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
    if sizing.implausible_duration:
        add("implausible_duration",
            f"The declared training run of {declaration.sizing.training_days} days is shorter than the "
            f"{policy.plausible_min_training_days} days such a run takes; the order is sized at "
            f"{policy.plausible_min_training_days} days.")
    if sizing.ratio is not None and sizing.ratio > policy.over_provisioning_ratio:
        add("over_provisioned", _over_provisioned_sentence(sizing, policy))
    if sizing.kind == "plan" and sizing.ratio is None:
        add("sizing_unchecked",
            "No peak utilisation plan was declared, so the order's size could not be checked against its use.")
    exposure = rolling.units + rolling.open_units + order.units
    if exposure > policy.rolling_units_cap:
        add("over_customer_cap",
            f"With this order the company would hold {rolling.units + order.units:,} licensed units over "
            f"{policy.rolling_window_days} days and {exposure:,} counting its other open requests "
            f"({rolling.open_units:,}), above the {policy.rolling_units_cap:,}-unit cap per customer.")
    if declaration.purpose_category in policy.domestic_alternative_purposes:
        add("domestic_alternative",
            f"Domestic accelerators could do the same job: {order.ascend_910c_by_tpp:,.0f} Ascend 910C match the "
            f"order by TPP ({order.ascend_910c_by_bandwidth:,.0f} by memory bandwidth).")
    if declaration.purpose_category == "other":
        add("uncontrolled_purpose", "The purpose is filed under 'other', so it matches no reviewed category.")
    return factors
