"""An order's figures as the applicant reads them: each with its value, where it comes from and why it matters,
and the public thresholds it is measured against. Never the scoring rubric (weights, factors, tiers)."""
from decimal import Decimal

from django.utils.translation import gettext as _

from approvals.numbers import grouped, scientific
from approvals.policy import CURRENT_SCREENING_POLICY
from chips.policy import CURRENT_CAPABILITY_POLICY


def _percent(rate) -> str:
    return f"{Decimal(str(rate)) * 100:.1f}".rstrip("0").rstrip(".") + "%"


def order_figures(metrics: dict) -> list[dict]:
    """The capability figures of an order (metrics the screening code computed, as the company may see them),
    each as label, value and a note saying where it comes from and why it matters."""
    capability_policy, policy = CURRENT_CAPABILITY_POLICY, CURRENT_SCREENING_POLICY
    mfu = metrics.get("mfu") or capability_policy.default_mfu
    days_25, days_26 = metrics.get("days_to_1e25"), metrics.get("days_to_1e26")
    line_1e25 = scientific(capability_policy.eu_systemic_risk_flop)
    figures = [
        {"key": "units", "label": _("Units"), "value": grouped(metrics.get("units", 0)),
         "note": _("Chips in the order. The customer cap is %(cap)s units per company in any %(days)s days; "
                   "licensed quantities count against it.") % {
             "cap": grouped(policy.rolling_units_cap), "days": policy.rolling_window_days}},
        {"key": "total_tpp", "label": _("Total processing performance (TPP)"),
         "value": grouped(metrics["total_tpp"]),
         "note": _("The sum of each chip's TPP (twice its dense operations per second times their bit "
                   "length) times its quantity: how US export rules measure compute.")},
        {"key": "h100_equivalents", "label": _("H100-equivalents"), "value": grouped(metrics["h100_equivalents"], 1),
         "note": _("Total TPP divided by the TPP of one NVIDIA H100 (%(h100)s): the order's size in a unit people "
                   "know.") % {"h100": grouped(capability_policy.h100_tpp)}},
        {"key": "flop_in_90_days", "label": _("Training compute reachable in 90 days"),
         "value": _("%(flop)s FLOP") % {"flop": scientific(metrics["flop_in_90_days"])},
         "note": _("Dense BF16 operations the chips can do in 90 days at %(mfu)s utilisation. %(line)s FLOP is the "
                   "line above which the EU AI Act presumes a model has systemic risk.") % {
             "mfu": _percent(mfu), "line": line_1e25}},
        {"key": "days_to_1e25", "label": _("Days to reach %(line)s FLOP") % {"line": line_1e25},
         "value": (_("%(days)s days") % {"days": grouped(days_25)}) if days_25 is not None
         else _("not reachable (no BF16 compute)"),
         "note": _("How long these chips would take to train a model at the EU AI Act's systemic-risk line. "
                   "%(line)s FLOP, the former US reporting line, would take %(days)s.") % {
             "line": scientific(capability_policy.us_reporting_flop),
             "days": (_("%(days)s days") % {"days": grouped(days_26)}) if days_26 is not None else "—"}},
        {"key": "ascend_910c_by_tpp", "label": _("Huawei Ascend 910C equivalents (by TPP)"),
         "value": grouped(metrics["ascend_910c_by_tpp"]),
         "note": _("How many domestic Ascend 910C accelerators (%(tpp)s TPP each) match the order's TPP: reviewers "
                   "ask why domestic chips do not meet the need.") % {
             "tpp": grouped(capability_policy.ascend_910c_tpp)}},
    ]
    if "order_value_usd" in metrics:
        figures.append({"key": "order_value_usd", "label": _("Order value"),
                        "value": f"USD {grouped(metrics['order_value_usd'], 2)}",
                        "note": _("Quantity times unit price, summed over the lines.")})
    figures.append({
        "key": "revenue_share_due_usd", "label": _("Revenue share due"),
        "value": f"USD {grouped(metrics['revenue_share_due_usd'], 2)}",
        "note": _("Each line's value times its chip's revenue-share rate under the approved-customer framework "
                  "(see the rate and its source on each line below)."),
    })
    return figures


def line_rows(lines, line_metrics: list[dict] | None = None) -> list[dict]:
    """The order's lines with their totals: quantity, unit price, line value, the revenue-share rate and the
    framework entry it comes from, and the TPP per chip."""
    by_chip = {row["chip"]: row for row in line_metrics or []}
    rows = []
    for line in lines:
        value = line.unit_price_usd * line.quantity
        rate = line.chip.revenue_share_rate
        rows.append({
            "line": line, "chip": line.chip, "quantity": grouped(line.quantity),
            "approved": grouped(line.approved_quantity) if line.approved_quantity is not None else "",
            "unit_price": grouped(line.unit_price_usd, 2), "value": grouped(value, 2),
            "rate": _percent(by_chip.get(line.chip.slug, {}).get("revenue_share_rate", rate)),
            "basis": by_chip.get(line.chip.slug, {}).get("revenue_share_basis") or line.chip.framework_basis,
            "share": grouped(value * rate, 2), "tpp": grouped(line.chip.tpp),
        })
    return rows


def lines_total(lines) -> dict:
    """The order's totals under its lines: units and value."""
    return {
        "quantity": grouped(sum(line.quantity for line in lines)),
        "value": grouped(sum((line.unit_price_usd * line.quantity for line in lines), Decimal("0")), 2),
        "share": grouped(sum((line.unit_price_usd * line.quantity * line.chip.revenue_share_rate
                              for line in lines), Decimal("0")), 2),
    }


def thresholds() -> list[dict]:
    """The public thresholds an order is measured against, as numbers, with their sources."""
    capability_policy, policy = CURRENT_CAPABILITY_POLICY, CURRENT_SCREENING_POLICY
    return [
        {"label": _("Customer cap"),
         "value": _("%(cap)s units in any %(days)s days") % {
             "cap": grouped(policy.rolling_units_cap), "days": policy.rolling_window_days},
         "source": _("Approved-customer framework (December 2025); licensed quantities count, revoked and "
                     "surrendered licences do not.")},
        {"label": _("Systemic-risk training compute"),
         "value": _("%(flop)s FLOP") % {"flop": scientific(capability_policy.eu_systemic_risk_flop)},
         "source": _("EU AI Act: a model trained with more compute is presumed to have systemic risk.")},
        {"label": _("Former US reporting threshold"),
         "value": _("%(flop)s FLOP") % {"flop": scientific(capability_policy.us_reporting_flop)},
         "source": _("US Executive Order 14110 (2023, since revoked): training runs above it had to be reported.")},
    ]
