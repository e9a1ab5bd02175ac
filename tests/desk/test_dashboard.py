"""The dashboard: counts, SLA breaches, median time to decision, monthly approved volume as SVG, top companies."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from approvals import services
from approvals.models import ImportRequest
from desk.dashboard import bar_chart, compact, month_starts
from tests.factories import line, request_in_review

pytestmark = pytest.mark.django_db


def test_month_starts_are_the_last_twelve_months_oldest_first():
    starts = month_starts(date(2026, 3, 15))
    assert starts[0] == date(2025, 4, 1) and starts[-1] == date(2026, 3, 1) and len(starts) == 12


def test_bar_chart_scales_to_the_largest_value():
    chart = bar_chart([("a", 0), ("b", 50), ("c", 100)])
    heights = [bar.height for bar in chart["bars"]]
    assert heights[0] == 0 and heights[2] == 180 and heights[1] == 90
    assert bar_chart([("a", 0)])["bars"][0].height == 0
    assert [bar.value for bar in chart["bars"]] == ["0", "50", "100"]


def test_compact_labels():
    assert [compact(v) for v in (950, 12_300, 4_500_000, 1_234_000_000)] == ["950", "12.3k", "4.5M", "1.2B"]


def test_dashboard_shows_counts_breaches_median_chart_and_top_companies(
    client, reviewer, applicant, django_assert_max_num_queries
):
    approved = request_in_review(applicant, lines=[line("nvidia-h200", 64)])
    services.request_transition(import_request_id=approved.pk, action="approve", actor=reviewer)
    late = request_in_review(applicant)
    ImportRequest.objects.filter(pk=late.pk).update(sla_due=timezone.localdate() - timedelta(days=2))
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        response = client.get("/admin/dashboard/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'id="units-chart"' in page and 'id="tpp-chart"' in page
    assert "<script" not in page.split('id="content-main"')[1]
    assert f"{timezone.localdate():%b %y}: 64" in page
    assert str(applicant.membership.company) in page
    summary = response.context["summary"]
    assert summary["sla_breaches"] == 1
    assert {value: count for _, count, value in summary["by_status"]}["approved"] == 1
    assert summary["median_days_to_decision"] is not None


def test_dashboard_is_linked_from_the_index_for_reviewers_only(client, reviewer, maintainer):
    client.force_login(reviewer)
    assert "/admin/dashboard/" in client.get("/admin/").content.decode()
    client.force_login(maintainer)
    assert "/admin/dashboard/" not in client.get("/admin/").content.decode()
    assert client.get("/admin/dashboard/").status_code == 403


def test_dashboard_reads_a_snapshot_refreshed_by_beat(client, reviewer, applicant):
    from approvals.tasks import refresh_dashboard

    client.force_login(reviewer)
    first = client.get("/admin/dashboard/").context["summary"]
    request_in_review(applicant)
    assert client.get("/admin/dashboard/").context["summary"]["by_status"] == first["by_status"]
    refresh_dashboard()
    refreshed = client.get("/admin/dashboard/")
    assert {value: count for _, count, value in refreshed.context["summary"]["by_status"]}["under_review"] == 1
    assert "Figures as of" in refreshed.content.decode()


def test_median_days_to_decision_over_the_last_year(client, reviewer, applicant):
    now = timezone.now()
    for days in (1, 3, 8):
        decided = request_in_review(applicant)
        services.request_transition(import_request_id=decided.pk, action="reject", actor=reviewer,
                                    payload={"reason_codes": ["other"], "reason": "Not now."})
        ImportRequest.objects.filter(pk=decided.pk).update(submitted_at=now - timedelta(days=days), decided_at=now)
    client.force_login(reviewer)
    summary = client.get("/admin/dashboard/").context["summary"]
    assert summary["median_days_to_decision"] == pytest.approx(3.0)
    assert summary["decisions_counted"] == 3
