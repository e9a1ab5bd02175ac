"""Schemathesis fuzzes every operation of our own OpenAPI schema in-process: no 5xx, and every answer conforms."""
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from approvals.models import CompanyMember
from tests.factories import approved_licence, draft_request

# Loaded from the app itself at collection (the schema view needs no database). The lazy
# ``schemathesis.pytest.from_fixture`` loader does not work with pytest 9 (it sets ``node._nodeid``).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly would close the test's database connection after each request
    (Django's test client unhooks this handler the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_target(applicant, reviewer, signing_identity):
    """A draft and a licence of the caller's company (the caller its administrator, who may do the most to a
    licence), so valid ids reach the views instead of stopping at 404."""
    CompanyMember.objects.filter(user=applicant).update(role="admin")
    return Token.objects.create(user=applicant).key, draft_request(applicant), approved_licence(applicant, reviewer)


@schema.parametrize()
@settings(
    max_examples=25, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_conforms_to_its_schema_and_never_fails(case, fuzz_target):
    token, draft, licence = fuzz_target
    if "public_id" in (case.path_parameters or {}) and case.meta.generation.mode == GenerationMode.POSITIVE:
        target = licence if case.path.startswith("/api/v1/licences/") else draft
        case.path_parameters["public_id"] = str(target.public_id)
    # Schema-valid input may still break a business rule (unknown chip slug, incomplete draft, wrong
    # state): a 4xx there is the contract, so only the "valid input must succeed" check is left out.
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=[positive_data_acceptance])
