"""Benchmark: screen N requests of 3 lines on the configured database, against the same scoring with no database.

Runs in a throwaway test database on whatever DATABASE_URL names (SQLite when unset) and prints
requests per second for both paths and their ratio, measured in one run. The database path is the
screening task's own work: assessment stored, transition with row lock and audit event, and the
notification task published (to an in-memory broker: a worker would run it elsewhere).

    .venv/bin/python bench/screening.py [--count 10000]
"""
import argparse
import logging
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

LINES = (("nvidia-h200", 64, "32000.00"), ("nvidia-h20", 128, "12000.00"), ("nvidia-h200", 8, "31500.00"))


def build(count):
    from approvals.models import Company, CompanyMember, ImportRequest, RequestLine
    from approvals.states import Status
    from chips.models import ChipModel
    from tests.factories import PURPOSE, UserFactory, valid_uscc

    company = Company.objects.create(legal_name="Bench Compute Ltd.", uscc=valid_uscc(1), approved_customer=True)
    user = UserFactory(username="bench")
    CompanyMember.objects.create(user=user, company=company)
    chips = {chip.slug: chip for chip in ChipModel.objects.all()}
    now = timezone.now()
    import_requests = ImportRequest.objects.bulk_create(
        ImportRequest(
            company=company, created_by=user, status=Status.SUBMITTED, reference=f"IR-BENCH-{index:06d}",
            purpose_category="model_training", purpose_statement=PURPOSE, end_user="Bench", deployment_site="Bench",
            attest_no_reexport=True, attest_no_military_end_use=True, training_parameters=13_000_000_000,
            training_tokens=1_000_000_000_000 + index, training_days=60, submitted_at=now,
        )
        for index in range(count)
    )
    RequestLine.objects.bulk_create(
        RequestLine(import_request=import_request, chip=chips[slug], quantity=quantity, unit_price_usd=Decimal(price))
        for import_request in import_requests for slug, quantity, price in LINES
    )
    return [import_request.pk for import_request in import_requests], chips


def screen_with_database(import_request_ids):
    from approvals.services import request_screen

    started = time.perf_counter()
    for import_request_id in import_request_ids:
        assert request_screen(import_request_id=import_request_id)
    return time.perf_counter() - started


def screen_in_memory(count, chips):
    from approvals import screening

    lines = [
        screening.LineInput(spec=chips[slug].spec, chip_name=str(chips[slug]), quantity=quantity,
                            unit_price_usd=Decimal(price), revenue_share_rate=chips[slug].revenue_share_rate,
                            framework_status=chips[slug].framework_status)
        for slug, quantity, price in LINES
    ]
    rolling = screening.RollingTotals(units=0, tpp=0.0)
    started = time.perf_counter()
    for index in range(count):
        declaration = screening.Declaration(
            purpose_category="model_training", approved_customer=True, training_parameters=13_000_000_000,
            training_tokens=1_000_000_000_000 + index, training_days=60,
        )
        screening.assess(lines, declaration, rolling)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    count = parser.parse_args().count

    logging.disable(logging.INFO)
    # Follow-up tasks (notifications) are published as in production but not run here: a worker would
    # run them elsewhere, and this measures screening itself.
    from config.celery import app

    app.conf.update(task_always_eager=False, broker_url="memory://")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_catalog", verbosity=0)
        import_request_ids, chips = build(count)
        db_seconds = screen_with_database(import_request_ids)
        memory_seconds = screen_in_memory(count, chips)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    db_rate, memory_rate = count / db_seconds, count / memory_seconds
    print(f"database: {connection.vendor}; requests: {count} x {len(LINES)} lines")
    print(f"screening with the database (assessment, transition, audit event): {db_rate:,.0f} requests/s "
          f"({db_seconds:.1f} s)")
    print(f"same scoring with no database:                                    {memory_rate:,.0f} requests/s "
          f"({memory_seconds:.2f} s)")
    print(f"ratio no-database / database: {memory_rate / db_rate:,.1f}x")


if __name__ == "__main__":
    main()
