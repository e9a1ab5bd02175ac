"""The migration that moved validity to the licence: every request approved, expired or revoked before gets its
licence, approved in full, in the matching status, with a verifiable chain; the request itself is approved."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from approvals.audit import audit_verify
from approvals.models import ImportRequest, Licence
from tests.factories import valid_uscc
from tests.migrations import apps_at, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("approvals", "0008_licences")]


@pytest.fixture
def old_apps():
    with apps_at(BEFORE) as apps:
        yield apps


def test_past_approvals_get_their_licences(old_apps):
    Company = old_apps.get_model("approvals", "Company")
    User = old_apps.get_model("auth", "User")
    ImportRequest_ = old_apps.get_model("approvals", "ImportRequest")
    RequestLine = old_apps.get_model("approvals", "RequestLine")
    ChipModel = old_apps.get_model("chips", "ChipModel")
    company = Company.objects.create(legal_name="Old Orders Ltd.", uscc=valid_uscc(7001), approved_customer=True)
    user = User.objects.create(username="old-filer")
    h200, h20 = ChipModel.objects.get(slug="nvidia-h200"), ChipModel.objects.get(slug="nvidia-h20")
    decided = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    made = {}
    for reference, status, valid_until in (
        ("IR-2026-900001", "approved", date(2099, 3, 2)), ("IR-2026-900002", "approved", date(2026, 6, 1)),
        ("IR-2026-900003", "expired", date(2026, 6, 1)), ("IR-2026-900004", "revoked", date(2099, 3, 2)),
        ("IR-2026-900005", "rejected", None),
    ):
        import_request = ImportRequest_.objects.create(
            reference=reference, company=company, created_by=user, status=status, purpose_category="research",
            conditions="Quarterly reports.", valid_until=valid_until, decided_at=decided, total_units=14,
            total_tpp=10 * 15832 + 4 * 2368,
        )
        RequestLine.objects.create(import_request=import_request, chip=h200, quantity=6, unit_price_usd="1.00")
        RequestLine.objects.create(import_request=import_request, chip=h20, quantity=4, unit_price_usd="1.00")
        RequestLine.objects.create(import_request=import_request, chip=h200, quantity=4, unit_price_usd="1.00")
        made[reference] = import_request.pk

    migrate_to_latest()

    licences = {licence.import_request.reference: licence for licence in Licence.objects.select_related(
        "import_request")}
    assert {reference: licence.status for reference, licence in licences.items()} == {
        "IR-2026-900001": "active", "IR-2026-900002": "expired", "IR-2026-900003": "expired",
        "IR-2026-900004": "revoked",
    }
    licence = licences["IR-2026-900001"]
    assert (licence.valid_from, licence.valid_until, licence.conditions) == (
        date(2026, 3, 2), date(2099, 3, 2), "Quarterly reports.")
    assert licence.number == f"CGL-2026-{licence.pk:06d}"
    assert [(line.chip.slug, line.approved) for line in licence.lines.order_by("chip__slug")] == [
        ("nvidia-h20", 4), ("nvidia-h200", 10)]
    assert dict(ImportRequest.objects.values_list("reference", "status")) == {
        "IR-2026-900001": "approved", "IR-2026-900002": "approved", "IR-2026-900003": "approved",
        "IR-2026-900004": "approved", "IR-2026-900005": "rejected",
    }
    assert set(ImportRequest.objects.get(pk=made["IR-2026-900001"]).lines.values_list(
        "approved_quantity", flat=True)) == {6, 4}
    # The requests were made without events here (their chains show as broken); the licences' chains are whole.
    assert [found for found in audit_verify()[1] if found.request_reference.startswith("CGL-")] == []
