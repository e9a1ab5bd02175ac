"""The order form: creating and editing drafts, every validation error, adding and removing lines, double posts."""
import pytest
from django.test import Client

from approvals.models import ImportRequest, ReviewEvent
from tests.factories import draft_request, line, submitted_request
from tests.portal.helpers import form_token, order_data

pytestmark = pytest.mark.django_db


def test_new_order_page_has_labelled_fields_and_one_blank_line(applicant_client):
    response = applicant_client.get("/requests/new/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("purpose_category", "purpose_statement", "end_user", "deployment_site", "training_parameters",
                  "training_tokens", "training_days", "attest_no_reexport", "attest_no_military_end_use",
                  "lines-0-chip", "lines-0-quantity", "lines-0-unit_price_usd"):
        assert f'<label for="id_{field}"' in html, field
    assert response.context["formset"].total_form_count() == 1
    assert 'name="add_line"' in html
    assert "0 of at least 200 characters" in html


def test_chip_choices_show_tpp_and_framework_status(applicant_client, chip):
    html = applicant_client.get("/requests/new/").content.decode()
    h200 = chip("nvidia-h200")
    assert f"{h200} — TPP {h200.tpp:,.0f}" in html
    assert '<optgroup label="Eligible under the approved-customer framework">' in html
    assert '<optgroup label="Not eligible">' in html


def test_it_creates_a_draft_with_two_lines(applicant_client, applicant):
    token = form_token(applicant_client)
    data = order_data(token=token, lines=[("nvidia-h200", "8", "32000.00"), ("nvidia-h20", "16", "12000.50")])
    response = applicant_client.post("/requests/new/", data)
    order = ImportRequest.objects.get(company=applicant.membership.company)
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{order.public_id}/"
    assert order.status == "draft"
    assert [(item.chip.slug, item.quantity, str(item.unit_price_usd)) for item in order.lines.all()] == [
        ("nvidia-h200", 8, "32000.00"), ("nvidia-h20", 16, "12000.50")]
    assert order.attest_no_reexport and order.attest_no_military_end_use


def test_blank_lines_are_ignored(applicant_client, applicant):
    token = form_token(applicant_client)
    data = order_data(token=token, lines=[("", "", ""), ("nvidia-h200", "8", "32000.00"), ("", "", "")])
    applicant_client.post("/requests/new/", data)
    assert ImportRequest.objects.get().lines.count() == 1


def test_a_deleted_line_is_not_saved(applicant_client):
    token = form_token(applicant_client)
    data = order_data(token=token, lines=[("nvidia-h200", "8", "32000.00"), ("nvidia-h20", "0", "x")])
    data["lines-1-DELETE"] = "on"
    applicant_client.post("/requests/new/", data)
    assert [item.chip.slug for item in ImportRequest.objects.get().lines.all()] == ["nvidia-h200"]


def test_training_figures_are_kept_only_for_model_training(applicant_client):
    token = form_token(applicant_client)
    applicant_client.post("/requests/new/", order_data(
        token=token, training_parameters="7000000000", training_tokens="2000000000000", training_days="30"))
    order = ImportRequest.objects.get()
    assert (order.training_parameters, order.training_tokens, order.training_days) == (None, None, None)

    token = form_token(applicant_client)
    applicant_client.post("/requests/new/", order_data(
        token=token, purpose_category="model_training", training_parameters="7000000000",
        training_tokens="2000000000000", training_days="30"))
    order = ImportRequest.objects.get(purpose_category="model_training")
    assert (order.training_parameters, order.training_tokens, order.training_days) == (7_000_000_000,
                                                                                       2_000_000_000_000, 30)


TOO_PRECISE = "Unit price must have at most 2 decimals and be at most 9,999,999,999.99."


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"purpose_category": ""}, "purpose_category", "This field is required."),
    ({"purpose_category": "mining"}, "purpose_category", "Select a valid choice."),
    ({"purpose_category": "model_training", "training_parameters": "many"}, "training_parameters",
     "Enter a whole number, such as 70B, 2T, 700亿 or 70,000,000,000."),
    ({"purpose_category": "model_training", "training_parameters": "0"}, "training_parameters",
     "Ensure this value is greater than or equal to 1."),
    ({"purpose_category": "model_training", "training_tokens": "-5"}, "training_tokens",
     "Enter a whole number, such as 70B"),
    ({"purpose_category": "model_training", "training_tokens": "2.5"}, "training_tokens",
     "Enter a whole number, such as 70B"),
    ({"purpose_category": "model_training", "training_days": "4000"}, "training_days",
     "Ensure this value is less than or equal to 3650."),
    ({"end_user": "x" * 256}, "end_user", "Ensure this value has at most 255 characters (it has 256)."),
    ({"deployment_site": "x" * 256}, "deployment_site", "Ensure this value has at most 255 characters (it has 256)."),
])
def test_declaration_errors_show_at_the_field_and_on_top(applicant_client, overrides, field, message):
    token = form_token(applicant_client)
    response = applicant_client.post("/requests/new/", order_data(token=token, **overrides))
    assert response.status_code == 200
    assert not ImportRequest.objects.exists()
    form = response.context["form"]
    assert any(text.startswith(message) for text in form.errors[field])
    summary = response.context["errors"]
    assert any(message in error["text"] and error["anchor"] == f"id_{field}" for error in summary)
    html = response.content.decode()
    assert f'<a href="#id_{field}">' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize(("values", "field", "message"), [
    (("", "8", "32000.00"), "chip", "This field is required."),
    (("no-such-chip", "8", "32000.00"), "chip", "Select a valid choice. no-such-chip is not one of the available"),
    (("nvidia-h200", "", "32000.00"), "quantity", "This field is required."),
    (("nvidia-h200", "eight", "32000.00"), "quantity", "Quantity must be a whole number."),
    (("nvidia-h200", "0", "32000.00"), "quantity", "Quantity must be between 1 and 1,000,000."),
    (("nvidia-h200", "1000001", "32000.00"), "quantity", "Quantity must be between 1 and 1,000,000."),
    (("nvidia-h200", "8", ""), "unit_price_usd", "This field is required."),
    (("nvidia-h200", "8", "cheap"), "unit_price_usd", "Unit price must be a number in USD, such as 32000.00."),
    (("nvidia-h200", "8", "0"), "unit_price_usd", "Unit price must be positive."),
    (("nvidia-h200", "8", "-3"), "unit_price_usd", "Unit price must be positive."),
    (("nvidia-h200", "8", "1.234"), "unit_price_usd", TOO_PRECISE),
    (("nvidia-h200", "8", "12345678901"), "unit_price_usd", TOO_PRECISE),
])
def test_line_errors_show_on_their_row(applicant_client, values, field, message):
    token = form_token(applicant_client)
    data = order_data(token=token, lines=[("nvidia-h20", "4", "12000.00"), values])
    response = applicant_client.post("/requests/new/", data)
    assert response.status_code == 200
    assert not ImportRequest.objects.exists()
    row = response.context["formset"].forms[1]
    assert any(text.startswith(message) for text in row.errors[field])
    assert not response.context["formset"].forms[0].errors
    assert any(error["text"].startswith(f"Line 2, {row.fields[field].label}: {message}")
               and error["anchor"] == f"id_lines-1-{field}" for error in response.context["errors"])


def test_service_errors_on_lines_map_to_the_row_they_came_from(applicant_client):
    """Blank rows are skipped, so the service's line 0 is the form's second row here."""
    token = form_token(applicant_client)
    data = order_data(token=token, lines=[("", "", ""), ("nvidia-h200", "0", "32000.00")])
    response = applicant_client.post("/requests/new/", data)
    rows = response.context["formset"].forms
    assert rows[1].errors["quantity"] == ["Quantity must be between 1 and 1,000,000."]
    assert not rows[0].errors


def test_typed_values_survive_an_error(applicant_client):
    token = form_token(applicant_client)
    data = order_data(token=token, end_user="Pearl River Models Ltd.", lines=[("nvidia-h200", "0", "31999.99")])
    html = applicant_client.post("/requests/new/", data).content.decode()
    assert 'value="Pearl River Models Ltd."' in html
    assert 'value="31999.99"' in html
    assert f'name="form_token" value="{token}"' in html


def test_add_line_without_javascript_keeps_what_was_typed(applicant_client):
    token = form_token(applicant_client)
    data = order_data(token=token, end_user="Pearl River Models Ltd.", lines=[("nvidia-h200", "8", "31999.99")])
    del data["save"]
    data["add_line"] = "1"
    response = applicant_client.post("/requests/new/", data)
    assert response.status_code == 200
    assert not ImportRequest.objects.exists()
    formset = response.context["formset"]
    assert formset.total_form_count() == 2
    assert formset.forms[0].initial == {"chip": "nvidia-h200", "quantity": "8", "unit_price_usd": "31999.99"}
    assert response.context["form"].initial["end_user"] == "Pearl River Models Ltd."
    assert response.context["errors"] == []
    html = response.content.decode()
    assert 'id="id_lines-1-chip"' in html
    assert '<option value="nvidia-h200" selected>' in html


def test_remove_line_without_javascript_keeps_the_other_lines(applicant_client):
    token = form_token(applicant_client)
    data = order_data(token=token, lines=[("nvidia-h200", "8", "32000.00"), ("nvidia-h20", "16", "12000.00")])
    del data["save"]
    data["remove_line"] = "lines-0"
    response = applicant_client.post("/requests/new/", data)
    forms = response.context["formset"].forms
    assert [form.initial["chip"] for form in forms] == ["nvidia-h20"]
    assert not ImportRequest.objects.exists()


def test_a_double_post_of_the_new_order_form_creates_one_order(applicant_client):
    token = form_token(applicant_client)
    first = applicant_client.post("/requests/new/", order_data(token=token))
    second = applicant_client.post("/requests/new/", order_data(token=token))
    assert ImportRequest.objects.count() == 1
    order = ImportRequest.objects.get()
    assert first["Location"] == second["Location"] == f"/requests/{order.public_id}/"
    assert ReviewEvent.objects.filter(action="create").count() == 1


def test_two_forms_opened_side_by_side_create_two_orders(applicant_client):
    first, second = form_token(applicant_client), form_token(applicant_client)
    applicant_client.post("/requests/new/", order_data(token=first))
    applicant_client.post("/requests/new/", order_data(token=second))
    assert ImportRequest.objects.count() == 2


def test_an_unknown_form_token_saves_nothing_and_offers_a_fresh_form(applicant_client):
    response = applicant_client.post("/requests/new/", order_data(token="made-up"))
    assert response.status_code == 200
    assert not ImportRequest.objects.exists()
    assert "This form had expired" in response.context["errors"][0]["text"]
    fresh = response.context["form_token"]
    assert fresh and fresh != "made-up"
    applicant_client.post("/requests/new/", order_data(token=fresh))
    assert ImportRequest.objects.count() == 1


def test_csrf_is_enforced_on_the_order_form(applicant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    token = client.get("/requests/new/").context["form_token"]
    response = client.post("/requests/new/", order_data(token=token))
    assert response.status_code == 403
    assert not ImportRequest.objects.exists()
    csrf = client.cookies["csrftoken"].value
    response = client.post("/requests/new/", {**order_data(token=token), "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert ImportRequest.objects.count() == 1


def test_a_script_in_the_purpose_is_shown_as_text(applicant_client, applicant):
    order = draft_request(applicant, purpose_statement="<script>alert(1)</script> " + "x" * 200)
    for url in (f"/requests/{order.public_id}/", f"/requests/{order.public_id}/edit/",
                f"/requests/{order.public_id}/submit/"):
        html = applicant_client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert "<script>alert(1)" not in html, url


def test_edit_shows_the_draft_and_saves_changes(applicant_client, applicant):
    order = draft_request(applicant, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00")])
    response = applicant_client.get(f"/requests/{order.public_id}/edit/")
    assert response.status_code == 200
    assert [form.initial["chip"] for form in response.context["formset"].forms] == ["nvidia-h200", "nvidia-h20"]
    assert "form_token" not in response.content.decode()
    data = order_data(end_user="New End User Ltd.", lines=[("nvidia-h20", "12", "11000.00")])
    response = applicant_client.post(f"/requests/{order.public_id}/edit/", data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.end_user == "New End User Ltd."
    assert [(item.chip.slug, item.quantity) for item in order.lines.all()] == [("nvidia-h20", 12)]


def test_edit_errors_are_shown_and_change_nothing(applicant_client, applicant):
    order = draft_request(applicant)
    data = order_data(purpose_category="model_training", training_days="0")
    response = applicant_client.post(f"/requests/{order.public_id}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["training_days"]
    order.refresh_from_db()
    assert order.purpose_category == "inference_serving"


def test_a_submitted_order_cannot_be_edited(applicant_client, applicant):
    order = submitted_request(applicant)
    for response in (applicant_client.get(f"/requests/{order.public_id}/edit/"),
                     applicant_client.post(f"/requests/{order.public_id}/edit/", order_data(end_user="Changed"))):
        assert response.status_code == 302
        assert response["Location"] == f"/requests/{order.public_id}/"
    order.refresh_from_db()
    assert order.end_user != "Changed"


def test_a_read_only_member_cannot_file(signed_in, company):
    from tests.factories import ApplicantFactory

    viewer = ApplicantFactory(membership__company=company, membership__role="viewer")
    client = signed_in(viewer)
    assert client.get("/requests/new/").status_code == 403
    assert client.post("/requests/new/", order_data()).status_code == 403
    assert not ImportRequest.objects.exists()


@pytest.mark.parametrize(("parameters", "tokens", "saved"), [
    ("70B", "2T", (70_000_000_000, 2_000_000_000_000)),
    ("700亿", "2万亿", (70_000_000_000, 2_000_000_000_000)),
    ("13,000,000,000", "1.5 trillion", (13_000_000_000, 1_500_000_000_000)),
])
def test_sizes_are_taken_as_people_write_them_and_said_back_in_words(applicant_client, parameters, tokens, saved):
    token = form_token(applicant_client)
    response = applicant_client.post("/requests/new/", order_data(
        token=token, purpose_category="model_training", training_parameters=parameters, training_tokens=tokens,
        training_days="60"))
    assert response.status_code == 302
    order = ImportRequest.objects.get()
    assert (order.training_parameters, order.training_tokens) == saved
    edit = applicant_client.get(f"/requests/{order.public_id}/edit/").content.decode()
    words = {70_000_000_000: "70 billion", 13_000_000_000: "13 billion"}[saved[0]]
    assert f'value="{saved[0]:,}"' in edit
    assert f"= {words}" in edit
