"""The approve form: each line with its requested quantity and an approved quantity, passed to the service."""
import pytest

from approvals.models import Licence, ReviewEvent
from tests.desk.conftest import action_url
from tests.factories import line, request_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_line_case(applicant):
    return request_in_review(applicant, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00")])


def line_ids(case) -> tuple[int, int]:
    h200, h20 = case.lines.order_by("id")
    return h200.pk, h20.pk


def test_the_form_shows_each_line_with_its_requested_quantity_prefilled(client, reviewer, two_line_case):
    client.force_login(reviewer)
    h200, h20 = line_ids(two_line_case)
    response = client.get(action_url(two_line_case, "approve"))
    html = response.content.decode()
    assert [(row["line"].chip.slug, row["line"].quantity, row["field"].value())
            for row in response.context["form"].line_rows()] == [("nvidia-h200", 8, 8), ("nvidia-h20", 4, 4)]
    assert f'name="approved_{h200}" value="8"' in html and f'name="approved_{h20}" value="4"' in html
    assert html.count("data-requested") == 2


def test_a_partial_approval_issues_the_licence_for_what_was_approved(client, reviewer, two_line_case):
    client.force_login(reviewer)
    h200, h20 = line_ids(two_line_case)
    response = client.post(action_url(two_line_case, "approve"), {
        "conditions": "Quarterly reports.", f"approved_{h200}": "5", f"approved_{h20}": "0"}, follow=True)
    assert "the request is now approved" in response.content.decode()
    assert list(two_line_case.lines.order_by("id").values_list("quantity", "approved_quantity")) == [(8, 5), (4, 0)]
    licence = Licence.objects.get(import_request=two_line_case)
    assert [(line.chip.slug, line.approved) for line in licence.lines.all()] == [("nvidia-h200", 5)]
    assert licence.conditions == "Quarterly reports."


def test_a_line_left_empty_is_approved_in_full(client, reviewer, two_line_case):
    client.force_login(reviewer)
    h200, h20 = line_ids(two_line_case)
    client.post(action_url(two_line_case, "approve"), {f"approved_{h200}": "", f"approved_{h20}": "3"})
    assert list(two_line_case.lines.order_by("id").values_list("approved_quantity", flat=True)) == [8, 3]


def test_every_line_at_zero_is_refused_by_the_service_on_the_form(client, reviewer, two_line_case):
    client.force_login(reviewer)
    h200, h20 = line_ids(two_line_case)
    events = ReviewEvent.objects.filter(import_request=two_line_case).count()
    response = client.post(action_url(two_line_case, "approve"), {f"approved_{h200}": "0", f"approved_{h20}": "0"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Every line is at 0: to approve nothing, reject the request."]
    assert '<ul class="errorlist nonfield"><li>Every line is at 0: to approve nothing, reject the request.</li>' in (
        response.content.decode())
    two_line_case.refresh_from_db()
    assert two_line_case.status == "under_review" and not Licence.objects.exists()
    assert ReviewEvent.objects.filter(import_request=two_line_case).count() == events


@pytest.mark.parametrize(("value", "error"), [
    ("9", "At most the 8 requested."), ("-1", "0 or more (0 leaves the line out)."), ("lots", "Enter a whole number."),
])
def test_a_bad_quantity_is_shown_at_its_line(client, reviewer, two_line_case, value, error):
    client.force_login(reviewer)
    h200, h20 = line_ids(two_line_case)
    response = client.post(action_url(two_line_case, "approve"), {f"approved_{h200}": value, f"approved_{h20}": "4"})
    assert response.context["form"].errors[f"approved_{h200}"] == [error]
    two_line_case.refresh_from_db()
    assert two_line_case.status == "under_review"

