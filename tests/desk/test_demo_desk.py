"""The demo data works at the desk: every staff account opens its pages, and the escalated demo case can be decided."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from approvals.models import ImportRequest
from tests.desk.conftest import action_url, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", verbosity=0)
    return get_user_model().objects


@pytest.mark.parametrize("username", ["reviewer", "reviewer2", "senior", "senior2", "auditor"])
def test_review_staff_open_every_desk_page(client, demo, username):
    client.force_login(demo.get(username=username))
    for url in ("/admin/", "/admin/dashboard/", "/admin/approvals/importrequest/", "/admin/approvals/reviewevent/"):
        assert client.get(url).status_code == 200, url
    for request_obj in ImportRequest.objects.exclude(status="draft"):
        assert client.get(change_url(request_obj)).status_code == 200


def test_senior_decides_the_demo_case_the_reviewer_escalated(client, demo):
    escalated = ImportRequest.objects.get(status="senior_review")
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
