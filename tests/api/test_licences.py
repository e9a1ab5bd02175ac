"""GET /api/v1/licences/ and /api/v1/licences/{id}/: the contract, who sees which licence, pages and filters, and a
fixed number of queries."""
import pytest

from approvals import clock, services
from approvals.models import CompanyMember, Licence
from tests.api.conftest import licence_url, url
from tests.factories import ApplicantFactory, approved_licence, line

LIST = "/api/v1/licences/"
CONTRACT = {"id", "number", "request", "status", "valid_from", "valid_until", "conditions", "lines",
            "verification_url", "certificate_url", "version"}
# Beyond the contract: whose licence it is, and what the caller may do to it now.
EXTRAS = {"holder", "available_actions"}


@pytest.fixture
def licence(applicant, reviewer):
    return approved_licence(applicant, reviewer, conditions="Quarterly utilisation reports.")  # 8 H200 and 4 H20


def test_the_licence_has_exactly_the_contract_keys(api_for, applicant, licence):
    body = api_for(applicant).get(licence_url(licence.public_id)).json()
    assert set(body) == CONTRACT | EXTRAS
    assert body["id"] == str(licence.public_id)
    assert body["number"] == licence.number
    assert body["request"] == str(licence.import_request.public_id)
    assert (body["status"], body["version"], body["conditions"]) == ("active", 1, "Quarterly utilisation reports.")
    assert (body["valid_from"], body["valid_until"]) == (licence.valid_from.isoformat(),
                                                          licence.valid_until.isoformat())
    assert body["lines"] == [
        {"chip": "nvidia-h20", "chip_name": "NVIDIA H20", "approved": 4, "shipped": 0, "remaining": 4},
        {"chip": "nvidia-h200", "chip_name": "NVIDIA H200 SXM", "approved": 8, "shipped": 0, "remaining": 8},
    ]
    assert body["available_actions"] == []


def test_the_list_items_carry_the_same_body(api_for, applicant, licence):
    client = api_for(applicant)
    assert client.get(LIST).json()["results"] == [client.get(licence_url(licence.public_id)).json()]


def test_the_links_are_absolute_on_the_host_that_answered(api_for, applicant, licence):
    body = api_for(applicant).get(licence_url(licence.public_id), HTTP_HOST="127.0.0.1:8000").json()
    assert body["verification_url"] == f"http://127.0.0.1:8000/verify/{licence.verification_code}/"
    assert body["certificate_url"] == f"http://127.0.0.1:8000/api/v1/licences/{licence.public_id}/certificate/"
    secure = api_for(applicant).get(licence_url(licence.public_id), HTTP_HOST="localhost", secure=True).json()
    assert secure["verification_url"] == f"https://localhost/verify/{licence.verification_code}/"


def test_the_lines_show_what_shipped_and_what_remains(api_for, applicant, licence):
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference="INV-1",
                             lines=[{"chip": "nvidia-h200", "quantity": 5}])
    body = api_for(applicant).get(licence_url(licence.public_id)).json()
    assert [(item["chip"], item["approved"], item["shipped"], item["remaining"]) for item in body["lines"]] == [
        ("nvidia-h20", 4, 0, 4), ("nvidia-h200", 8, 5, 3)]
    assert body["version"] == 2


def test_the_flags_are_the_regulators_only(api_for, applicant, reviewer, licence):
    Licence.objects.filter(pk=licence.pk).update(flags="end_use_report_overdue")
    assert "flags" not in api_for(applicant).get(licence_url(licence.public_id)).json()
    assert "flags" not in api_for(applicant).get(LIST).json()["results"][0]
    staff = api_for(reviewer).get(licence_url(licence.public_id)).json()
    assert set(staff) == CONTRACT | EXTRAS | {"flags"}
    assert staff["flags"] == ["end_use_report_overdue"]


def test_the_company_never_reads_who_on_the_regulators_side_moved_its_licence(api_for, applicant, reviewer, senior,
                                                                              licence):
    api_for(senior).post(licence_url(licence.public_id, "transitions/"),
                         {"action": "suspend", "reason": "Site inspection pending."}, format="json")
    client = api_for(applicant)
    for path in (licence_url(licence.public_id), LIST):
        text = client.get(path).content.decode()
        assert senior.username not in text and reviewer.username not in text
    assert client.get(licence_url(licence.public_id)).json()["status"] == "suspended"


@pytest.mark.parametrize(("role", "actions"), [
    ("applicant", []), ("admin", ["surrender"]), ("reviewer", []), ("senior", ["suspend", "revoke"]), ("auditor", []),
])
def test_available_actions_depend_on_the_caller(request, api_for, applicant, licence, role, actions):
    if role == "admin":
        CompanyMember.objects.filter(user=applicant).update(role="admin")
        caller = applicant
    else:
        caller = request.getfixturevalue(role)
    assert api_for(caller).get(licence_url(licence.public_id)).json()["available_actions"] == actions


# The list -------------------------------------------------------------------------------------------------------

def test_a_company_lists_its_own_licences_newest_first(api_for, applicant, reviewer, other_applicant):
    first = approved_licence(applicant, reviewer)
    second = approved_licence(applicant, reviewer)
    approved_licence(other_applicant, reviewer)
    results = api_for(applicant).get(LIST).json()["results"]
    assert [item["id"] for item in results] == [str(second.public_id), str(first.public_id)]


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_the_regulator_lists_every_licence(request, api_for, applicant, reviewer, other_applicant, role):
    ours, theirs = approved_licence(applicant, reviewer), approved_licence(other_applicant, reviewer)
    results = api_for(request.getfixturevalue(role)).get(LIST).json()["results"]
    assert [item["id"] for item in results] == [str(theirs.public_id), str(ours.public_id)]


def test_staff_outside_the_review_see_no_licences(api_for, maintainer, licence):
    assert api_for(maintainer).get(LIST).json()["results"] == []


def test_the_status_filter_is_repeatable(api_for, applicant, reviewer, senior):
    active = approved_licence(applicant, reviewer)
    suspended = approved_licence(applicant, reviewer)
    revoked = approved_licence(applicant, reviewer)
    services.licence_transition(licence_id=suspended.pk, action="suspend", actor=senior, payload={"reason": "x"})
    services.licence_transition(licence_id=revoked.pk, action="revoke", actor=senior, payload={"reason": "x"})
    client = api_for(applicant)

    def ids(query):
        return [item["id"] for item in client.get(f"{LIST}?{query}").json()["results"]]

    assert ids("status=active") == [str(active.public_id)]
    assert ids("status=active&status=revoked") == [str(revoked.public_id), str(active.public_id)]
    assert ids("") == [str(revoked.public_id), str(suspended.public_id), str(active.public_id)]


@pytest.mark.parametrize("query", ["status=approved", "status=", "page_size=0", "cursor=garbage"])
def test_a_bad_filter_or_paging_value_answers_400_naming_it(api_for, applicant, licence, query):
    response = api_for(applicant).get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert query.split("=")[0] in response.json()


def test_the_list_pages_with_a_cursor(api_for, applicant, reviewer):
    made = [approved_licence(applicant, reviewer) for _ in range(3)]
    client = api_for(applicant)
    page = client.get(LIST, {"page_size": 2}).json()
    seen = [item["id"] for item in page["results"]]
    page = client.get(page["next"]).json()
    seen += [item["id"] for item in page["results"]]
    assert page["next"] is None
    assert seen == [str(licence.public_id) for licence in reversed(made)]


# Queries --------------------------------------------------------------------------------------------------------

# Token with user, membership and roles; the page of licences with holder and request; their lines with chips.
LIST_QUERIES = 3


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_the_list_costs_the_same_for_1_and_many_licences(request, api_for, applicant, reviewer,
                                                         django_assert_num_queries, role):
    client = api_for(request.getfixturevalue(role))
    approved_licence(applicant, reviewer)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(LIST).json()["results"]) == 1
    for _ in range(5):
        approved_licence(applicant, reviewer)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(LIST).json()["results"]) == 6


def test_the_detail_costs_the_same_for_1_and_many_lines(api_for, applicant, reviewer, django_assert_num_queries):
    one_chip = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 8)])
    two_chips = approved_licence(applicant, reviewer, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00"),
                                                             line("nvidia-h200", 2)])
    client = api_for(applicant)
    for licence, count in ((one_chip, 1), (two_chips, 2)):
        with django_assert_num_queries(3):  # token, licence with holder and request, lines with chips
            assert len(client.get(licence_url(licence.public_id)).json()["lines"]) == count


# Who sees which licence -------------------------------------------------------------------------------------------

ROUTES = [
    ("get", ""),
    ("get", "shipments/"),
    ("post", "shipments/"),
    ("get", "end-use-reports/"),
    ("post", "end-use-reports/"),
    ("post", "transitions/"),
]


@pytest.fixture
def other_company_admin(db):
    return ApplicantFactory(membership__role="admin")


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_another_companys_licence_answers_404_on_every_route(api_for, other_company_admin, applicant, licence,
                                                              method, suffix):
    shipment = services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                        reference="INV-1", lines=[{"chip": "nvidia-h200", "quantity": 1}])
    body = {"action": "surrender", "shipped_on": clock.today().isoformat(), "reference": "INV-2",
            "lines": [{"chip": "nvidia-h200", "quantity": 1}], "shipment": str(shipment.public_id),
            "installed_units": 1, "site": "Hall B", "use": "Training."}
    response = getattr(api_for(other_company_admin), method)(licence_url(licence.public_id, suffix), body,
                                                             format="json")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No such licence."}
    licence.refresh_from_db()
    assert (licence.status, licence.version, licence.shipments.count()) == ("active", 2, 1)
    assert licence.end_use_reports.get().state == "due"


def test_the_404_is_the_same_as_for_a_licence_that_does_not_exist(api_for, other_applicant, licence):
    client = api_for(other_applicant)
    existing = client.get(licence_url(licence.public_id))
    missing = client.get(licence_url("0b9f6c43-2d55-4e1c-9d4a-2f7f4a7c1e00"))
    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json())
    assert client.get(LIST).json()["results"] == []


@pytest.mark.parametrize("path", ["/api/v1/licences/not-a-uuid/", "/api/v1/licences/12345/shipments/",
                                  "/api/v1/licences/%20/transitions/"])
def test_malformed_ids_answer_404(api_for, applicant, path):
    response = api_for(applicant).get(path)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_without_a_token_the_licences_answer_401(anonymous, licence):
    assert anonymous.get(LIST).status_code == 401
    assert anonymous.get(licence_url(licence.public_id)).status_code == 401


def test_the_request_names_its_licence(api_for, applicant, licence):
    body = api_for(applicant).get(url(licence.import_request.public_id)).json()
    assert body["licence"] == str(licence.public_id)
