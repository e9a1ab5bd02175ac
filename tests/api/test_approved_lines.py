"""Approval in part over the API: each line has an id to name in ``approved_lines``; refusals come under that key;
after the decision the lines carry their approved quantities and the request its licence."""
import pytest

from approvals.models import ImportRequest, Licence
from tests.api.conftest import url
from tests.factories import line, request_in_review

LINES = [line("nvidia-h200", 10), line("nvidia-h20", 4, "12000.00"), line("nvidia-h200", 6)]


@pytest.fixture
def case(applicant):
    return request_in_review(applicant, lines=LINES)


def approve(client, case, **payload):
    return client.post(url(case.public_id, "transitions/"), {"action": "approve", **payload}, format="json")


def test_before_the_decision_lines_have_ids_and_no_approved_quantity(api_for, applicant, case):
    body = api_for(applicant).get(url(case.public_id)).json()
    assert [item["id"] for item in body["lines"]] == list(case.lines.order_by("id").values_list("pk", flat=True))
    assert [item["approved_quantity"] for item in body["lines"]] == [None, None, None]
    assert body["licence"] is None


def test_a_reviewer_approves_in_part_and_lines_not_named_are_approved_in_full(api_for, applicant, reviewer, case):
    ids = [item["id"] for item in api_for(reviewer).get(url(case.public_id)).json()["lines"]]
    response = approve(api_for(reviewer), case, conditions="Quarterly reports.",
                       approved_lines=[{"line": ids[0], "quantity": 3}, {"line": ids[1], "quantity": 0}])
    assert (response.status_code, response.json()["status"]) == (200, "approved")
    body = api_for(applicant).get(url(case.public_id)).json()
    assert [(item["quantity"], item["approved_quantity"]) for item in body["lines"]] == [(10, 3), (4, 0), (6, 6)]
    licence = Licence.objects.get(import_request=case)
    assert body["licence"] == str(licence.public_id)
    assert (body["conditions"], body["valid_until"]) == ("Quarterly reports.", licence.valid_until.isoformat())
    assert [(line.chip.slug, line.approved) for line in licence.lines.all()] == [("nvidia-h200", 9)]


def test_an_approval_without_approved_lines_approves_every_line_in_full(api_for, applicant, reviewer, case):
    assert approve(api_for(reviewer), case).status_code == 200
    body = api_for(applicant).get(url(case.public_id)).json()
    assert [item["approved_quantity"] for item in body["lines"]] == [10, 4, 6]


@pytest.mark.parametrize(("named", "words"), [
    ("more", "no more than that can be approved"),
    ("unknown", "no line 99999 on this request"),
    ("repeated", "is named twice"),
    ("zeros", "Every line is at 0"),
    ("negative", "0 or more"),
    ("text", "must be a whole number"),
])
def test_bad_approved_lines_answer_400_under_their_key(api_for, reviewer, case, named, words):
    ids = list(case.lines.order_by("id").values_list("pk", flat=True))
    approved_lines = {
        "more": [{"line": ids[0], "quantity": 11}],
        "unknown": [{"line": 99999, "quantity": 1}],
        "repeated": [{"line": ids[0], "quantity": 1}, {"line": ids[0], "quantity": 2}],
        "zeros": [{"line": pk, "quantity": 0} for pk in ids],
        "negative": [{"line": ids[1], "quantity": -1}],
        "text": [{"line": ids[1], "quantity": "two"}],
    }[named]
    response = approve(api_for(reviewer), case, approved_lines=approved_lines)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert words in " ".join(body["approved_lines"])
    case = ImportRequest.objects.get(pk=case.pk)
    assert case.status == "under_review"
    assert not Licence.objects.exists()


@pytest.mark.parametrize("approved_lines", ["all", [3], [[1, 2]]])
def test_approved_lines_that_are_not_a_list_of_objects_answer_400(api_for, reviewer, case, approved_lines):
    response = approve(api_for(reviewer), case, approved_lines=approved_lines)
    assert response.status_code == 400
    assert set(response.json()) == {"approved_lines", "code", "detail"}
    assert ImportRequest.objects.get(pk=case.pk).status == "under_review"


def test_a_rejected_request_has_no_licence_and_no_approved_quantities(api_for, applicant, reviewer, case):
    api_for(reviewer).post(url(case.public_id, "transitions/"),
                           {"action": "reject", "reason_codes": ["other"], "reason": "No."}, format="json")
    body = api_for(applicant).get(url(case.public_id)).json()
    assert body["licence"] is None
    assert {item["approved_quantity"] for item in body["lines"]} == {None}
