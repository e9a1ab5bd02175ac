"""Admin test helpers: cases in each review state, built through the services."""
import pytest

from approvals import services
from tests.factories import line, request_in_review


@pytest.fixture
def standard_case(applicant):
    return request_in_review(applicant)


@pytest.fixture
def senior_case(applicant):
    return request_in_review(applicant, lines=[line("nvidia-h200", 8000)])


@pytest.fixture
def escalated_case(senior_case, reviewer):
    services.request_transition(
        import_request_id=senior_case.pk, action="escalate", actor=reviewer,
        payload={"recommendation": "approve", "rationale": "Matches the declared run."},
    )
    senior_case.refresh_from_db()
    return senior_case


@pytest.fixture
def approved_case(standard_case, reviewer):
    return services.request_transition(import_request_id=standard_case.pk, action="approve", actor=reviewer)


def change_url(request_obj) -> str:
    return f"/admin/approvals/importrequest/{request_obj.pk}/change/"


def action_url(request_obj, action: str) -> str:
    return f"/admin/approvals/importrequest/{request_obj.pk}/do/{action}/"
