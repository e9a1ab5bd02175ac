"""The OpenAPI schema validates without warnings, documents the contract, and the docs page uses local files."""
import re

import pytest
import yaml
from django.core.management import call_command


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert set(schema["paths"]) == {
        "/api/v1/auth/token/", "/api/v1/chips/", "/api/v1/chips/{slug}/", "/api/v1/requests/",
        "/api/v1/requests/{public_id}/", "/api/v1/requests/{public_id}/status/",
        "/api/v1/requests/{public_id}/transitions/", "/api/v1/requests/{public_id}/events/",
        "/api/v1/licences/", "/api/v1/licences/{public_id}/", "/api/v1/licences/{public_id}/shipments/",
        "/api/v1/licences/{public_id}/end-use-reports/", "/api/v1/licences/{public_id}/transitions/",
        "/api/v1/licences/{public_id}/certificate/", "/api/v1/verify/{code}/",
        "/api/v1/requests/{public_id}/documents/", "/api/v1/requests/{public_id}/documents/{id}/",
        "/api/v1/webhooks/", "/api/v1/webhooks/{public_id}/", "/api/v1/webhooks/{public_id}/rotate-secret/",
        "/api/v1/webhooks/{public_id}/ping/", "/api/v1/webhooks/{public_id}/deliveries/",
        "/api/v1/webhooks/{public_id}/deliveries/{delivery_id}/redeliver/",
    }


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_documents_the_status_codes_of_the_contract(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/requests/{public_id}/status/"]["get"]["responses"]) >= {"200", "304", "401", "404", "429"}
    assert set(paths["/api/v1/requests/{public_id}/transitions/"]["post"]["responses"]) >= {
        "200", "400", "403", "404", "409", "413"
    }
    assert set(paths["/api/v1/requests/"]["post"]["responses"]) >= {"201", "400", "403", "413", "422"}
    assert set(paths["/api/v1/requests/{public_id}/"]["patch"]["responses"]) >= {"200", "400", "403", "404", "409"}


def test_the_schema_documents_the_status_codes_of_the_licence_routes(schema):
    paths = schema["paths"]
    shipments = paths["/api/v1/licences/{public_id}/shipments/"]["post"]
    assert set(shipments["responses"]) >= {"201", "400", "401", "403", "404", "409", "413", "422", "429"}
    assert {parameter["name"] for parameter in shipments["parameters"]} >= {"Idempotency-Key"}
    assert set(shipments["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    reports = paths["/api/v1/licences/{public_id}/end-use-reports/"]["post"]
    assert set(reports["responses"]) >= {"200", "400", "403", "404", "409"}
    assert set(paths["/api/v1/licences/{public_id}/transitions/"]["post"]["responses"]) >= {
        "200", "400", "403", "404", "409"}
    assert {parameter["name"] for parameter in paths["/api/v1/licences/"]["get"]["parameters"]} >= {"status", "cursor"}


def test_the_schema_documents_the_webhook_and_document_routes(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/webhooks/"]) == {"get", "post"}
    assert set(paths["/api/v1/webhooks/"]["post"]["responses"]) >= {"201", "400", "401", "403"}
    assert set(paths["/api/v1/webhooks/{public_id}/"]) >= {"get", "patch", "delete"}
    assert set(paths["/api/v1/webhooks/{public_id}/deliveries/{delivery_id}/redeliver/"]["post"]["responses"]) >= {
        "202", "403", "404", "409"}
    assert "secret" in schema["components"]["schemas"]["WebhookEndpointWithSecret"]["required"]
    assert "secret" not in schema["components"]["schemas"]["WebhookEndpoint"]["properties"]
    assert set(schema["components"]["schemas"]["WebhookAttempt"]["properties"]) == {
        "at", "status_code", "response_body", "duration_ms", "succeeded", "error"}
    documents = paths["/api/v1/requests/{public_id}/documents/"]
    assert set(documents["post"]["requestBody"]["content"]) == {"multipart/form-data"}
    assert set(documents["post"]["responses"]) >= {"201", "400", "403", "404", "409", "413"}


def test_the_licence_body_is_the_contract(schema):
    licence = schema["components"]["schemas"]["Licence"]
    assert set(licence["required"]) == {
        "id", "number", "request", "holder", "status", "valid_from", "valid_until", "conditions", "lines",
        "verification_url", "certificate_url", "version", "available_actions",
    }
    assert set(licence["properties"]) - set(licence["required"]) == {"flags"}
    assert set(schema["components"]["schemas"]["LicenceLine"]["properties"]) == {
        "chip", "chip_name", "approved", "shipped", "remaining"}
    assert set(schema["components"]["schemas"]["LicenceActionEnum"]["enum"]) == {
        "suspend", "reinstate", "revoke", "surrender"}


def test_the_transition_body_lists_every_action_and_payload_field(schema):
    body = schema["components"]["schemas"]["TransitionInputRequest"]
    assert set(body["properties"]) >= {
        "action", "question", "due_date", "answer", "conditions", "approved_lines", "reason_codes", "reason",
        "recommendation", "rationale", "comment",
    }
    actions = schema["components"]["schemas"]["ActionEnum"]["enum"]
    assert set(actions) == {
        "submit", "request_information", "respond", "approve", "reject", "escalate", "return", "withdraw",
    }


def test_token_authentication_is_documented(schema):
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    assert schema["paths"]["/api/v1/auth/token/"]["post"].get("security", []) in ([], [{}])


def test_the_docs_page_loads_swagger_ui_from_local_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    hosts = set(re.findall(r"""(?:src|href)=["']?(?:https?:)?//([^/"']+)""", page))
    assert hosts == set(), f"the docs page loads from {hosts}"
    assert "cdn" not in page.lower()
    assert "://" not in page
    script = re.search(r"""src=["']([^"']*swagger-ui-bundle\.js)""", page).group(1)
    assert client.get(script).status_code == 200
