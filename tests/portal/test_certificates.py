"""The certificate download in the portal: the holder's members and the regulator's staff get the signed PDF;
anyone else gets the not-found page, and no one unsigned-in gets anything."""
import pytest

from tests.factories import ApplicantFactory, approved_licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(applicant, reviewer, signing_identity):
    return approved_licence(applicant, reviewer)


def url(licence) -> str:
    return f"/licences/{licence.public_id}/certificate/"


def test_the_holders_members_download_the_signed_pdf(signed_in, licence, applicant):
    viewer = ApplicantFactory(membership__company=licence.holder, membership__role="viewer")
    for user in (applicant, viewer):
        response = signed_in(user).get(url(licence))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{licence.number}.pdf"'
        assert response.content.startswith(b"%PDF-")


def test_the_regulators_staff_download_it_too(signed_in, licence, reviewer, auditor):
    for user in (reviewer, auditor):
        assert signed_in(user).get(url(licence)).status_code == 200


def test_anyone_else_gets_the_not_found_page(signed_in, licence, other_applicant, maintainer):
    for user in (other_applicant, maintainer):
        response = signed_in(user).get(url(licence))
        assert response.status_code == 404
        assert b"%PDF" not in response.content


def test_an_unknown_licence_is_not_found(signed_in, applicant, signing_identity):
    assert signed_in(applicant).get("/licences/00000000-0000-4000-8000-000000000000/certificate/").status_code == 404


def test_signing_in_comes_first(client, licence):
    response = client.get(url(licence))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
