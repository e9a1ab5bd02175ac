"""Capability metrics for accelerators and orders: pure functions over specs, no ORM access.

Formulas from ``REGULATIONS.md``: TPP = dense rate x bit length (the highest over the precisions a
chip supports), PD = TPP / logic die area, the 3A090 classification, the January 2026 review zone
and the aggregate compute of an order.
"""
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from chips.policy import CURRENT_CAPABILITY_POLICY, CapabilityPolicy

SECONDS_PER_DAY = 86_400
TFLOPS = 1e12

# Dense-rate field -> bit length of the operation it measures.
RATE_BIT_LENGTHS = {
    "dense_fp16_bf16_tflops": 16,
    "dense_fp8_tflops": 8,
    "dense_int8_tops": 8,
    "dense_fp4_tflops": 4,
}

CLASS_A = "3A090.a"
CLASS_B = "3A090.b"
NOT_CONTROLLED = "not_controlled"
UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class ChipSpec:
    """The figures of one chip that the metrics need (a ChipModel gives one via ``.spec``)."""

    slug: str
    datacenter: bool
    memory_gb: float
    memory_bandwidth_tbps: float
    dense_fp16_bf16_tflops: float | None = None
    dense_fp8_tflops: float | None = None
    dense_int8_tops: float | None = None
    dense_fp4_tflops: float | None = None
    die_area_mm2: float | None = None
    origin_country: str = ""


def tpp(spec: ChipSpec) -> float:
    """Total Processing Performance: the highest dense rate x bit length the chip offers."""
    values = [
        getattr(spec, field) * bits
        for field, bits in RATE_BIT_LENGTHS.items()
        if getattr(spec, field) is not None
    ]
    return max(values, default=0.0)


def performance_density(spec: ChipSpec) -> float | None:
    """TPP per mm^2 of logic die; None when the die area is unknown (unknown is not zero)."""
    if not spec.die_area_mm2:
        return None
    return tpp(spec) / spec.die_area_mm2


def classify(spec: ChipSpec, policy: CapabilityPolicy = CURRENT_CAPABILITY_POLICY) -> str:
    """The 3A090 paragraph the chip falls under, or ``undetermined`` when PD is needed but unknown."""
    return classify_figures(tpp(spec), performance_density(spec), spec.datacenter, policy)


def classify_figures(
    tpp_value: float,
    pd: float | None,
    datacenter: bool,
    policy: CapabilityPolicy = CURRENT_CAPABILITY_POLICY,
) -> str:
    if not datacenter and tpp_value < policy.non_datacenter_tpp:
        return NOT_CONTROLLED
    if tpp_value >= policy.a_tpp:
        return CLASS_A
    if tpp_value < policy.a_tpp_with_density:
        # Every density-based clause needs at least this TPP, so PD cannot matter.
        return NOT_CONTROLLED
    if pd is None:
        return UNDETERMINED
    if pd >= policy.a_pd:
        return CLASS_A
    in_b_wide = policy.b_tpp_low <= tpp_value < policy.a_tpp and policy.b_pd_low <= pd < policy.a_pd
    in_b_dense = policy.b_pd_mid <= pd < policy.a_pd
    if in_b_wide or in_b_dense:
        return CLASS_B
    return NOT_CONTROLLED


def in_review_zone(spec: ChipSpec, policy: CapabilityPolicy = CURRENT_CAPABILITY_POLICY) -> bool:
    """January 2026: a controlled chip below both limits gets case-by-case review, not denial."""
    classification = classify(spec, policy)
    if classification == NOT_CONTROLLED:
        return False
    if policy.review_zone_needs_determined_class and classification == UNDETERMINED:
        return False
    if policy.review_zone_origins is not None and spec.origin_country.upper() not in policy.review_zone_origins:
        return False
    bandwidth_gbps = spec.memory_bandwidth_tbps * 1000
    return tpp(spec) < policy.review_zone_max_tpp and bandwidth_gbps < policy.review_zone_max_bandwidth_gbps


def flop_reachable(flops_per_second: float, days: float, mfu: float) -> float:
    """Training FLOP reachable at a sustained utilisation over a number of days."""
    return flops_per_second * mfu * days * SECONDS_PER_DAY


def days_to_reach(flops_per_second: float, target_flop: float, mfu: float) -> float | None:
    """Days of training needed to reach a FLOP budget; None when the order has no BF16 compute."""
    effective = flops_per_second * mfu
    if effective <= 0:
        return None
    return target_flop / (effective * SECONDS_PER_DAY)


@dataclass(frozen=True)
class OrderMetrics:
    units: int
    total_tpp: float
    h100_equivalents: float
    bf16_flops_per_second: float
    fp8_flops_per_second: float
    memory_bandwidth_tbps: float
    memory_gb: float
    mfu: float
    flop_in_90_days: float
    days_to_1e25: float | None
    days_to_1e26: float | None
    ascend_910c_by_tpp: float
    ascend_910c_by_bandwidth: float

    def as_dict(self) -> dict:
        return asdict(self)


def order_metrics(
    lines: Iterable[tuple[ChipSpec, int]],
    *,
    mfu: float | None = None,
    policy: CapabilityPolicy = CURRENT_CAPABILITY_POLICY,
) -> OrderMetrics:
    """Aggregate compute of an order given as (chip spec, quantity) pairs."""
    mfu = policy.default_mfu if mfu is None else mfu
    units = 0
    total_tpp = bf16 = fp8 = bandwidth = memory = 0.0
    for spec, quantity in lines:
        units += quantity
        total_tpp += tpp(spec) * quantity
        bf16 += (spec.dense_fp16_bf16_tflops or 0.0) * TFLOPS * quantity
        # A chip without FP8 runs an FP8 model at its BF16 rate.
        fp8 += (spec.dense_fp8_tflops or spec.dense_fp16_bf16_tflops or 0.0) * TFLOPS * quantity
        bandwidth += spec.memory_bandwidth_tbps * quantity
        memory += spec.memory_gb * quantity
    return OrderMetrics(
        units=units,
        total_tpp=total_tpp,
        h100_equivalents=total_tpp / policy.h100_tpp,
        bf16_flops_per_second=bf16,
        fp8_flops_per_second=fp8,
        memory_bandwidth_tbps=bandwidth,
        memory_gb=memory,
        mfu=mfu,
        flop_in_90_days=flop_reachable(bf16, 90, mfu),
        days_to_1e25=days_to_reach(bf16, policy.eu_systemic_risk_flop, mfu),
        days_to_1e26=days_to_reach(bf16, policy.us_reporting_flop, mfu),
        ascend_910c_by_tpp=total_tpp / policy.ascend_910c_tpp,
        ascend_910c_by_bandwidth=bandwidth / policy.ascend_910c_bandwidth_tbps,
    )
