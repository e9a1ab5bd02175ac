"""Screening: factors, tiers and flags from the policy, and idempotent storage of assessments."""
from decimal import Decimal

import pytest

from approvals import screening, selectors, services
from approvals.models import Assessment, Notification, ReviewEvent
from approvals.policy import CURRENT_SCREENING_POLICY as POLICY
from approvals.sizing import SizingInput
from chips.capability import ChipSpec
from tests.factories import CompanyFactory, line, request_in_review, submitted_request

H200 = ChipSpec(slug="nvidia-h200", datacenter=True, memory_gb=141, memory_bandwidth_tbps=4.8,
                dense_fp16_bf16_tflops=989.5, dense_fp8_tflops=1979, dense_int8_tops=1979, die_area_mm2=814)


def lines(quantity, price="32000", share="0.25"):
    return [screening.LineInput(spec=H200, chip_name="NVIDIA H200 SXM", quantity=quantity,
                                unit_price_usd=Decimal(price), revenue_share_rate=Decimal(share),
                                framework_status="eligible")]


def declaration(**overrides):
    values = {"purpose_category": "research", "approved_customer": True}
    values.update(overrides)
    return screening.Declaration(**values)


NO_HISTORY = screening.RollingTotals(units=0, tpp=0.0)


def codes(result):
    return [factor.code for factor in result.factors]


def test_a_small_planned_research_order_by_an_approved_customer_has_only_the_domestic_alternative():
    planned = declaration(sizing=SizingInput(purpose_category="research", planned_peak_utilisation=80))
    result = screening.assess(lines(8), planned, NO_HISTORY)
    assert (result.risk_score, result.tier, result.flags) == (10, "standard", ["domestic_alternative"])
    assert result.factors[0].sentence == (
        "Domestic accelerators could do the same job: 11 Ascend 910C match the order by TPP (12 by memory "
        "bandwidth).")


def test_revenue_share_due_is_quantity_times_price_times_rate():
    result = screening.assess(lines(10, price="30000", share="0.25"), declaration(), NO_HISTORY)
    assert result.metrics["revenue_share_due_usd"] == "75000.00"
    assert result.metrics["order_value_usd"] == "300000.00"


def test_each_factor_carries_its_contribution_and_a_sentence():
    result = screening.assess(lines(10_000), declaration(approved_customer=False, purpose_category="cloud_services"),
                              NO_HISTORY)
    assert codes(result) == ["not_approved_customer", "large_order", "frontier_compute", "sizing_unchecked",
                             "domestic_alternative"]
    for factor in result.factors:
        assert factor.contribution == POLICY.weight(factor.code)
        assert len(factor.sentence) > 30
    assert result.risk_score == min(100, sum(factor.contribution for factor in result.factors))
    assert result.tier == "senior"
    assert "10,000 H100-equivalents" in result.factors[1].sentence


def training(days=30, **sizing):
    values = {"purpose_category": "model_training", "training_parameters": 7_000_000_000,
              "training_tokens": 1_000_000_000_000, "training_days": days, **sizing}
    return declaration(purpose_category="model_training", sizing=SizingInput(**values))


def test_over_provisioning_ratio_compares_reachable_to_declared_compute():
    # 7B parameters x 1T tokens x 6 = 4.2e22 FLOP; 64 H200 at 989.5 BF16 TFLOPS and 40% over 30 days: 6.566e22.
    result = screening.assess(lines(64), training(), NO_HISTORY)
    assert result.metrics["required_flop"] == pytest.approx(4.2e22)
    assert result.metrics["over_provisioning_ratio"] == pytest.approx(1.5633, rel=1e-4)
    assert result.metrics["sizing"]["ratio_at_reference_days"] == pytest.approx(4.6899, rel=1e-4)  # 90 days
    assert "over_provisioned" not in result.flags
    oversized = screening.assess(lines(256), training(), NO_HISTORY)
    assert "over_provisioned" in oversized.flags


def test_rolling_units_above_the_customer_cap_force_senior_tier():
    history = screening.RollingTotals(units=74_990, tpp=0.0)
    result = screening.assess(lines(20), declaration(), history)
    assert "over_customer_cap" in result.flags
    assert result.tier == "senior"
    assert result.metrics["rolling_units_with_order"] == 75_010


def test_same_inputs_give_the_same_hash_and_different_inputs_a_different_one():
    first = screening.assess(lines(8), declaration(), NO_HISTORY)
    assert screening.assess(lines(8), declaration(), NO_HISTORY).input_hash == first.input_hash
    assert screening.assess(lines(9), declaration(), NO_HISTORY).input_hash != first.input_hash
    assert screening.assess(lines(8), declaration(approved_customer=False), NO_HISTORY).input_hash != first.input_hash


@pytest.mark.django_db
def test_screening_twice_stores_and_sends_nothing_new(applicant, reviewer, django_capture_on_commit_callbacks):
    request = submitted_request(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_screen(import_request_id=request.pk) is True
    counts = (Assessment.objects.count(), ReviewEvent.objects.count(), Notification.objects.count())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.request_screen(import_request_id=request.pk) is False
    assert callbacks == []
    assert (Assessment.objects.count(), ReviewEvent.objects.count(), Notification.objects.count()) == counts
    assert Notification.objects.filter(recipient=reviewer, kind="new_case").count() == 1


@pytest.mark.django_db
def test_rescore_stores_a_new_assessment_only_when_inputs_change(applicant):
    request = request_in_review(applicant)
    assert services.request_rescore(import_request_id=request.pk) == (False, False, None)
    request.company.approved_customer = False
    request.company.save()
    stored, tier_changed, change = services.request_rescore(import_request_id=request.pk)
    assert change["flags_added"] == ["not_approved_customer"] and change["tier"] == ["standard", "standard"]
    assert stored and not tier_changed
    request.refresh_from_db()
    assert "not_approved_customer" in request.flag_list
    assert request.assessments.count() == 2
    assert services.request_rescore(import_request_id=request.pk) == (False, False, None)


@pytest.mark.django_db
def test_rolling_totals_count_only_this_companys_recent_approvals(applicant, reviewer):
    approved = request_in_review(applicant, lines=[line("nvidia-h20", 100, "12000")])
    services.request_transition(import_request_id=approved.pk, action="approve", actor=reviewer)
    request_in_review(applicant)
    from tests.factories import ApplicantFactory

    stranger = ApplicantFactory(membership__company=CompanyFactory())
    request_in_review(stranger)
    totals = selectors.rolling_totals(company_id=applicant.membership.company_id)
    assert totals == {"units": 100, "tpp": 100 * 2368}
    later = request_in_review(applicant)
    assert later.current_assessment.metrics["rolling_units_before"] == 100
