"""Sizing that a declaration cannot game: precision, active parameters, a plausible minimum duration, inference
load and planned utilisation, against figures worked out by hand."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from approvals.sizing import SizingInput, size

# 10,000 H200: 9.895e18 FLOP/s at BF16 and 1.979e19 at FP8; 40% utilisation (MFU).
H200_10K = {"bf16_flops_per_second": 9.895e18, "fp8_flops_per_second": 1.979e19, "mfu": 0.4}
POLICY = {"reference_days": 90, "plausible_min_days": 21, "inference_utilisation": 0.35}


def run(**declared):
    return size(SizingInput(**declared), **H200_10K, **POLICY)


def training(days, **extra):
    # A 70B-parameter dense model on 15T tokens: 6 x 7e10 x 1.5e13 = 6.3e24 FLOP.
    values = {"purpose_category": "model_training", "training_parameters": 70_000_000_000,
              "training_tokens": 15_000_000_000_000, "training_days": days, **extra}
    return run(**values)


def test_sixty_days_of_training_on_ten_thousand_h200():
    sizing = training(60)
    # 9.895e18 x 0.4 x 60 x 86,400 = 2.0518e25 FLOP reachable, over 6.3e24 needed.
    assert sizing.required_flop == pytest.approx(6.3e24)
    assert sizing.ratio_at_declared_days == pytest.approx(3.2569, rel=1e-4)
    assert sizing.ratio_at_reference_days == pytest.approx(4.8853, rel=1e-4)
    assert (sizing.ratio, sizing.scored_days, sizing.implausible_duration) == (
        pytest.approx(3.2569, rel=1e-4), 60, False)


def test_declaring_three_days_is_flagged_and_scored_at_the_plausible_minimum():
    sizing = training(3)
    assert sizing.ratio_at_declared_days == pytest.approx(0.16284, rel=1e-4)  # what the trick was after
    assert (sizing.implausible_duration, sizing.scored_days) == (True, 21)
    assert sizing.ratio == pytest.approx(1.1398, rel=1e-4)  # at 21 days


def test_fp8_training_uses_the_fp8_rate():
    assert training(60, precision="fp8").ratio == pytest.approx(6.5138, rel=1e-4)


def test_a_mixture_of_experts_model_is_sized_by_its_active_parameters():
    # 671B total, 37B active: 6 x 3.7e10 x 1.5e13 = 3.33e24 FLOP.
    sizing = training(60, training_parameters=671_000_000_000, training_active_parameters=37_000_000_000)
    assert sizing.required_flop == pytest.approx(3.33e24)
    assert sizing.ratio == pytest.approx(6.1617, rel=1e-4)


def test_inference_is_sized_by_active_parameters_peak_tokens_and_serving_utilisation():
    sizing = run(purpose_category="inference_serving", inference_active_parameters=70_000_000_000,
                 inference_peak_tokens_per_second=2_000_000)
    # 2 x 7e10 x 2e6 = 2.8e17 FLOP/s at full use; at 35%: 8e17 needed; 9.895e18 / 8e17 = 12.37x.
    assert sizing.required_flops_per_second == pytest.approx(8e17)
    assert sizing.ratio == pytest.approx(12.36875)


def test_cloud_and_research_are_sized_by_their_plan_or_not_at_all():
    assert run(purpose_category="cloud_services", planned_peak_utilisation=40).ratio == pytest.approx(2.5)
    unplanned = run(purpose_category="research")
    assert (unplanned.kind, unplanned.ratio) == ("plan", None)
    assert run(purpose_category="other").kind is None


@given(days=st.integers(min_value=1, max_value=3650), tokens=st.integers(min_value=10**9, max_value=10**14))
def test_a_shorter_declared_duration_never_scores_below_the_ratio_at_the_plausible_minimum(days, tokens):
    declared = {"purpose_category": "model_training", "training_parameters": 70_000_000_000,
                "training_tokens": tokens}
    at_minimum = run(**declared, training_days=21).ratio
    assert run(**declared, training_days=days).ratio >= at_minimum * (1 - 1e-12)
