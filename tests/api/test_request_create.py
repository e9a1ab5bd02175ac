"""POST /api/v1/requests/: drafts with lines, field errors, idempotent retries and the body limits."""
import json

import pytest
from django.test import override_settings

from approvals.models import ApiIdempotencyKey, ImportRequest, ReviewEvent
from tests.factories import PURPOSE, declaration, line

LIST = "/api/v1/requests/"


def body(**overrides) -> dict:
    return {**declaration(), "lines": [line("nvidia-h200", 16, "31000.00")], **overrides}


def test_it_creates_a_draft_with_its_lines(api_for, applicant):
    response = api_for(applicant).post(LIST, body(), format="json")
    assert response.status_code == 201
    created = response.json()
    request = ImportRequest.objects.get(public_id=created["id"])
    assert request.company_id == applicant.membership.company_id
    assert created["status"] == "draft"
    assert created["reference"] == request.reference
    assert created["purpose_statement"] == PURPOSE
    assert created["lines"] == [
        {"id": request.lines.get().pk, "chip": "nvidia-h200", "chip_name": "NVIDIA H200 SXM", "quantity": 16,
         "unit_price_usd": "31000.00", "approved_quantity": None}
    ]
    assert created["licence"] is None
    assert created["available_actions"] == ["submit", "withdraw"]
    assert ReviewEvent.objects.filter(import_request=request, action="create").count() == 1


def test_optional_training_fields_are_stored(api_for, applicant):
    response = api_for(applicant).post(
        LIST, body(purpose_category="model_training", training_parameters=13_000_000_000,
                   training_tokens=2_000_000_000_000, training_days=60), format="json",
    )
    assert response.status_code == 201
    assert response.json()["training_days"] == 60


def test_an_unknown_chip_answers_400_naming_the_line(api_for, applicant):
    response = api_for(applicant).post(LIST, body(lines=[line("nvidia-h200"), line("no-such-chip")]), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "no-such-chip" in response.json()["lines.1.chip"][0]
    assert not ImportRequest.objects.exists()


@pytest.mark.parametrize(("lines", "field"), [
    ([line(quantity=0)], "lines.0.quantity"),
    ([line(price="abc")], "lines.0.unit_price_usd"),
    ([{"chip": "nvidia-h200"}], "lines.0.quantity"),
])
def test_bad_lines_answer_400_naming_the_field(api_for, applicant, lines, field):
    response = api_for(applicant).post(LIST, body(lines=lines), format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_more_lines_than_an_order_may_have_answer_400(api_for, applicant):
    response = api_for(applicant).post(LIST, body(lines=[line()] * 201), format="json")
    assert response.status_code == 400
    assert "lines" in response.json()


def test_an_unknown_purpose_category_answers_400(api_for, applicant):
    response = api_for(applicant).post(LIST, body(purpose_category="mining"), format="json")
    assert response.status_code == 400
    assert "purpose_category" in response.json()


@pytest.mark.parametrize("role", ["reviewer", "senior", "auditor"])
def test_staff_cannot_file_requests(request, api_for, role):
    response = api_for(request.getfixturevalue(role)).post(LIST, body(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_read_only_member_cannot_file(api_for, applicant):
    applicant.membership.role = "viewer"
    applicant.membership.save()
    assert api_for(applicant).post(LIST, body(), format="json").status_code == 403


def test_malformed_json_answers_400(api_for, applicant):
    response = api_for(applicant).post(LIST, '{"purpose_category": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_json_array_answers_400(api_for, applicant):
    response = api_for(applicant).post(LIST, "[1, 2]", content_type="application/json")
    assert response.status_code == 400


def test_a_form_body_answers_415(api_for, applicant):
    response = api_for(applicant).post(
        LIST, "purpose_category=research", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversized_body_answers_413(api_for, applicant):
    response = api_for(applicant).post(LIST, body(purpose_statement="x" * 20_000), format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not ImportRequest.objects.exists()


# Idempotency ------------------------------------------------------------------------------------

def test_the_same_key_and_body_answer_the_first_response_and_create_nothing(api_for, applicant):
    client = api_for(applicant)
    first = client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="order-4711")
    again = client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="order-4711")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ImportRequest.objects.count() == 1


def test_key_order_and_spacing_do_not_make_a_different_body(api_for, applicant):
    client = api_for(applicant)
    client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    reordered = json.dumps(dict(reversed(list(body().items()))), indent=2)
    again = client.post(LIST, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201
    assert ImportRequest.objects.count() == 1


def test_the_same_key_with_another_body_answers_422(api_for, applicant):
    client = api_for(applicant)
    client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="order-4711")
    response = client.post(LIST, body(end_user="Someone else"), format="json", HTTP_IDEMPOTENCY_KEY="order-4711")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert ImportRequest.objects.count() == 1


def test_keys_belong_to_their_user(api_for, applicant, other_applicant):
    api_for(applicant).post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = api_for(other_applicant).post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert ImportRequest.objects.count() == 2


def test_a_refused_create_does_not_use_up_the_key(api_for, applicant):
    client = api_for(applicant)
    refused = client.post(LIST, body(lines=[line("no-such-chip")]), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert refused.status_code == 400
    assert not ApiIdempotencyKey.objects.exists()
    fixed = client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert fixed.status_code == 201


def test_without_a_key_each_post_creates(api_for, applicant):
    client = api_for(applicant)
    client.post(LIST, body(), format="json")
    client.post(LIST, body(), format="json")
    assert ImportRequest.objects.count() == 2


@pytest.mark.parametrize("key", ["k" * 256, "", "tab\tkey", "caf\u00e9"])
def test_a_bad_key_answers_400(api_for, applicant, key):
    response = api_for(applicant).post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


def test_idempotency_keys_are_forgotten_after_their_retention(api_for, applicant, settings):
    from datetime import timedelta

    from django.utils import timezone

    from approvals import tasks

    client = api_for(applicant)
    assert client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="old").status_code == 201
    assert client.post(LIST, body(), format="json", HTTP_IDEMPOTENCY_KEY="new").status_code == 201
    ApiIdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(days=settings.CHIPGATE_IDEMPOTENCY_KEY_DAYS, minutes=1)
    )
    assert tasks.purge_idempotency_keys() == 1
    assert list(ApiIdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
