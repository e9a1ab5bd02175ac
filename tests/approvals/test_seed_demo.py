"""seed_demo: accounts, a year of history over six companies and today's requests in several states; refuses with
DEBUG off unless forced; runs once."""
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from approvals import clock
from approvals.audit import audit_verify
from approvals.models import (
    Company,
    EndUseReport,
    ImportRequest,
    InformationRequest,
    Licence,
    LicenceEvent,
    PartyMatch,
    ReviewEvent,
    Shipment,
    ShipmentLine,
)
from approvals.selectors import open_exposure, rolling_totals
from approvals.validators import validate_uscc
from parties.services import screen_names

pytestmark = pytest.mark.django_db

# Requests by company and status: the history's and today's (5 of company A's, 1 of B's... see approvals/demo.py).
EXPECTED_STATUSES = {
    "91440300MA5G8K2L7N": {"approved": 50, "rejected": 10, "withdrawn": 5, "lapsed": 4, "under_review": 8,
                           "information_requested": 4, "senior_review": 3, "draft": 2},
    "91330100MA2H3R5T1T": {"rejected": 16, "withdrawn": 4, "lapsed": 2, "under_review": 3,
                           "information_requested": 1},
    "91110108MA04CK7R2J": {"approved": 46, "rejected": 9, "withdrawn": 5, "lapsed": 3, "under_review": 6,
                           "information_requested": 3, "senior_review": 2, "draft": 1},
    "91310115MA1K4P8N6Y": {"approved": 40, "rejected": 8, "withdrawn": 4, "lapsed": 3, "under_review": 6,
                           "information_requested": 2, "senior_review": 2, "draft": 1},
    "91510100MA6D3QLX85": {"rejected": 18, "withdrawn": 4, "lapsed": 3, "under_review": 3,
                           "information_requested": 1, "draft": 1},
    "91320594MA1WN7FH3D": {"approved": 22, "rejected": 14, "withdrawn": 3, "lapsed": 2, "under_review": 2,
                           "draft": 1},
}
CAP = 75_000


@pytest.fixture
def seeded(settings, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    settings.DEBUG = True
    started = timezone.now()
    call_command("seed_demo", verbosity=0)
    return started


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not ImportRequest.objects.exists()


def test_creates_accounts_and_requests_in_several_states(settings, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    settings.DEBUG = True
    started = timezone.now()
    call_command("seed_demo")
    assert "Password: demo-pass-123" in capsys.readouterr().out
    users = get_user_model().objects
    for username in ("applicant-a", "applicant-b", "applicant-c", "applicant-d", "applicant-e", "applicant-f",
                     "reviewer", "reviewer2", "senior", "maintainer", "auditor"):
        assert users.get(username=username).check_password("demo-pass-123")
    assert users.get(username="reviewer").groups.filter(name="reviewer").exists()
    # Today's requests, on top of the history: as before the history existed.
    today_requests = ImportRequest.objects.filter(created_at__gte=started)
    assert today_requests.count() == 8
    statuses = set(today_requests.values_list("status", flat=True))
    assert {"draft", "under_review", "information_requested", "senior_review", "approved"} <= statuses
    assert audit_verify()[1] == []
    licences = {licence.status: licence for licence in Licence.objects.filter(issued_at__gte=started)}
    assert set(licences) == {"active", "suspended"}
    active = licences["active"]
    assert [(line.chip.slug, line.approved, line.shipped) for line in active.lines.all()] == [("nvidia-h20", 32, 20)]
    assert list(EndUseReport.objects.filter(licence=active).values_list("state", flat=True)) == ["due"]
    assert [(line.chip.slug, line.approved) for line in licences["suspended"].lines.all()] == [("nvidia-h20", 24)]
    flagged = ImportRequest.objects.get(end_user="深圳龙岗精密计算有限公司")
    assert flagged.status == "under_review"
    assert list(flagged.party_matches.values_list("kind", "entry_name", "state")) == [
        ("end_user", "Shenzhen Longgang Precision Computing Co., Ltd.", "open")]
    assert PartyMatch.objects.count() == 1  # the history's parties are on no list
    escalated = today_requests.get(status="senior_review")
    assert (escalated.total_units, escalated.escalated_by.username) == (8000, "reviewer")


def test_a_second_run_says_already_present_and_changes_nothing(seeded, capsys):
    def counts():
        return (ImportRequest.objects.count(), ReviewEvent.objects.count(), Licence.objects.count(),
                LicenceEvent.objects.count(), Shipment.objects.count(), Company.objects.count(),
                get_user_model().objects.count())

    before = counts()
    call_command("seed_demo", force=True)
    assert "already present" in capsys.readouterr().out
    assert counts() == before
    assert (before[0], before[5], before[6]) == (327, 6, 12)


def test_history_requests_by_company_and_status(seeded):
    by_company = {uscc: {} for uscc in EXPECTED_STATUSES}
    for uscc, status, count in ImportRequest.objects.values_list("company__uscc", "status").annotate(n=Count("id")):
        by_company[uscc][status] = count
    assert by_company == EXPECTED_STATUSES


def test_companies_have_valid_usccs_and_chinese_legal_names(seeded):
    companies = list(Company.objects.order_by("pk"))
    for company in companies:
        validate_uscc(company.uscc)
        company.full_clean()
    assert [company.legal_name for company in companies[2:]] == [
        "北京燕园智算科技有限公司", "上海临港星河数据科技有限公司", "成都蜀云智能计算服务有限公司",
        "苏州澜湖人工智能有限公司"]
    assert [company.is_approved_customer() for company in companies] == [True, False, True, True, False, False]
    ended = companies[5]
    assert ended.approved_customer and ended.approved_customer_valid_until < clock.today()
    assert ended.approved_customer_changes.count() == 1


def test_every_approved_customer_company_uses_at_most_half_its_cap(seeded):
    for company in Company.objects.filter(approved_customer=True):
        licensed = rolling_totals(company_id=company.pk)["units"]
        asked = open_exposure(company_id=company.pk)["units"]
        assert licensed > 1_000, company
        assert licensed + asked <= CAP // 2, company


def test_rejections_for_every_company_and_reasons_given(seeded):
    for company in Company.objects.all():
        rejections = ReviewEvent.objects.filter(import_request__company=company, action="reject")
        assert rejections.count() >= 8
        assert all(event.payload["reason_codes"] and event.comment for event in rejections)
    not_approved = ReviewEvent.objects.filter(action="reject", import_request__company__approved_customer=False)
    assert {tuple(event.payload["reason_codes"]) for event in not_approved} == {("other",)}


def test_history_spreads_over_twelve_months_in_the_past(seeded):
    history = ImportRequest.objects.filter(created_at__lt=seeded)
    assert history.count() == 319
    today = clock.today()
    first = timezone.localdate(history.order_by("created_at").first().created_at)
    assert today - timedelta(days=366) <= first <= today - timedelta(days=330)
    earliest = history.order_by("created_at").first().created_at
    assert all(company.created_at < earliest for company in Company.objects.all())
    assert not get_user_model().objects.filter(date_joined__gte=earliest).exists()
    assert ReviewEvent.objects.filter(import_request__in=history, at__gte=seeded).count() == 0
    assert LicenceEvent.objects.filter(at__gte=seeded).exclude(licence__issued_at__gte=seeded).count() == 0
    months = Licence.objects.annotate(month=TruncMonth("issued_at")).values("month").distinct().count()
    assert months >= 11
    decided = history.filter(status__in=("approved", "rejected", "lapsed"))
    assert all(request.submitted_at < request.decided_at < seeded for request in decided)


def test_status_and_fields_agree_with_the_events(seeded):
    today = clock.today()
    requests = ImportRequest.objects.prefetch_related("events", "lines", "information_requests")
    for request in requests:
        events = list(request.events.all())
        assert events[-1].to_status == request.status, request
        assert [event.from_status for event in events[1:]] == [event.to_status for event in events[:-1]], request
        assert request.version == len(events), request
        if request.created_at < seeded:
            assert request.updated_at == events[-1].at < seeded, request
        if request.status != "draft":
            screen = next(event for event in events if event.action == "screen")
            assert screen.payload["tier"] == request.tier and screen.payload["assessment"] == \
                request.current_assessment_id
        if request.status == "approved":
            assert request.total_units == sum(line.approved_quantity for line in request.lines.all())
            assert request.licence.total_units == request.total_units
        else:
            assert not Licence.objects.filter(import_request=request).exists()
        questions = list(request.information_requests.all())
        if request.status == "information_requested":
            assert request.sla_due is None and request.sla_paused_days_left is not None
            assert questions[-1].answered_at is None and questions[-1].due_date > today
        if request.status == "lapsed":
            assert questions[-1].answered_at is None and questions[-1].due_date < timezone.localdate(request.decided_at)
        if request.status == "under_review" and not questions and request.created_at < seeded:
            screened_on = timezone.localdate(next(event.at for event in events if event.action == "screen"))
            assert request.sla_due == clock.add_working_days(screened_on, request.sla_working_days, clock.holidays())
            assert request.sla_working_days == (45 if request.tier == "senior" else 20)
    assert InformationRequest.objects.filter(answered_at__isnull=False).count() >= 20
    assert ImportRequest.objects.filter(status="under_review", sla_due__lt=today).exists()  # overdue cases


def test_licences_shipments_and_reports_agree(seeded):
    statuses = Counter(Licence.objects.filter(issued_at__lt=seeded).values_list("status", flat=True))
    assert set(statuses) == {"active", "exhausted", "suspended", "revoked", "surrendered"}
    assert statuses["active"] > 60
    for licence in Licence.objects.prefetch_related("lines", "events", "shipments__lines", "end_use_reports"):
        events = list(licence.events.all())
        assert events[0].action == "issue" and events[-1].to_status == licence.status, licence
        assert licence.version == len(events), licence
        for line in licence.lines.all():
            shipped = ShipmentLine.objects.filter(shipment__licence=licence, chip=line.chip).aggregate(
                total=Sum("quantity"))["total"] or 0
            assert line.shipped == shipped <= line.approved, licence
        assert (licence.status == "exhausted") == all(line.shipped == line.approved for line in licence.lines.all())
        overdue = licence.end_use_reports.filter(state="overdue").exists()
        assert ("end_use_report_overdue" in licence.flag_list) == overdue, licence
        assert (licence.status == "suspended") == (licence.suspended_by_id is not None), licence
    reports = Counter(EndUseReport.objects.values_list("state", flat=True))
    assert set(reports) == {"due", "filed", "accepted", "overdue"}
    assert EndUseReport.objects.count() == Shipment.objects.count() > 150
    today = clock.today()
    assert not EndUseReport.objects.filter(state="overdue", due_on__gte=today).exists()
    assert all(report.due_on == report.shipment.shipped_on + timedelta(days=90)
               for report in EndUseReport.objects.select_related("shipment"))


def test_the_history_parties_are_on_no_screening_list(seeded):
    names = [("company", name) for name in Company.objects.values_list("legal_name", flat=True)]
    names += [("end_user", name) for name in ImportRequest.objects.exclude(
        end_user="深圳龙岗精密计算有限公司").values_list("end_user", flat=True).distinct()]
    assert screen_names(names, list(Company.objects.values_list("uscc", flat=True))) == []


@pytest.mark.parametrize("username", ["applicant-c", "applicant-f"])
def test_applicants_open_their_history(client, seeded, username):
    """A request of each status and a licence of each state of the company open in the portal."""
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    assert client.get("/").status_code == 200
    company_id = user.membership.company_id
    requests = dict(ImportRequest.objects.filter(company_id=company_id).order_by("-pk")
                    .values_list("status", "public_id"))
    for public_id in requests.values():
        assert client.get(f"/requests/{public_id}/").status_code == 200, public_id
    licences = dict(Licence.objects.filter(holder_id=company_id).order_by("-pk").values_list("status", "public_id"))
    assert len(licences) >= 2
    for public_id in licences.values():
        assert client.get(f"/licences/{public_id}/").status_code == 200, public_id
