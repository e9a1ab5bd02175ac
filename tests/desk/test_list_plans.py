"""On PostgreSQL, every desk list's page and count read an index in the list's order, whatever the filter or
search: no sequential scan of the big tables and no sort of their rows (checked with EXPLAIN, the planner told
to avoid both where it can, so a plan that still has one shows no index serves the query). Skipped on SQLite."""
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.models import PartyMatch, ReviewEvent
from tests.desk.test_request_list import make_requests
from tests.factories import CompanyFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"),
]
BIG_TABLES = ("approvals_importrequest", "approvals_reviewevent", "approvals_partymatch", "approvals_licence")

REQUESTS = "/admin/approvals/importrequest/"
LISTS = [
    REQUESTS,
    REQUESTS + "?status__exact=under_review",
    REQUESTS + "?status__exact=approved",
    REQUESTS + "?tier__exact=senior",
    REQUESTS + "?flag=large_order",
    REQUESTS + "?cases=mine",
    REQUESTS + "?cases=unassigned",
    REQUESTS + "?cases=overdue",
    REQUESTS + "?parties=open",
    REQUESTS + "?q=IR-2026-9000",
    REQUESTS + "?q=Lantern",
    "/admin/approvals/licence/",
    "/admin/approvals/licence/?status__exact=active",
    "/admin/approvals/licence/?flagged=yes",
    "/admin/approvals/licence/?q=CGL-2026",
    "/admin/approvals/partymatch/",
    "/admin/approvals/partymatch/?state__exact=open",
    "/admin/approvals/reviewevent/",
    "/admin/approvals/reviewevent/?action__exact=screen",
]


@pytest.fixture
def volume(applicant, reviewer, approved_case, monkeypatch):
    today = timezone.localdate()
    company = applicant.membership.company
    CompanyFactory(legal_name="Lantern Compute")
    for index, status in enumerate(("under_review", "approved", "information_requested", "rejected")):
        made = make_requests(
            30, company=company, created_by=applicant, status=status, tier=("standard", "senior")[index % 2],
            flags="large_order" if index == 0 else "", assignee=reviewer if index == 2 else None,
            sla_due=today + timedelta(days=index - 1), end_user=f"Lantern Lab {index}",
        )
        PartyMatch.objects.bulk_create(
            PartyMatch(import_request=import_request, kind="end_user", party_name=import_request.end_user,
                       entry_name="Lantern Lab", entry_list="Entity List", score=90.0, reason="name",
                       match_key=f"key-{import_request.pk}")
            for import_request in made
        )
    ReviewEvent.objects.bulk_create(
        ReviewEvent(import_request=import_request, seq=1, action="screen", actor_role="system", at=timezone.now(),
                    prev_hash="", hash=f"{import_request.pk:064d}")
        for import_request in made
    )
    # Small pages, so that a few rows make every list run its page query with a LIMIT.
    for model_admin in admin.site._registry.values():
        monkeypatch.setattr(model_admin, "list_per_page", 5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plans_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        try:
            for query in queries:
                sql = query["sql"]
                if sql.startswith("SELECT") and any(f'FROM "{table}"' in sql for table in BIG_TABLES):
                    cursor.execute(f"EXPLAIN {sql}")
                    plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")
    return plans


@pytest.mark.parametrize("url", LISTS)
def test_the_page_and_its_count_read_indexes(client, reviewer, volume, url):
    client.force_login(reviewer)
    plans = plans_of(client, url)
    assert any("LIMIT" in sql and "COUNT(" not in sql for sql, _ in plans), "no page query seen"
    for sql, plan in plans:
        for table in BIG_TABLES:
            assert f"Seq Scan on {table}" not in plan, f"{url}: {sql}\n{plan}"
        # An incremental sort of rows that an index already returns in their first key's order is fine (it sorts
        # only ties, and stops at the page's end); a full sort of the rows is not.
        full_sorts = [line for line in plan.splitlines() if "Sort" in line and "Incremental Sort" not in line
                      and "Sort Key" not in line and "Presorted Key" not in line and "Sort Method" not in line
                      and "Full-sort Groups" not in line]
        assert not full_sorts, f"{url}: {sql}\n{plan}"
