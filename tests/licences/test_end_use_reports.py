"""End-use reports: due after the policy's period, filed by the holder, accepted or followed up by a reviewer;
an overdue one flags the licence and both sides hear of it."""
from datetime import timedelta

import pytest

from approvals import clock, services, tasks
from approvals.errors import WorkflowError
from approvals.models import EndUseReport, Licence, Notification
from tests.factories import approved_licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(applicant, reviewer):
    licence = approved_licence(applicant, reviewer)
    shipment = services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(),
                                        reference="BL-77", lines=[{"chip": "nvidia-h200", "quantity": 6}])
    return shipment.end_use_report


def file(report, actor, **overrides):
    values = {"installed_units": 6, "site": "Hall B, Qianhai Data Park", "use": "Fine-tuning legal models.",
              **overrides}
    return services.end_use_report_file(report_id=report.pk, actor=actor, **values)


def test_the_holder_files_and_a_reviewer_accepts(report, applicant, reviewer):
    filed = file(report, applicant)
    assert (filed.state, filed.installed_units, filed.filed_by) == ("filed", 6, applicant)
    assert Notification.objects.filter(recipient=reviewer, kind="licence_report").exists()
    accepted = services.end_use_report_accept(report_id=report.pk, actor=reviewer)
    assert (accepted.state, accepted.decided_by) == ("accepted", reviewer)
    assert list(report.licence.events.values_list("action", flat=True))[-2:] == ["report", "accept_report"]


def test_a_follow_up_makes_it_due_again_with_the_question(report, applicant, reviewer):
    file(report, applicant)
    followed = services.end_use_report_follow_up(report_id=report.pk, actor=reviewer,
                                                 question="Send a photo of the racks.")
    assert (followed.state, followed.follow_up_question) == ("due", "Send a photo of the racks.")
    assert followed.due_on > clock.today()
    told = Notification.objects.get(recipient=applicant, kind="licence_follow_up")
    assert "Send a photo of the racks." in told.body
    assert file(report, applicant, installed_units=5).state == "filed"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"installed_units": 7}, "installed_units"), ({"installed_units": -1}, "installed_units"),
    ({"site": ""}, "site"), ({"use": "   "}, "use"),
])
def test_bad_reports_are_refused_naming_the_field(report, applicant, overrides, field):
    with pytest.raises(WorkflowError) as excinfo:
        file(report, applicant, **overrides)
    assert list(excinfo.value.field_errors) == [field]
    assert EndUseReport.objects.get(pk=report.pk).state == "due"


def test_only_reviewers_decide_and_only_on_filed_reports(report, applicant, reviewer):
    with pytest.raises(WorkflowError) as excinfo:
        services.end_use_report_accept(report_id=report.pk, actor=reviewer)
    assert excinfo.value.code == "not_allowed_in_state"
    file(report, applicant)
    with pytest.raises(WorkflowError) as excinfo:
        services.end_use_report_accept(report_id=report.pk, actor=applicant)
    assert excinfo.value.code == "forbidden"


def test_an_overdue_report_flags_the_licence_and_both_sides_hear_of_it(report, applicant, reviewer):
    EndUseReport.objects.filter(pk=report.pk).update(due_on=clock.today() - timedelta(days=1))
    assert tasks.mark_overdue_end_use_reports() == 1
    assert tasks.mark_overdue_end_use_reports() == 0
    assert EndUseReport.objects.get(pk=report.pk).state == "overdue"
    assert Licence.objects.get(pk=report.licence_id).flag_list == ["end_use_report_overdue"]
    assert Notification.objects.filter(kind="licence_report_overdue", recipient__in=[applicant, reviewer]).count() == 2
    file(report, applicant)  # filing late clears the flag
    assert Licence.objects.get(pk=report.licence_id).flag_list == []
