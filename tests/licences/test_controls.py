"""The framework's hard controls at approval: the approved-customer gate and the customer cap (counting licensed
quantities in the window), re-checked in the approving transaction; the first refusal is named."""
from datetime import timedelta

import pytest

from approvals import clock, services
from approvals.errors import WorkflowError
from approvals.models import ApprovedCustomerChange, Company, ImportRequest, Licence
from tests.factories import line, request_in_review

pytestmark = pytest.mark.django_db


def escalated(applicant, reviewer, quantity):
    case = request_in_review(applicant, lines=[line("nvidia-h200", quantity)])
    services.request_transition(import_request_id=case.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": "Fits the declared run."})
    return case


def approve(case, actor, **payload):
    return services.request_transition(import_request_id=case.pk, action="approve", actor=actor, payload=payload)


def test_a_company_that_is_not_an_approved_customer_gets_no_framework_chips(applicant, reviewer):
    Company.objects.filter(pk=applicant.membership.company_id).update(approved_customer=False)
    case = request_in_review(applicant)
    with pytest.raises(WorkflowError) as excinfo:
        approve(case, reviewer)
    assert excinfo.value.code == "not_approved_customer"
    assert excinfo.value.message == (
        f"{applicant.membership.company} is not an approved customer under the framework (it is not approved), "
        "and NVIDIA H200 SXM may be sold to approved customers only. Reject the request, or approve it once the "
        "company's status is renewed.")
    assert (ImportRequest.objects.get(pk=case.pk).status, Licence.objects.count()) == ("under_review", 0)


def test_an_approval_past_its_validity_no_longer_counts(applicant, reviewer):
    Company.objects.filter(pk=applicant.membership.company_id).update(
        approved_customer_valid_until=clock.today() - timedelta(days=1))
    case = request_in_review(applicant)
    with pytest.raises(WorkflowError) as excinfo:
        approve(case, reviewer)
    assert excinfo.value.code == "not_approved_customer"
    assert f"its approval ended on {clock.today() - timedelta(days=1)}" in excinfo.value.message


def test_two_large_orders_cannot_together_pass_the_cap(applicant, reviewer, senior, senior2):
    first, second = escalated(applicant, reviewer, 45_032), escalated(applicant, reviewer, 35_000)
    approve(first, senior)
    with pytest.raises(WorkflowError) as excinfo:
        approve(second, senior2)
    assert excinfo.value.code == "over_customer_cap"
    assert excinfo.value.message == (
        f"Approving 35,000 units would give {applicant.membership.company} 80,032 licensed units in 365 days, over "
        "the 75,000-unit cap per customer (45,032 held already). At most 29,968 can be approved now: approve part "
        "of the order, or reject it.")
    line_id = second.lines.get().pk
    approved = approve(second, senior2, approved_lines=[{"line": line_id, "quantity": 29_968}])
    assert approved.status == "approved"
    assert sum(Licence.objects.values_list("total_units", flat=True)) == 75_000


def test_a_revoked_licence_frees_its_units(applicant, reviewer, senior, senior2):
    first, second = escalated(applicant, reviewer, 45_032), escalated(applicant, reviewer, 35_000)
    approve(first, senior)
    services.licence_transition(licence_id=first.licence.pk, action="revoke", actor=senior2,
                                payload={"reason": "Misdeclared end user."})
    assert approve(second, senior2).status == "approved"


def test_the_gate_is_named_before_the_cap(applicant, reviewer, senior, senior2):
    first, second = escalated(applicant, reviewer, 45_032), escalated(applicant, reviewer, 35_000)
    approve(first, senior)
    Company.objects.filter(pk=applicant.membership.company_id).update(approved_customer=False)
    with pytest.raises(WorkflowError) as excinfo:
        approve(second, senior2)
    assert excinfo.value.code == "not_approved_customer"


def test_senior_reviewers_set_the_status_with_a_trail_and_open_cases_are_rescored(applicant, reviewer, senior):
    case = request_in_review(applicant)
    company_id = applicant.membership.company_id
    with pytest.raises(WorkflowError) as excinfo:
        services.company_approved_customer_set(company_id=company_id, actor=reviewer, approved=False, reason="x")
    assert excinfo.value.code == "forbidden"
    services.company_approved_customer_set(company_id=company_id, actor=senior, approved=False,
                                           reason="Framework approval withdrawn on 1 December.")
    assert not Company.objects.get(pk=company_id).approved_customer
    change = ApprovedCustomerChange.objects.get()
    assert (change.approved_customer, change.changed_by, change.reason) == (
        False, senior, "Framework approval withdrawn on 1 December.")
    assert "not_approved_customer" in ImportRequest.objects.get(pk=case.pk).flag_list
    with pytest.raises(WorkflowError) as excinfo:
        services.company_approved_customer_set(company_id=company_id, actor=senior, approved=True, reason="Back.")
    assert excinfo.value.field_errors == {"reference": ["Give the framework's reference for the approval."]}
