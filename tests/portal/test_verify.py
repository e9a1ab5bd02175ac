"""The public verification page: anyone with a certificate's code sees the number, holder, status, validity and
per-chip approved and remaining units, and nothing else; unknown codes all look alike; lookups are throttled."""
import pytest

from approvals import clock, services
from tests.factories import PURPOSE, approved_licence, declaration, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(applicant, reviewer):
    licence = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 8, "31234.56"), line("nvidia-h20", 4)],
                               conditions="Install only at the declared site.")
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference="INV-77",
                             lines=[{"chip": "nvidia-h200", "quantity": 3}])
    return licence


def page(client, code: str, address: str = "203.0.113.7"):
    return client.get(f"/verify/{code}/", REMOTE_ADDR=address)


def test_anyone_sees_what_the_licence_allows_without_signing_in(client, licence):
    response = page(client, licence.verification_code)
    assert response.status_code == 200
    body = response.content.decode()
    for expected in (licence.number, licence.holder.legal_name, "ACTIVE — valid for shipment", "NVIDIA H200 SXM",
                     "NVIDIA H20"):
        assert expected in body, expected
    assert response.context["licence"]["lines"] == [
        {"chip": "nvidia-h20", "chip_name": "NVIDIA H20", "approved": 4, "remaining": 4},
        {"chip": "nvidia-h200", "chip_name": "NVIDIA H200 SXM", "approved": 8, "remaining": 5},
    ]
    assert licence.valid_until.strftime("%-d %b %Y") in body
    assert response["Cache-Control"] == "no-store"


def test_it_shows_no_price_purpose_end_user_or_person(client, licence, applicant, reviewer):
    body = page(client, licence.verification_code).content.decode()
    secrets = [PURPOSE[:40], declaration()["end_user"], declaration()["deployment_site"], "31234", "31,234",
               reviewer.username, applicant.username, licence.holder.uscc, "INV-77",
               "Install only at the declared site", str(licence.import_request.reference)]
    for secret in secrets:
        assert secret not in body, secret


def test_a_suspended_licence_says_it_is_not_valid_for_shipment(client, licence, senior):
    services.licence_transition(licence_id=licence.pk, action="suspend", actor=senior,
                                payload={"reason": "Under investigation."})
    body = page(client, licence.verification_code).content.decode()
    assert "SUSPENDED — not valid for shipment" in body
    assert "Under investigation" not in body


def test_every_unknown_code_gets_the_same_not_found_page(client, licence):
    codes = ["x" * 32, licence.verification_code[:-1] + ("A" if licence.verification_code[-1] != "A" else "B"),
             "short", "y" * 200, "%00"]
    responses = [page(client, code) for code in codes]
    assert {response.status_code for response in responses} == {404}
    assert len({response.content for response in responses}) == 1
    assert all(code.encode() not in responses[0].content for code in codes)


def test_lookups_from_one_address_are_throttled(client, licence, settings):
    settings.CHIPGATE_VERIFY_THROTTLE_RATE = "3/min"
    assert [page(client, licence.verification_code).status_code for _ in range(3)] == [200, 200, 200]
    over = page(client, licence.verification_code)
    assert over.status_code == 429
    assert 1 <= int(over["Retry-After"]) <= 60
    assert licence.number.encode() not in over.content
    assert page(client, licence.verification_code, address="198.51.100.9").status_code == 200


def test_unknown_codes_count_against_the_budget_too(client, licence, settings):
    settings.CHIPGATE_VERIFY_THROTTLE_RATE = "2/min"
    assert [page(client, "z" * 32).status_code for _ in range(2)] == [404, 404]
    assert page(client, licence.verification_code).status_code == 429


def test_the_page_costs_the_same_however_many_lines(client, applicant, reviewer, django_assert_max_num_queries):
    small = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 1)])
    large = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 1), line("nvidia-h20", 1)])
    for licence in (small, large):
        with django_assert_max_num_queries(2):
            assert page(client, licence.verification_code).status_code == 200
