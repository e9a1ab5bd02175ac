"""How the desk writes figures, flags, statuses and times for people: labels with units, thousands separators,
powers of ten instead of programmer notation, and times in the site's zone with the zone named."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.states import LicenceStatus, Status, Tier

TIMES = "\N{MULTIPLICATION SIGN}"
SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


def _policy_flag_labels() -> dict[str, str]:
    policy = CURRENT_SCREENING_POLICY
    return {
        "not_approved_customer": "Not an approved customer",
        "large_order": f"Large order (over {policy.large_order_h100e:,.0f} H100-equivalents)",
        "medium_order": f"Medium order (over {policy.medium_order_h100e:,.0f} H100-equivalents)",
        "frontier_compute": f"Frontier compute (over {power_of_ten(policy.frontier_flop_90_days, 0)} FLOP in 90 days)",
        "over_provisioned": f"Over-provisioned (more than {policy.over_provisioning_ratio:g}{TIMES} the declared need)",
        "over_customer_cap": f"Over the customer cap ({policy.rolling_units_cap:,} units in "
                             f"{policy.rolling_window_days} days, open requests counted)",
        "domestic_alternative": "Domestic accelerators could do the job",
        "uncontrolled_purpose": "Purpose filed as 'other'",
        "implausible_duration": f"Implausibly short training run (under {policy.plausible_min_training_days} days)",
        "sizing_unchecked": "No utilisation plan, size not checked",
    }


# The queue's short marks for the flags (the full words are the mark's title).
FLAG_MARKS = {
    "not_approved_customer": "not approved",
    "large_order": "large",
    "medium_order": "medium",
    "frontier_compute": "frontier",
    "over_provisioned": "over-provisioned",
    "over_customer_cap": "over cap",
    "domestic_alternative": "domestic alt.",
    "uncontrolled_purpose": "other purpose",
    "implausible_duration": "short run",
    "sizing_unchecked": "unsized",
}


def flag_mark(code: str) -> str:
    return FLAG_MARKS.get(code) or code.replace("_", " ")


def flag_words(code: str) -> str:
    """A flag code in words, with the threshold it stands for."""
    return FLAG_LABELS.get(code) or code.replace("_", " ").capitalize()


def status_words(value: str) -> str:
    """A request's status value in words ("under_review" -> "Under review"); '' stays ''."""
    if value in Status.values:
        return Status(value).label
    if value in LicenceStatus.values:
        return LicenceStatus(value).label
    return value.replace("_", " ").capitalize()


def tier_words(value: str) -> str:
    return Tier(value).label if value in Tier.values else "not scored yet"


def power_of_ten(value: float, digits: int = 2) -> str:
    """6.39e+24 -> '6.39 x 10²⁴' (a multiplication sign) (and 1e25 -> '10²⁵' when ``digits`` is 0)."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    power = f"10{str(int(exponent)).translate(SUPERSCRIPTS)}"
    if digits == 0 and mantissa in ("1", "-1"):
        return power if mantissa == "1" else f"-{power}"
    return f"{mantissa} {TIMES} {power}"


def number(value, decimals: int = 0) -> str:
    """Thousands separators and fixed decimals; very large or very small values as powers of ten."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
    if isinstance(value, int):
        return f"{value:,}"
    value = float(value)
    if value and (abs(value) >= 1e15 or abs(value) < 10 ** -decimals / 2):
        return power_of_ten(value)
    return f"{value:,.{decimals}f}"


def model_size(value: int | None) -> str:
    """A parameter or token count with separators and in words: '70,000,000,000 (70 billion)'."""
    if value is None:
        return "-"
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if value >= size:
            return f"{value:,} ({value / size:,.3g} {word})"
    return f"{value:,}"


FLAG_LABELS = _policy_flag_labels()

# (label, unit, decimals) of each assessment metric the desk shows, in the order shown; a unit of "FLOP" or
# "FLOP/s" is written as a power of ten.
METRICS = {
    "units": ("Units ordered", "", 0),
    "total_tpp": ("Total processing performance", "TPP", 0),
    "h100_equivalents": ("H100-equivalents (by TPP)", "", 1),
    "bf16_flops_per_second": ("Dense BF16 rate", "FLOP/s", 2),
    "fp8_flops_per_second": ("Dense FP8 rate", "FLOP/s", 2),
    "memory_bandwidth_tbps": ("Memory bandwidth", "TB/s", 1),
    "memory_gb": ("Memory", "GB", 0),
    "mfu": ("Assumed utilisation (MFU)", "%", 0),
    "flop_in_90_days": ("Training compute reachable in 90 days", "FLOP", 2),
    "days_to_1e25": ("Days to 10²⁵ FLOP", "days", 0),
    "days_to_1e26": ("Days to 10²⁶ FLOP", "days", 0),
    "ascend_910c_by_tpp": ("Ascend 910C equivalents by TPP", "", 0),
    "ascend_910c_by_bandwidth": ("Ascend 910C equivalents by bandwidth", "", 0),
    "order_value_usd": ("Order value", "USD", 2),
    "revenue_share_due_usd": ("Revenue share due", "USD", 2),
    "required_flop": ("Training compute the declared run needs", "FLOP", 2),
    "over_provisioning_ratio": ("Over-provisioning (order ÷ declared need)", TIMES, 2),
    "rolling_units_before": ("Units licensed in the window before this order", "", 0),
    "rolling_tpp_before": ("TPP licensed in the window before this order", "TPP", 0),
    "open_units_elsewhere": ("Units in the company's other open requests", "", 0),
    "rolling_units_with_order": ("Units licensed in the window with this order", "", 0),
    "rolling_tpp_with_order": ("TPP licensed in the window with this order", "TPP", 0),
    "exposure_units_with_order": ("Exposure with this order (licensed + open + this)", "", 0),
    "rolling_units_cap": ("Customer cap", "units", 0),
    "sizing.precision": ("Sizing: precision", "", 0),
    "sizing.order_flops_per_second": ("Sizing: the order's rate at that precision", "FLOP/s", 2),
    "sizing.required_flops_per_second": ("Sizing: rate the declared serving needs", "FLOP/s", 2),
    "sizing.ratio_at_declared_days": ("Sizing: over-provisioning at the declared duration", TIMES, 2),
    "sizing.ratio_at_reference_days": ("Sizing: over-provisioning at the reference duration", TIMES, 2),
    "sizing.scored_days": ("Sizing: duration scored", "days", 0),
    "sizing.implausible_duration": ("Sizing: declared duration implausibly short", "", 0),
}


def metric_value(key: str, value) -> str:
    if value is None:
        return "-"
    _, unit, decimals = METRICS[key]
    if unit == "%":
        return f"{float(value) * 100:.0f}%"
    if unit in ("FLOP", "FLOP/s") and not isinstance(value, bool | str):
        return f"{power_of_ten(float(value))} {unit}"
    if isinstance(value, str) and unit != "USD":
        return value.upper() if key == "sizing.precision" else value
    text = number(value, decimals)
    if unit == "USD":
        return f"USD {text}"
    if unit == TIMES:
        return f"{text}{TIMES}"
    return f"{text} {unit}".strip()


def metric_rows(metrics: dict) -> list[tuple[str, str]]:
    """An assessment's metrics as (label with unit, value) rows, in a fixed order; unknown keys are left out."""
    flat = {**{k: v for k, v in metrics.items() if k != "sizing"},
            **{f"sizing.{k}": v for k, v in (metrics.get("sizing") or {}).items()}}
    return [(label, metric_value(key, flat[key])) for key, (label, _, _) in METRICS.items() if key in flat]


def local_time(value: datetime | date | None, *, with_zone: bool = True) -> str:
    """A date, or a time in the site's zone with its offset from UTC: '2026-11-30 20:15 UTC+8'."""
    if value is None:
        return "-"
    if not isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = local.strftime(DATETIME_FORMAT)
    if not with_zone:
        return text
    offset = local.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"{text} UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
