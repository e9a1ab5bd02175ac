"""Periodic work: lapse overdue answers, expire old approvals, SLA reminders, and the submitted sweep."""
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import tasks
from approvals.clock import add_working_days, holidays, today
from approvals.models import ImportRequest, InformationRequest, Licence, Notification
from approvals.services import request_transition
from tests.factories import request_in_review, submitted_request

pytestmark = pytest.mark.django_db


def test_lapse_only_requests_whose_answer_is_overdue(applicant, reviewer):
    overdue, on_time = request_in_review(applicant), request_in_review(applicant)
    for request in (overdue, on_time):
        request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                           payload={"question": "Which site?"})
    InformationRequest.objects.filter(import_request=overdue).update(due_date=today() - timedelta(days=1))
    assert tasks.lapse_overdue_information() == 1
    assert ImportRequest.objects.get(pk=overdue.pk).status == "lapsed"
    assert ImportRequest.objects.get(pk=on_time.pk).status == "information_requested"
    assert tasks.lapse_overdue_information() == 0


def test_default_answer_due_date_is_ten_working_days(applicant, reviewer):
    request = request_in_review(applicant)
    request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                       payload={"question": "Which site?"})
    assert request.information_requests.get().due_date == add_working_days(today(), 10, holidays())


def test_licences_past_their_validity_expire_and_their_requests_stay_approved(applicant, reviewer):
    old, fresh = request_in_review(applicant), request_in_review(applicant)
    for request in (old, fresh):
        request_transition(import_request_id=request.pk, action="approve", actor=reviewer)
    Licence.objects.filter(import_request=old).update(valid_until=today() - timedelta(days=1))
    assert tasks.expire_approvals() == 1
    assert Licence.objects.get(import_request=old).status == "expired"
    assert Licence.objects.get(import_request=fresh).status == "active"
    assert ImportRequest.objects.get(pk=old.pk).status == "approved"
    assert tasks.expire_approvals() == 0


def test_sla_reminders_at_80_percent_and_when_overdue_once_each(applicant, reviewer):
    near, overdue, _early = (request_in_review(applicant) for _ in range(3))
    ImportRequest.objects.filter(pk=near.pk).update(sla_due=add_working_days(today(), 3, holidays()))
    ImportRequest.objects.filter(pk=overdue.pk).update(sla_due=today() - timedelta(days=3))
    assert tasks.send_sla_reminders() == 2
    kinds = dict(Notification.objects.filter(kind__startswith="sla").values_list("import_request_id", "kind"))
    assert kinds == {near.pk: "sla_near", overdue.pk: "sla_overdue"}
    count = Notification.objects.count()
    tasks.send_sla_reminders()
    assert Notification.objects.count() == count


def test_the_sweep_screens_requests_left_in_submitted(applicant):
    stuck, recent = submitted_request(applicant), submitted_request(applicant)
    ImportRequest.objects.filter(pk=stuck.pk).update(submitted_at=timezone.now() - timedelta(minutes=10))
    assert tasks.sweep_submitted() == 1
    assert ImportRequest.objects.get(pk=stuck.pk).status == "under_review"
    assert ImportRequest.objects.get(pk=recent.pk).status == "submitted"


def test_sla_reminders_cost_the_same_queries_for_many_cases(applicant, reviewer, django_assert_max_num_queries):
    cases = [request_in_review(applicant) for _ in range(6)]
    ImportRequest.objects.filter(pk__in=[case.pk for case in cases]).update(
        sla_due=add_working_days(today(), 2, holidays())
    )
    # A savepoint pair, the cases and the reviewers once; then per case: store its notifications, find the
    # unsent ones. Reading the reviewers per case would add one query each.
    with django_assert_max_num_queries(4 + 6 * 2):
        assert tasks.send_sla_reminders() == 6
