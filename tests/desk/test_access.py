"""Who reaches the admin, and what each group may do there."""
import pytest
from django.contrib.auth import get_user_model

from approvals.models import ReviewEvent
from tests.desk.conftest import action_url, change_url
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_applicant_never_reaches_the_admin(client, applicant):
    client.force_login(applicant)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_outside_the_desk_groups_is_refused(client):
    client.force_login(StaffFactory(groups=[]))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("role", ["reviewer", "senior", "maintainer", "auditor"])
def test_each_desk_group_enters(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/admin/").status_code == 200


def test_auditor_reads_the_case_but_gets_no_buttons_and_cannot_post(client, auditor, standard_case):
    client.force_login(auditor)
    page = client.get(change_url(standard_case)).content.decode()
    assert standard_case.reference in page and "No action is open to you" in page
    assert client.post(action_url(standard_case, "approve"), {}).status_code == 403
    assert client.post(f"/admin/approvals/importrequest/{standard_case.pk}/claim/").status_code == 403
    standard_case.refresh_from_db()
    assert standard_case.status == "under_review" and standard_case.assignee is None


def test_auditor_can_change_nothing(client, auditor, standard_case):
    client.force_login(auditor)
    assert client.post(change_url(standard_case), {"status": "approved"}).status_code == 403
    assert client.get("/admin/approvals/importrequest/add/").status_code == 403
    assert client.get("/admin/chips/chipmodel/1/change/").status_code == 200
    assert client.post("/admin/chips/chipmodel/1/change/", {"name": "x"}).status_code == 403


def test_maintainer_sees_the_catalog_but_no_requests(client, maintainer, standard_case):
    client.force_login(maintainer)
    assert client.get("/admin/chips/chipmodel/").status_code == 200
    assert client.get("/admin/approvals/importrequest/").status_code == 403
    assert client.get(change_url(standard_case)).status_code == 403
    assert client.post(action_url(standard_case, "approve"), {}).status_code == 403


def test_reviewer_cannot_edit_the_catalog(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/admin/chips/chipmodel/").status_code == 200
    assert client.post("/admin/chips/chipmodel/1/change/", {"name": "x"}).status_code == 403


def test_status_is_never_a_form_field(client, reviewer, standard_case):
    client.force_login(reviewer)
    page = client.get(change_url(standard_case)).content.decode()
    assert 'name="status"' not in page
    assert client.post(change_url(standard_case), {"status": "approved"}).status_code == 403
    standard_case.refresh_from_db()
    assert standard_case.status == "under_review"


def test_drafts_stay_out_of_the_desk(client, reviewer, applicant):
    from tests.factories import draft_request

    draft = draft_request(applicant)
    client.force_login(reviewer)
    assert client.get(change_url(draft)).status_code == 302  # the admin's "does not exist" redirect


def test_review_events_cannot_be_added_changed_or_deleted_even_by_a_superuser(client, standard_case):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    client.force_login(root)
    event = ReviewEvent.objects.filter(import_request=standard_case).first()
    before = (event.action, event.comment, event.hash)
    url = f"/admin/approvals/reviewevent/{event.pk}/"
    assert client.get("/admin/approvals/reviewevent/").status_code == 200
    page = client.get(url + "change/").content.decode()
    assert 'name="comment"' not in page and "Delete" not in page
    assert client.post(url + "change/", {"comment": "edited", "action": "approve"}).status_code == 403
    assert client.post(url + "delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/approvals/reviewevent/add/").status_code == 403
    client.post("/admin/approvals/reviewevent/", {"action": "delete_selected", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert (event.action, event.comment, event.hash) == before


def test_action_forms_need_the_csrf_token(reviewer, standard_case):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(action_url(standard_case, "approve"), {"conditions": ""})
    assert response.status_code == 403
    standard_case.refresh_from_db()
    assert standard_case.status == "under_review"
