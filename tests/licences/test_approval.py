"""Approving issues exactly one licence in the same transaction, with the approved quantities per line."""
import pytest

from approvals import selectors, services
from approvals.audit import audit_verify
from approvals.errors import WorkflowError
from approvals.models import ImportRequest, Licence, LicenceEvent, Notification
from tests.factories import line, request_in_review

pytestmark = pytest.mark.django_db

LINES = [line("nvidia-h200", 10), line("nvidia-h20", 4, "12000.00"), line("nvidia-h200", 6)]


def approve(case, reviewer, **payload):
    return services.request_transition(import_request_id=case.pk, action="approve", actor=reviewer,
                                       payload=payload)


def test_lines_not_named_are_approved_in_full_and_one_chip_is_one_licence_line(applicant, reviewer):
    case = request_in_review(applicant, lines=LINES)
    h200_first, h20, _ = case.lines.order_by("id")
    approve(case, reviewer, approved_lines=[{"line": h200_first.pk, "quantity": 3}, {"line": h20.pk, "quantity": 0}])
    assert list(case.lines.order_by("id").values_list("quantity", "approved_quantity")) == [(10, 3), (4, 0), (6, 6)]
    licence = Licence.objects.get(import_request=case)
    assert [(line.chip.slug, line.approved, line.shipped) for line in licence.lines.all()] == [("nvidia-h200", 9, 0)]
    assert (licence.total_units, licence.total_tpp) == (9, 9 * 15832)
    case = ImportRequest.objects.get(pk=case.pk)
    assert (case.status, case.total_units, case.total_tpp) == ("approved", 9, 9 * 15832)
    assert licence.status == "active" and licence.holder_id == case.company_id
    assert len(licence.verification_code) >= 32  # 24 random bytes, URL-safe
    assert list(LicenceEvent.objects.filter(licence=licence).values_list("action", flat=True)) == ["issue"]
    assert audit_verify()[1] == []


def test_the_holder_is_told_of_the_licence(applicant, reviewer):
    case = request_in_review(applicant)
    approve(case, reviewer, conditions="Quarterly utilisation reports.")
    licence = case.licence
    told = Notification.objects.get(recipient=applicant, kind="licence_issue")
    assert told.subject == f"Licence {licence.number}: licence issued"
    assert "Quarterly utilisation reports." in told.body and f"/licences/{licence.public_id}/" in told.body


@pytest.mark.parametrize(("approved_lines", "words"), [
    ([{"line": 99999, "quantity": 1}], "no line 99999 on this request"),
    ([{"line": "first", "quantity": 1}], "no line 'first' on this request"),
    ("all", "Give the approved lines as a list"),
    ("same", "is named twice"),
    ("more", "asks for 10; no more than that can be approved (11 given)"),
    ("negative", "must be a whole number, 0 or more"),
    ("zeros", "Every line is at 0: to approve nothing, reject the request."),
])
def test_bad_approved_lines_are_refused_under_their_key_and_change_nothing(applicant, reviewer, approved_lines,
                                                                          words):
    case = request_in_review(applicant, lines=LINES)
    ids = list(case.lines.order_by("id").values_list("pk", flat=True))
    named = {
        "same": [{"line": ids[0], "quantity": 1}, {"line": ids[0], "quantity": 2}],
        "more": [{"line": ids[0], "quantity": 11}],
        "negative": [{"line": ids[0], "quantity": -1}],
        "zeros": [{"line": pk, "quantity": 0} for pk in ids],
    }
    if isinstance(approved_lines, str) and approved_lines in named:
        approved_lines = named[approved_lines]
    with pytest.raises(WorkflowError) as excinfo:
        approve(case, reviewer, approved_lines=approved_lines)
    assert excinfo.value.code == "invalid"
    assert words in " ".join(excinfo.value.field_errors["approved_lines"])
    after = ImportRequest.objects.get(pk=case.pk)
    assert (after.status, after.version, after.total_units) == ("under_review", case.version, 20)
    assert not Licence.objects.exists()
    assert set(after.lines.values_list("approved_quantity", flat=True)) == {None}


def test_the_rolling_totals_count_licensed_quantities(applicant, reviewer, senior):
    case = request_in_review(applicant, lines=LINES)
    first = case.lines.order_by("id").first()
    approve(case, reviewer, approved_lines=[{"line": first.pk, "quantity": 1}])
    totals = selectors.rolling_totals(company_id=case.company_id)
    assert totals == {"units": 1 + 4 + 6, "tpp": 7 * 15832 + 4 * 2368}
    services.licence_transition(licence_id=case.licence.pk, action="revoke", actor=senior,
                                payload={"reason": "Misdeclared."})
    assert selectors.rolling_totals(company_id=case.company_id) == {"units": 0, "tpp": 0.0}
