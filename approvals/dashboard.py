"""Dashboard reads for the review desk: counts, SLA breaches, decision times and approved volume (constant queries)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from approvals.models import ImportRequest
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.selectors import COUNTED_AS_APPROVED
from approvals.states import OPEN, Status, Tier

MONTHS = 12
TOP_COMPANIES = 10
# Decided by a reviewer (a lapse is the applicant's silence, not a decision); expired and revoked were approved.
DECIDED = (Status.APPROVED, Status.REJECTED, Status.EXPIRED, Status.REVOKED)
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
    requests = ImportRequest.objects.all()
    by_status = dict(requests.values_list("status").annotate(n=Count("id")).order_by())
    by_tier = dict(
        requests.filter(status__in=OPEN).exclude(tier="").values_list("tier").annotate(n=Count("id")).order_by()
    )
    breaches = requests.filter(status__in=OPEN, sla_due__lt=today).count()

    year_ago = timezone.now() - timedelta(days=365)
    durations = [
        decided - submitted
        for submitted, decided in requests.filter(
            status__in=DECIDED, decided_at__gte=year_ago, submitted_at__isnull=False
        ).values_list("submitted_at", "decided_at")
    ]
    median_days = median(d.total_seconds() for d in durations) / 86400 if durations else None

    starts = month_starts(today)
    first = timezone.make_aware(datetime.combine(starts[0], time.min))
    monthly = {
        (row["month"].year, row["month"].month): row
        for row in requests.filter(status__in=COUNTED_AS_APPROVED, decided_at__gte=first)
        .annotate(month=TruncMonth("decided_at")).values("month")
        .annotate(units=Sum("total_units"), tpp=Sum("total_tpp")).order_by()
    }
    units_points, tpp_points = [], []
    for start in starts:
        row = monthly.get((start.year, start.month), {})
        label = start.strftime("%b %y")
        units_points.append((label, row.get("units") or 0))
        tpp_points.append((label, row.get("tpp") or 0.0))

    since = timezone.now() - timedelta(days=CURRENT_SCREENING_POLICY.rolling_window_days)
    top_companies = list(
        requests.filter(status__in=COUNTED_AS_APPROVED, decided_at__gte=since)
        .values("company_id", "company__legal_name")
        .annotate(units=Sum("total_units"), tpp=Sum("total_tpp")).order_by("-tpp", "company__legal_name")
        [:TOP_COMPANIES]
    )
    return {
        "by_status": [(status.label, by_status.get(status.value, 0), status.value) for status in Status],
        "by_tier": [(tier.label, by_tier.get(tier.value, 0), tier.value) for tier in Tier],
        "sla_breaches": breaches,
        "median_days_to_decision": median_days,
        "decisions_counted": len(durations),
        "units_chart": bar_chart(units_points),
        "tpp_chart": bar_chart(tpp_points),
        "top_companies": top_companies,
    }
