"""Regulatory thresholds for capability metrics, held as one versioned policy object.

The figures come from ``REGULATIONS.md`` (US ECCN 3A090 and the January 2026 rule). When a rule
changes, add a new ``CapabilityPolicy`` with its version and effective date and point
``CURRENT_CAPABILITY_POLICY`` at it; never edit a published one.
"""
from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class CapabilityPolicy:
    version: str
    effective_from: date
    # 3A090.a
    a_tpp: float
    a_tpp_with_density: float
    a_pd: float
    # 3A090.b
    b_tpp_low: float
    b_pd_low: float
    b_pd_mid: float
    # The datacenter rule: chips not for datacenters below this TPP fall under neither a nor b.
    non_datacenter_tpp: float
    # January 2026 case-by-case review zone.
    review_zone_max_tpp: float
    review_zone_max_bandwidth_gbps: float
    # Reference chips for equivalence figures.
    h100_tpp: float
    ascend_910c_tpp: float
    ascend_910c_bandwidth_tbps: float
    # Training-reach milestones (FLOP) and default model FLOP utilisation.
    eu_systemic_risk_flop: float
    us_reporting_flop: float
    default_mfu: float
    # Which chips the review zone can apply to: US-origin chips with a determined class (None: any origin and
    # class, as the first version read the rule).
    review_zone_origins: tuple[str, ...] | None = None
    review_zone_needs_determined_class: bool = False


CAPABILITY_POLICY_2026_01 = CapabilityPolicy(
    version="capability-2026-01",
    effective_from=date(2026, 1, 15),
    a_tpp=4800,
    a_tpp_with_density=1600,
    a_pd=5.92,
    b_tpp_low=2400,
    b_pd_low=1.6,
    b_pd_mid=3.2,
    non_datacenter_tpp=4800,
    review_zone_max_tpp=21000,
    review_zone_max_bandwidth_gbps=6500,
    h100_tpp=15832,
    ascend_910c_tpp=12032,
    ascend_910c_bandwidth_tbps=3.2,
    eu_systemic_risk_flop=1e25,
    us_reporting_flop=1e26,
    default_mfu=0.40,
)

# The review zone is a US rule for US chips, and a chip whose class cannot be determined is not "below both
# limits" of anything (REGULATIONS.md, the January 2026 rule).
CAPABILITY_POLICY_2026_12 = replace(
    CAPABILITY_POLICY_2026_01, version="capability-2026-12", effective_from=date(2026, 12, 1),
    review_zone_origins=("US",), review_zone_needs_determined_class=True,
)

CURRENT_CAPABILITY_POLICY = CAPABILITY_POLICY_2026_12
