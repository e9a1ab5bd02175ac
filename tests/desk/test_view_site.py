"""The desk's "View site": staff land on the public side of Chipgate as it concerns them, never on a refusal."""
import pytest

pytestmark = pytest.mark.django_db


def test_view_site_leads_staff_to_the_public_side(client, reviewer):
    client.force_login(reviewer)
    assert '<a href="/admin/site/">View site</a>' in client.get("/admin/").content.decode()
    response = client.get("/admin/site/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/accounts/login/"' in html and 'href="/api/docs/"' in html
    assert '<input type="text" name="code" id="id_code"' in html


def test_the_site_root_sends_staff_to_the_desk(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_a_verification_code_opens_the_public_page(client, auditor):
    client.force_login(auditor)
    response = client.get("/admin/site/", {"code": " CG7K-93QX-LM2P "})
    assert (response.status_code, response["Location"]) == (302, "/verify/CG7K-93QX-LM2P/")


@pytest.mark.parametrize("code", ["", "a/b", "x" * 65, "名字"])
def test_a_bad_verification_code_is_explained(client, auditor, code):
    client.force_login(auditor)
    response = client.get("/admin/site/", {"code": code})
    assert response.status_code == 200
    assert "Give the verification code printed on the certificate" in response.content.decode()


def test_the_overview_is_for_desk_staff_only(client, applicant):
    client.force_login(applicant)
    response = client.get("/admin/site/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
