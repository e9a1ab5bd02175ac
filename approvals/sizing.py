"""Sizing: how much compute the declared purpose needs, against what the order delivers, so that the ratio
cannot be talked down by the declaration. Pure functions over plain data.

- Training: 6 x active parameters x tokens (mixture-of-experts models declare their active parameters) at the
  declared precision's rate. The ratio is computed at the declared duration and at the policy's reference
  duration; a declared duration below the policy's plausible minimum is flagged, and the ratio at the minimum
  is the one that scores (a shorter declaration can never lower it).
- Inference: 2 x active parameters x peak tokens per second is the FLOP/s the service needs at full use; at the
  policy's serving utilisation it needs that divided by the utilisation; the ratio is the order's rate over it.
- Cloud and research: the planned peak utilisation (share of the order busy at peak) gives the ratio
  1 / utilisation; without a plan the sizing cannot be checked.
"""
from dataclasses import asdict, dataclass

from chips.capability import SECONDS_PER_DAY

PRECISIONS = ("bf16", "fp8")
TRAINING, INFERENCE, PLAN = "training", "inference", "plan"
PLANNED_PURPOSES = ("cloud_services", "research")


@dataclass(frozen=True)
class SizingInput:
    purpose_category: str
    precision: str = "bf16"
    training_parameters: int | None = None
    training_active_parameters: int | None = None
    training_tokens: int | None = None
    training_days: int | None = None
    inference_active_parameters: int | None = None
    inference_peak_tokens_per_second: int | None = None
    planned_peak_utilisation: int | None = None  # percent


@dataclass(frozen=True)
class Sizing:
    """What the purpose needs and how far the order exceeds it; ``ratio`` is what scores (None: not checked)."""

    kind: str | None
    precision: str
    order_flops_per_second: float
    required_flop: float | None = None  # training, in all
    required_flops_per_second: float | None = None  # inference, at the policy's utilisation
    ratio_at_declared_days: float | None = None
    ratio_at_reference_days: float | None = None
    ratio: float | None = None
    scored_days: float | None = None
    implausible_duration: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def order_rate(bf16_flops_per_second: float, fp8_flops_per_second: float, precision: str) -> float:
    return fp8_flops_per_second if precision == "fp8" else bf16_flops_per_second


def size(declared: SizingInput, *, bf16_flops_per_second: float, fp8_flops_per_second: float, mfu: float,
         reference_days: float, plausible_min_days: float, inference_utilisation: float) -> Sizing:
    precision = declared.precision if declared.precision in PRECISIONS else "bf16"
    rate = order_rate(bf16_flops_per_second, fp8_flops_per_second, precision)
    if declared.purpose_category == "model_training":
        active = declared.training_active_parameters or declared.training_parameters
        if not (active and declared.training_tokens and declared.training_days and rate > 0):
            return Sizing(kind=TRAINING, precision=precision, order_flops_per_second=rate)
        required = 6.0 * active * declared.training_tokens

        def ratio_at(days: float) -> float:
            return rate * mfu * days * SECONDS_PER_DAY / required

        implausible = declared.training_days < plausible_min_days
        scored_days = max(declared.training_days, plausible_min_days)
        return Sizing(
            kind=TRAINING, precision=precision, order_flops_per_second=rate, required_flop=required,
            ratio_at_declared_days=ratio_at(declared.training_days), ratio_at_reference_days=ratio_at(reference_days),
            ratio=ratio_at(scored_days), scored_days=scored_days, implausible_duration=implausible,
        )
    if declared.purpose_category == "inference_serving":
        if not (declared.inference_active_parameters and declared.inference_peak_tokens_per_second and rate > 0):
            return Sizing(kind=INFERENCE, precision=precision, order_flops_per_second=rate)
        needed = 2.0 * declared.inference_active_parameters * declared.inference_peak_tokens_per_second
        required = needed / inference_utilisation
        return Sizing(kind=INFERENCE, precision=precision, order_flops_per_second=rate,
                      required_flops_per_second=required, ratio=rate / required)
    if declared.purpose_category in PLANNED_PURPOSES and declared.planned_peak_utilisation:
        return Sizing(kind=PLAN, precision=precision, order_flops_per_second=rate,
                      ratio=100.0 / declared.planned_peak_utilisation)
    return Sizing(kind=PLAN if declared.purpose_category in PLANNED_PURPOSES else None, precision=precision,
                  order_flops_per_second=rate)
