"""Capability metrics: published figures, classification boundaries, order aggregates, properties."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chips import capability
from chips.capability import ChipSpec, classify_figures, order_metrics
from chips.policy import CURRENT_CAPABILITY_POLICY as POLICY


def spec(**overrides) -> ChipSpec:
    values = {"slug": "x", "datacenter": True, "memory_gb": 80, "memory_bandwidth_tbps": 2.0}
    values.update(overrides)
    return ChipSpec(**values)


H200 = spec(slug="h200", dense_fp16_bf16_tflops=989.5, dense_fp8_tflops=1979, dense_int8_tops=1979,
            die_area_mm2=814, memory_gb=141, memory_bandwidth_tbps=4.8, origin_country="US")
H100 = spec(slug="h100", dense_fp16_bf16_tflops=989.5, dense_fp8_tflops=1979, dense_int8_tops=1979,
            die_area_mm2=814, memory_gb=80, memory_bandwidth_tbps=3.35)


def test_tpp_takes_the_highest_rate_times_bit_length():
    assert capability.tpp(spec(dense_fp16_bf16_tflops=100, dense_fp8_tflops=250)) == 2000
    assert capability.tpp(spec(dense_fp16_bf16_tflops=300, dense_int8_tops=600)) == 4800
    assert capability.tpp(spec(dense_fp4_tflops=1000)) == 4000


def test_gaudi3_shows_why_the_maximum_matters():
    assert capability.tpp(spec(dense_fp16_bf16_tflops=1835, dense_fp8_tflops=1835)) == 1835 * 16


def test_tpp_of_a_chip_with_no_rates_is_zero():
    assert capability.tpp(spec()) == 0


def test_performance_density_is_none_when_die_area_unknown():
    assert capability.performance_density(spec(dense_fp16_bf16_tflops=100)) is None
    assert capability.performance_density(spec(dense_fp16_bf16_tflops=100, die_area_mm2=100)) == 16


@pytest.mark.parametrize(
    ("tpp", "pd", "datacenter", "expected"),
    [
        (4800, 1.0, True, "3A090.a"),
        (4799.99, 1.0, True, "not_controlled"),
        (4799.99, 1.6, True, "3A090.b"),
        (2400, 1.6, True, "3A090.b"),
        (2399.99, 1.6, True, "not_controlled"),
        (2400, 1.59, True, "not_controlled"),
        (1600, 5.92, True, "3A090.a"),
        (1599.99, 5.92, True, "not_controlled"),
        (1600, 5.91, True, "3A090.b"),
        (1600, 3.2, True, "3A090.b"),
        (1600, 3.19, True, "not_controlled"),
        (3000, 5.92, True, "3A090.a"),
        (3000, 5.91, True, "3A090.b"),
        (1600, None, True, "undetermined"),
        (4000, None, True, "undetermined"),
        (1599, None, True, "not_controlled"),
        (4800, None, True, "3A090.a"),
        (4799, 10.0, False, "not_controlled"),
        (4799, None, False, "not_controlled"),
        (4800, 10.0, False, "3A090.a"),
    ],
)
def test_classification_at_every_boundary(tpp, pd, datacenter, expected):
    assert classify_figures(tpp, pd, datacenter) == expected


def test_review_zone_covers_h200_but_not_b200():
    assert capability.in_review_zone(H200)
    b200 = spec(dense_fp16_bf16_tflops=2250, dense_fp4_tflops=9000, die_area_mm2=1628, memory_bandwidth_tbps=8)
    assert not capability.in_review_zone(b200)


def test_review_zone_is_for_us_chips_with_a_determined_class():
    assert not capability.in_review_zone(spec(**{**H200.__dict__, "origin_country": "KR"}))
    undetermined = spec(dense_fp16_bf16_tflops=200, origin_country="US")  # TPP 3,200 and no die area
    assert capability.classify(undetermined) == "undetermined"
    assert not capability.in_review_zone(undetermined)
    first_reading = POLICY.__class__(**{**POLICY.__dict__, "review_zone_origins": None,
                                        "review_zone_needs_determined_class": False})
    assert capability.in_review_zone(undetermined, first_reading)


def test_review_zone_excludes_chips_that_are_not_controlled():
    h20 = spec(dense_fp16_bf16_tflops=148, die_area_mm2=814, memory_bandwidth_tbps=4.0)
    assert not capability.in_review_zone(h20)


def test_ten_thousand_h200_reach_about_3_1e25_flop_in_90_days_and_1e25_in_29_days():
    metrics = order_metrics([(H200, 10_000)], mfu=0.40)
    assert metrics.flop_in_90_days == pytest.approx(3.1e25, rel=0.01)
    assert metrics.days_to_1e25 == pytest.approx(29, abs=0.5)
    assert metrics.days_to_1e26 == pytest.approx(292.4, abs=0.5)


def test_order_metrics_default_mfu_comes_from_the_policy():
    assert order_metrics([(H200, 1)]).mfu == POLICY.default_mfu


def test_order_without_bf16_compute_never_reaches_a_flop_target():
    metrics = order_metrics([(spec(dense_int8_tops=100), 10)])
    assert metrics.days_to_1e25 is None
    assert metrics.flop_in_90_days == 0


def test_ascend_equivalents_by_tpp_and_by_bandwidth():
    metrics = order_metrics([(H200, 100)])
    assert metrics.ascend_910c_by_tpp == pytest.approx(100 * 15832 / 12032)
    assert metrics.ascend_910c_by_bandwidth == pytest.approx(100 * 4.8 / 3.2)


rates = st.one_of(st.none(), st.floats(min_value=0, max_value=1e5, allow_nan=False))
specs = st.builds(
    spec,
    dense_fp16_bf16_tflops=rates,
    dense_fp8_tflops=rates,
    dense_int8_tops=rates,
    dense_fp4_tflops=rates,
    die_area_mm2=st.one_of(st.none(), st.floats(min_value=1, max_value=5000)),
    memory_gb=st.floats(min_value=0, max_value=1000),
    memory_bandwidth_tbps=st.floats(min_value=0, max_value=100),
)


@given(specs, st.sampled_from(list(capability.RATE_BIT_LENGTHS)), st.floats(min_value=0, max_value=1e5))
def test_raising_any_rate_never_lowers_tpp(chip_spec, field, increase):
    current = getattr(chip_spec, field) or 0.0
    raised = spec(**{**chip_spec.__dict__, field: current + increase})
    assert capability.tpp(raised) >= capability.tpp(chip_spec)


@given(st.lists(st.tuples(specs, st.integers(min_value=1, max_value=10_000)), min_size=1, max_size=5),
       st.lists(st.tuples(specs, st.integers(min_value=1, max_value=10_000)), min_size=1, max_size=5))
def test_aggregates_are_additive_over_lines(first, second):
    a, b, both = order_metrics(first), order_metrics(second), order_metrics(first + second)
    for field in ("units", "total_tpp", "bf16_flops_per_second", "memory_bandwidth_tbps", "memory_gb",
                  "h100_equivalents", "flop_in_90_days", "ascend_910c_by_tpp", "ascend_910c_by_bandwidth"):
        assert math.isclose(getattr(both, field), getattr(a, field) + getattr(b, field), rel_tol=1e-9, abs_tol=1e-6)


@given(st.integers(min_value=1, max_value=1_000_000))
def test_h100_equivalents_of_n_h100s_is_n(n):
    assert order_metrics([(H100, n)]).h100_equivalents == pytest.approx(n)
