"""GET /api/v1/licences/{id}/certificate/: the signed PDF for the holder and the regulator, whatever the Accept
header says; 404 for another company's licence, 401 without a token."""
import pytest

from tests.factories import approved_licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(applicant, reviewer, signing_identity):
    return approved_licence(applicant, reviewer)


def url(licence) -> str:
    return f"/api/v1/licences/{licence.public_id}/certificate/"


def test_the_holder_gets_the_pdf_as_an_attachment_named_after_the_licence(api_for, applicant, licence):
    response = api_for(applicant).get(url(licence))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{licence.number}.pdf"'
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("accept", ["application/json", "text/html", "image/png", "*/*", ""])
def test_it_is_the_pdf_whatever_the_accept_header_says(api_for, applicant, licence, accept):
    response = api_for(applicant).get(url(licence), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_regulators_staff_get_it_too(api_for, reviewer, auditor, licence):
    for user in (reviewer, auditor):
        assert api_for(user).get(url(licence)).status_code == 200


def test_another_companys_licence_is_not_found(api_for, other_applicant, licence):
    response = api_for(other_applicant).get(url(licence), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_without_a_token_it_answers_401(anonymous, licence):
    response = anonymous.get(url(licence))
    assert response.status_code == 401
    assert b"%PDF" not in response.content
