"""How the desk writes figures, flags, statuses and times: labels with units, separators, powers of ten, zones."""
from datetime import UTC, date, datetime

import pytest

from desk import readable

TIMES = "\N{MULTIPLICATION SIGN}"


@pytest.mark.parametrize(("value", "digits", "text"), [
    (6.39e24, 2, f"6.39 {TIMES} 10²⁴"), (1e25, 0, "10²⁵"), (1.5e-3, 1, f"1.5 {TIMES} 10⁻³"), (0, 2, "0"),
])
def test_powers_of_ten_not_programmer_notation(value, digits, text):
    assert readable.power_of_ten(value, digits) == text


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (1234567, 0, "1,234,567"), (1234.5678, 2, "1,234.57"), ("32000.00", 2, "32,000.00"), (None, 0, "-"),
    (True, 0, "yes"), (3.2e17, 0, f"3.20 {TIMES} 10¹⁷"),
])
def test_numbers_have_separators(value, decimals, text):
    assert readable.number(value, decimals) == text


def test_model_sizes_are_written_out_and_in_words():
    assert readable.model_size(70_000_000_000) == "70,000,000,000 (70 billion)"
    assert readable.model_size(2_000_000_000_000) == "2,000,000,000,000 (2 trillion)"
    assert readable.model_size(405_000_000) == "405,000,000 (405 million)"
    assert readable.model_size(None) == "-"


def test_times_are_in_the_sites_zone_with_the_offset(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert readable.local_time(datetime(2026, 11, 30, 12, 15, tzinfo=UTC)) == "2026-11-30 20:15 UTC+8"
    assert readable.local_time(date(2027, 2, 1)) == "2027-02-01"
    settings.TIME_ZONE = "Asia/Kolkata"
    assert readable.local_time(datetime(2026, 11, 30, 12, 15, tzinfo=UTC)) == "2026-11-30 17:45 UTC+5:30"


def test_metrics_have_labels_and_units_in_a_fixed_order():
    rows = readable.metric_rows({
        "mfu": 0.4, "units": 8000, "flop_in_90_days": 6.39e24, "order_value_usd": "256000000.00",
        "sizing": {"ratio_at_reference_days": 3.456, "precision": "fp8"}, "unknown_metric": 1,
    })
    assert rows == [
        ("Units ordered", "8,000"),
        ("Assumed utilisation (MFU)", "40%"),
        ("Training compute reachable in 90 days", f"6.39 {TIMES} 10²⁴ FLOP"),
        ("Order value", "USD 256,000,000.00"),
        ("Sizing: precision", "FP8"),
        ("Sizing: over-provisioning at the reference duration", f"3.46{TIMES}"),
    ]


def test_flags_and_statuses_in_words():
    assert readable.flag_words("over_customer_cap") == (
        "Over the customer cap (75,000 units in 365 days, open requests counted)"
    )
    assert readable.flag_words("a_new_rule") == "A new rule"
    assert readable.flag_mark("frontier_compute") == "frontier"
    assert readable.status_words("information_requested") == "Information requested"
    assert readable.status_words("suspended") == "Suspended"
    assert readable.tier_words("") == "not scored yet"
