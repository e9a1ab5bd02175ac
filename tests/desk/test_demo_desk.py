"""The demo data works at the desk: every staff account opens its pages (a case and a licence of each status), the
dashboard shows the year's history, and the escalated demo case can be decided."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from approvals.models import ImportRequest, Licence
from tests.desk.conftest import action_url, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", verbosity=0)
    return get_user_model().objects


@pytest.mark.parametrize("username", ["reviewer", "reviewer2", "senior", "senior2", "auditor"])
def test_review_staff_open_every_desk_page(client, demo, username):
    client.force_login(demo.get(username=username))
    for url in ("/admin/", "/admin/dashboard/", "/admin/approvals/importrequest/", "/admin/approvals/reviewevent/",
                "/admin/approvals/licence/", "/admin/approvals/importrequest/?status__exact=approved"):
        assert client.get(url).status_code == 200, url
    # A case of each status and a licence of each status, history and today's alike.
    cases = {status: pk for pk, status in ImportRequest.objects.exclude(status="draft").order_by("-pk")
             .values_list("pk", "status")}
    assert len(cases) == 7
    for pk in cases.values():
        assert client.get(change_url(ImportRequest(pk=pk))).status_code == 200, pk
    licences = dict(Licence.objects.order_by("-pk").values_list("status", "pk"))
    assert set(licences) == {"active", "exhausted", "suspended", "revoked", "surrendered"}
    for pk in licences.values():
        assert client.get(f"/admin/approvals/licence/{pk}/change/").status_code == 200, pk


def test_the_dashboard_shows_a_year_of_decisions(client, demo):
    client.force_login(demo.get(username="senior"))
    page = client.get("/admin/dashboard/").content.decode()
    assert "北京燕园智算科技有限公司" in page  # among the companies with the most approved compute


def test_senior_decides_the_demo_case_the_reviewer_escalated(client, demo):
    escalated = ImportRequest.objects.get(status="senior_review", total_units=8000)
    client.force_login(demo.get(username="reviewer"))
    assert 'data-action="approve"' not in client.get(change_url(escalated)).content.decode()
    client.force_login(demo.get(username="senior"))
    assert 'data-action="approve"' in client.get(change_url(escalated)).content.decode()
    client.post(action_url(escalated, "approve"), {"conditions": "Quarterly usage reports."})
    escalated.refresh_from_db()
    assert escalated.status == "approved"


def test_maintainer_opens_the_catalog(client, demo):
    client.force_login(demo.get(username="maintainer"))
    assert client.get("/admin/chips/chipmodel/").status_code == 200
    assert client.get("/admin/chips/rescorejob/").status_code == 200
