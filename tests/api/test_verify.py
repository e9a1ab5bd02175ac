"""GET /api/v1/verify/{code}/: anyone, without a token, gets the number, holder, status, validity and per-chip
approved and remaining units, nothing else; unknown codes all answer the same 404; lookups are throttled per
address, together with the verification page."""
import json

import pytest

from approvals import clock, services
from tests.factories import PURPOSE, approved_licence, declaration, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence(applicant, reviewer):
    licence = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 8, "31234.56"), line("nvidia-h20", 4)],
                               conditions="Install only at the declared site.")
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference="INV-77",
                             lines=[{"chip": "nvidia-h20", "quantity": 1}])
    return licence


def verify(client, code: str, address: str = "203.0.113.7", **headers):
    return client.get(f"/api/v1/verify/{code}/", REMOTE_ADDR=address, **headers)


def test_anyone_gets_the_contract_without_a_token(anonymous, licence):
    response = verify(anonymous, licence.verification_code)
    assert response.status_code == 200
    assert response.json() == {
        "number": licence.number,
        "holder": licence.holder.legal_name,
        "status": "active",
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat(),
        "lines": [
            {"chip": "nvidia-h20", "chip_name": "NVIDIA H20", "approved": 4, "remaining": 3},
            {"chip": "nvidia-h200", "chip_name": "NVIDIA H200 SXM", "approved": 8, "remaining": 8},
        ],
    }


def test_a_token_is_not_needed_and_a_bad_one_does_not_matter(anonymous, licence):
    response = verify(anonymous, licence.verification_code, HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 200


def test_it_shows_no_price_purpose_end_user_or_person(anonymous, licence, applicant, reviewer):
    body = verify(anonymous, licence.verification_code).content.decode()
    secrets = [PURPOSE[:40], declaration()["end_user"], declaration()["deployment_site"], "31234", reviewer.username,
               applicant.username, licence.holder.uscc, "INV-77", "Install only at the declared site",
               str(licence.import_request.reference), str(licence.public_id)]
    for secret in secrets:
        assert secret not in body, secret


def test_a_suspended_licence_says_so(anonymous, licence, senior):
    services.licence_transition(licence_id=licence.pk, action="suspend", actor=senior,
                                payload={"reason": "Under investigation."})
    assert verify(anonymous, licence.verification_code).json()["status"] == "suspended"


def test_every_unknown_code_gets_the_same_404(anonymous, licence):
    codes = ["x" * 32, licence.verification_code[:-1] + ("A" if licence.verification_code[-1] != "A" else "B"),
             "short", "y" * 200]
    responses = [verify(anonymous, code) for code in codes]
    assert {response.status_code for response in responses} == {404}
    assert len({response.content for response in responses}) == 1
    assert json.loads(responses[0].content)["code"] == "not_found"


def test_lookups_from_one_address_are_throttled(anonymous, licence, settings):
    settings.CHIPGATE_VERIFY_THROTTLE_RATE = "3/min"
    assert [verify(anonymous, licence.verification_code).status_code for _ in range(3)] == [200, 200, 200]
    over = verify(anonymous, licence.verification_code)
    assert over.status_code == 429
    assert over.json()["code"] == "throttled"
    assert over.json()["detail"]
    assert 1 <= int(over["Retry-After"]) <= 60
    assert verify(anonymous, licence.verification_code, address="198.51.100.9").status_code == 200


def test_the_page_and_the_api_share_one_budget_per_address(anonymous, client, licence, settings):
    settings.CHIPGATE_VERIFY_THROTTLE_RATE = "2/min"
    assert client.get(f"/verify/{licence.verification_code}/", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert verify(anonymous, licence.verification_code).status_code == 200
    assert verify(anonymous, licence.verification_code).status_code == 429


def test_behind_trusted_proxies_the_forwarded_address_counts(anonymous, licence, settings):
    settings.CHIPGATE_TRUSTED_PROXIES = 1
    settings.CHIPGATE_VERIFY_THROTTLE_RATE = "1/min"
    proxy = "10.0.0.2"
    assert verify(anonymous, licence.verification_code, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert verify(anonymous, licence.verification_code, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert verify(anonymous, licence.verification_code, proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_answer_costs_the_same_however_many_lines(anonymous, applicant, reviewer, django_assert_max_num_queries):
    small = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 1)])
    large = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 1), line("nvidia-h20", 1)])
    for licence in (small, large):
        with django_assert_max_num_queries(2):
            assert verify(anonymous, licence.verification_code).status_code == 200
