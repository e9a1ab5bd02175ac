"""403, 404 and 500: the desk's pages under /admin/, the portal's elsewhere, JSON under /api/; each with a way back."""
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from config import errors
from tests.desk.conftest import action_url
from tests.factories import request_in_review

pytestmark = pytest.mark.django_db


def templates_of(response) -> list[str]:
    return [template.name for template in response.templates]


def test_a_missing_desk_page_is_the_desks_404_with_a_way_back(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/admin/no-such-page/")
    assert response.status_code == 404
    assert "desk/404.html" in templates_of(response)
    html = response.content.decode()
    assert "Chipgate review desk" in html and '<a href="/admin/">Back to the desk</a>' in html
    assert "Welcome," in html  # the desk's own chrome, with the user's links


def test_a_refused_desk_action_is_the_desks_403_with_the_reason(client, auditor, applicant):
    client.force_login(auditor)
    response = client.get(action_url(request_in_review(applicant), "approve"))
    assert response.status_code == 403
    assert "desk/403.html" in templates_of(response)
    html = response.content.decode()
    assert '<p id="forbidden-reason">Your account may not see this page or take this action.</p>' in html
    assert '<a href="/admin/">Back to the desk</a>' in html


def test_a_missing_portal_page_is_the_portals_404(client, applicant):
    client.force_login(applicant)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert templates_of(response)[0] == "portal/not_found.html"


def test_a_refusal_in_the_portal_is_the_portals_403(applicant):
    request = RequestFactory().get("/requests/new/")
    request.user = applicant
    response = errors.permission_denied(request, PermissionDenied("Only a filer may file orders."))
    assert response.status_code == 403
    assert "Only a filer may file orders." in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_the_api_answers_its_errors_in_json(client):
    assert client.get("/api/no-such-thing/").json() == {"code": "not_found", "detail": errors.NOT_FOUND}
    request = RequestFactory().get("/api/v1/requests/")
    assert errors.server_error(request).content == (
        b'{"code": "server_error", "detail": "Something went wrong on our side and nothing was changed. '
        b'The fault has been logged."}'
    )


@pytest.mark.urls("tests.config.error_urls")
@pytest.mark.parametrize(("path", "way_back"), [
    ("/admin/fail/", '<a href="/admin/">Back to the desk</a>'),
    ("/requests/fail/", '<a href="/">Back to the dashboard</a>'),
])
def test_a_fault_is_a_styled_500_with_a_way_back(path, way_back):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 500
    html = response.content.decode()
    assert way_back in html and "nothing was changed" in html


@pytest.mark.parametrize(("path", "heading"), [("/admin/approvals/", "Server error"),
                                             ("/requests/", "Something went wrong")])
def test_the_500_pages_need_no_database_and_no_context(path, heading, django_assert_num_queries):
    request = RequestFactory().get(path)  # no user, no session: nothing a context processor could use
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in response.content.decode()
