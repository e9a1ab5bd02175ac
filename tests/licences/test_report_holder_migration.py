"""Migration 0017: end-use reports made before it get their licence's holder (the index of a company's reports to
file reads it)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from approvals.models import EndUseReport
from tests.factories import valid_uscc
from tests.migrations import apps_at, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("approvals", "0016_scale_indexes")]


@pytest.fixture
def old_apps():
    with apps_at(BEFORE) as apps:
        yield apps


def test_reports_made_before_get_their_licences_holder(old_apps):
    Company = old_apps.get_model("approvals", "Company")
    User = old_apps.get_model("auth", "User")
    ImportRequest_ = old_apps.get_model("approvals", "ImportRequest")
    Licence_ = old_apps.get_model("approvals", "Licence")
    Shipment_ = old_apps.get_model("approvals", "Shipment")
    EndUseReport_ = old_apps.get_model("approvals", "EndUseReport")
    user = User.objects.create(username="old-holder")
    made = {}
    for number, name in ((1, "First Holder Ltd."), (2, "Second Holder Ltd.")):
        company = Company.objects.create(legal_name=name, uscc=valid_uscc(7100 + number))
        import_request = ImportRequest_.objects.create(
            reference=f"IR-2026-91000{number}", company=company, created_by=user, status="approved",
            purpose_category="research")
        licence = Licence_.objects.create(
            number=f"CGL-2026-91000{number}", import_request=import_request, holder=company,
            valid_from=date(2026, 3, 2), valid_until=date(2027, 3, 2), verification_code=f"code-{number}",
            issued_at=datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
        for day in (5, 6):
            shipment = Shipment_.objects.create(licence=licence, shipped_on=date(2026, 4, day), reference=f"BL-{day}",
                                                recorded_by=user, units=3)
            EndUseReport_.objects.create(licence=licence, shipment=shipment, due_on=date(2026, 7, day))
        made[name] = company.pk

    migrate_to_latest()

    holders = sorted((report.shipment.reference, report.holder.legal_name)
                     for report in EndUseReport.objects.select_related("holder", "shipment"))
    assert holders == [("BL-5", "First Holder Ltd."), ("BL-5", "Second Holder Ltd."),
                       ("BL-6", "First Holder Ltd."), ("BL-6", "Second Holder Ltd.")]
    assert sorted(EndUseReport.objects.values_list("holder_id", flat=True)) == sorted(
        [made["First Holder Ltd."]] * 2 + [made["Second Holder Ltd."]] * 2)
