"""The desk's dashboard: counts, SLA breaches, decision times and approved volume, with server-side SVG charts."""
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from approvals.selectors import DASHBOARD_MONTHS, dashboard_figures_cached
from approvals.states import Status, Tier

MONTHS = DASHBOARD_MONTHS
CHART_WIDTH, CHART_HEIGHT, CHART_LABEL_SPACE = 720, 180, 36


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    label_x: float


def compact(value: float) -> str:
    """A short label for a bar: 950, 12.3k, 4.5M, 1.2B."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:.0f}"


def bar_chart(points: list[tuple[str, float]]) -> dict:
    """Geometry of a bar chart for server-side SVG: one bar per (label, value), scaled to the largest."""
    top = max((value for _, value in points), default=0) or 1
    slot = CHART_WIDTH / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        height = CHART_HEIGHT * value / top
        x = index * slot + slot * 0.15
        bars.append(Bar(
            x=round(x, 1), y=round(CHART_HEIGHT - height, 1), width=round(slot * 0.7, 1), height=round(height, 1),
            label=label, value=compact(value), label_x=round(x + slot * 0.35, 1),
        ))
    return {
        "bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT + CHART_LABEL_SPACE,
        "plot_height": CHART_HEIGHT, "label_y": CHART_HEIGHT + 16, "value_y": CHART_HEIGHT + 30,
        "max": compact(top if any(value for _, value in points) else 0),
    }


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first day of each of the last ``months`` months, oldest first, ending with this month."""
    this_month = today.replace(day=1)
    return [this_month - relativedelta(months=back) for back in range(months - 1, -1, -1)]


def dashboard_summary(*, today: date) -> dict:
    """The dashboard's figures, read by the selector, laid out for the template and its charts."""
    starts = month_starts(today)
    figures = dashboard_figures_cached(first_month=starts[0])
    units_points, tpp_points = [], []
    for start in starts:
        units, tpp = figures["monthly"].get((start.year, start.month), (0, 0.0))
        label = start.strftime("%b %y")
        units_points.append((label, units))
        tpp_points.append((label, tpp))
    return {
        "by_status": [(status.label, figures["by_status"].get(status.value, 0), status.value) for status in Status],
        "by_tier": [(tier.label, figures["by_tier"].get(tier.value, 0), tier.value) for tier in Tier],
        "sla_breaches": figures["sla_breaches"],
        "median_days_to_decision": figures["median_days_to_decision"],
        "decisions_counted": figures["decisions_counted"],
        "as_of": figures["as_of"],
        "units_chart": bar_chart(units_points),
        "tpp_chart": bar_chart(tpp_points),
        "top_companies": figures["top_companies"],
    }
