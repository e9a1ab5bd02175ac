"""The dashboard: the company's orders with filter, search and pages, and unread notifications."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.models import Notification
from tests.factories import ApplicantFactory, draft_request, request_in_review, submitted_request

pytestmark = pytest.mark.django_db

# Three of them list what needs the applicant: open questions, end-use reports due, drafts.
DASHBOARD_QUERIES = 13


def _notify(user, order, subject, *, read=False):
    return Notification.objects.create(
        recipient=user, import_request=order, kind="status_changed", subject=subject, body=subject,
        dedupe_key=f"{user.pk}-{subject}", read_at=timezone.now() if read else None,
    )


def test_it_lists_the_companys_orders_only(applicant_client, applicant, company, other_applicant):
    colleague = ApplicantFactory(membership__company=company)
    mine = draft_request(applicant)
    theirs = draft_request(colleague)
    foreign = draft_request(other_applicant)
    response = applicant_client.get("/")
    assert response.status_code == 200
    shown = list(response.context["page"].object_list)
    assert set(shown) == {mine, theirs}
    html = response.content.decode()
    assert mine.reference in html and foreign.reference not in html


def test_each_row_shows_reference_status_capability_and_last_change_but_no_tier(applicant_client, applicant):
    order = request_in_review(applicant)
    html = applicant_client.get("/").content.decode()
    assert f'href="/requests/{order.public_id}/"' in html
    assert '<span class="badge badge-under_review">Under review</span>' in html
    assert order.get_tier_display() not in html and "Tier" not in html
    assert f"{order.total_tpp:,.0f}" in html
    assert f"{order.h100_equivalents:,.1f}" in html
    assert timezone.localtime(order.updated_at).strftime("%-d %b %Y") in html


def test_it_filters_by_status(applicant_client, applicant):
    draft = draft_request(applicant)
    submitted = submitted_request(applicant)
    response = applicant_client.get("/", {"status": "submitted"})
    assert list(response.context["page"].object_list) == [submitted]
    orders = response.content.decode().split('id="orders-title"')[1].split('id="licences-title"')[0]
    assert draft.reference not in orders and submitted.reference in orders


def test_an_unknown_status_filter_shows_everything(applicant_client, applicant):
    draft_request(applicant)
    response = applicant_client.get("/", {"status": "bogus"})
    assert response.context["status"] == ""
    assert len(response.context["page"].object_list) == 1


def test_it_searches_by_reference(applicant_client, applicant):
    first, second = draft_request(applicant), draft_request(applicant)
    response = applicant_client.get("/", {"q": second.reference[-6:]})
    assert list(response.context["page"].object_list) == [second]
    orders = response.content.decode().split('id="orders-title"')[1].split('id="licences-title"')[0]
    assert first.reference not in orders
    assert b"No order matches this filter." in applicant_client.get("/", {"q": "IR-1999"}).content


def test_it_pages_through_orders_keeping_the_filter(applicant_client, applicant):
    for _ in range(21):
        draft_request(applicant)
    first = applicant_client.get("/", {"status": "draft"})
    assert len(first.context["page"].object_list) == 20
    assert 'href="?status=draft&amp;page=2"' in first.content.decode()
    second = applicant_client.get("/", {"status": "draft", "page": 2})
    assert len(second.context["page"].object_list) == 1


def test_a_company_without_orders_is_shown_how_to_start(applicant_client):
    html = applicant_client.get("/").content.decode()
    assert "No orders yet" in html
    assert 'href="/requests/new/"' in html


def test_unread_notifications_are_listed_and_can_be_marked_read(applicant_client, applicant):
    order = draft_request(applicant)
    unread = _notify(applicant, order, "IR is now under review")
    _notify(applicant, order, "Old news", read=True)
    html = applicant_client.get("/").content.decode()
    assert "IR is now under review" in html and "Old news" not in html
    response = applicant_client.post("/notifications/read/", {"notification": unread.pk})
    assert response.status_code == 302
    unread.refresh_from_db()
    assert unread.read_at is not None


def test_mark_all_read_leaves_other_users_notifications_alone(applicant_client, applicant, other_applicant):
    order = draft_request(applicant)
    mine = [_notify(applicant, order, f"mine {n}") for n in range(3)]
    theirs = _notify(other_applicant, None, "theirs")
    applicant_client.post("/notifications/read/")
    assert all(Notification.objects.get(pk=item.pk).read_at for item in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_one_cannot_mark_another_users_notification_read(applicant_client, other_applicant):
    theirs = _notify(other_applicant, None, "theirs")
    applicant_client.post("/notifications/read/", {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("orders", [1, 30])
def test_the_dashboard_runs_a_fixed_number_of_queries(signed_in, applicant, orders, django_assert_max_num_queries):
    for number in range(orders):
        order = request_in_review(applicant) if number % 3 == 0 else draft_request(applicant)
        _notify(applicant, order, f"note {number}")
    client = signed_in(applicant)
    client.get("/")
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get("/")
    assert _dashboard_queries(client) == DASHBOARD_QUERIES


def test_only_the_newest_notifications_are_listed_with_a_count_of_the_rest(applicant_client, applicant):
    order = draft_request(applicant)
    for number in range(12):
        _notify(applicant, order, f"note {number}")
    response = applicant_client.get("/")
    assert len(response.context["notifications"]) == 10
    assert response.context["unread_count"] == 12
    assert b"and 2 older unread notifications." in response.content
