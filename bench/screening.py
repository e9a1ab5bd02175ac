"""Benchmark: screen N requests of 3 lines on the configured database, against the same scoring with no database.

Runs in a throwaway test database on whatever DATABASE_URL names (SQLite when unset) and prints
requests per second for both paths and their ratio, measured in one run. The database path is the
screening task's own work: assessment stored, transition with row lock and audit event, and the
notification task published (to an in-memory broker: a worker would run it elsewhere).

    .venv/bin/python bench/screening.py [--count 10000]

Burst mode: PostgreSQL, Redis and real Celery workers. Drafts made beforehand are submitted over the API as fast
as it takes them (from --clients threads, against gunicorn), two workers screen them, and it prints each request's
latency from submit to under_review (p50, p95, p99, max, from the audit events' times) and the throughput of the
submits and of the screening. Works in its own database (chipgate_burst, dropped and created) and Redis db 12.

    .venv/bin/python bench/screening.py --burst 300 [--workers 2] [--concurrency N] [--clients 16]
"""
import argparse
import contextlib
import http.client
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BURST = "--burst" in sys.argv
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

if not BURST:  # the burst drives separate processes; this one needs no Django of its own
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

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
    from approvals.sizing import SizingInput

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
            purpose_category="model_training", approved_customer=True, sizing=SizingInput(
                purpose_category="model_training", training_parameters=13_000_000_000,
                training_tokens=1_000_000_000_000 + index, training_days=60,
            ),
        )
        screening.assess(lines, declaration, rolling)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--burst", type=int, help="submit this many requests over the API to real workers")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (burst)")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="pool processes per worker (burst; 0: Celery's default, one per CPU, as the Procfile)")
    parser.add_argument("--clients", type=int, default=16, help="threads submitting (burst)")
    parser.add_argument("--database", default="chipgate_burst", help="scratch database (burst; dropped, created)")
    parser.add_argument("--redis-db", type=int, default=12, help="Redis database (burst; flushed)")
    args = parser.parse_args()
    if args.burst:
        burst(args)
        return
    count = args.count

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



# Burst: submit over the API, screen with real workers --------------------------------------------------------

BIN = Path(sys.executable).parent
BURST_SEED = """
import json
from rest_framework.authtoken.models import Token
from approvals.models import CompanyMember
from tests.factories import ApplicantFactory, CompanyFactory, StaffFactory, draft_request, line

COMPANIES = 20
members, drafts = [], []
for index in range(COMPANIES):
    company = CompanyFactory(legal_name=f"Burst Compute {index}", approved_customer=True)
    members.append(ApplicantFactory(username=f"burst-{index}", email=f"burst-{index}@company.example",
                                    membership__company=company, membership__role=CompanyMember.CompanyRole.ADMIN))
for index in range(2):
    StaffFactory(username=f"reviewer-{index}", email=f"reviewer-{index}@regulator.example", groups=["reviewer"])
tokens = {member.pk: Token.objects.create(user=member).key for member in members}
for index in range(COUNT):
    member = members[index % COMPANIES]
    draft = draft_request(member, lines=[line("nvidia-h200", 8 + index % 56), line("nvidia-h20", 16, "12000.00")])
    drafts.append([tokens[member.pk], str(draft.public_id)])
print(json.dumps(drafts))
"""
LATENCIES = """
import json
from django.db.models import Max
from approvals.models import ImportRequest, OutboxMessage, ReviewEvent
screened = ImportRequest.objects.filter(status="under_review").count()
pending = OutboxMessage.objects.exclude(state="delivered").count()
last_delivery = OutboxMessage.objects.aggregate(last=Max("delivered_at"))["last"]
events = ReviewEvent.objects.filter(action__in=["submit", "screen"]).values_list("import_request_id", "action", "at")
times = {}
for request_id, action, at in events:
    times.setdefault(request_id, {})[action] = at.timestamp()
print(json.dumps({"screened": screened, "times": list(times.values()), "pending_emails": pending,
                  "last_delivery": last_delivery.timestamp() if last_delivery else None}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def burst(args) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {args.database}")
    subprocess.run(["redis-cli", "-n", str(args.redis_db), "flushdb"], check=True, capture_output=True)
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CHIPGATE_", "CELERY_"))}
    env = {
        **base, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING", "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "DATABASE_CONN_MAX_AGE": "600", "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "CHIPGATE_API_THROTTLE_RATE": "100000000/min", "CHIPGATE_API_AUTH_CACHE_SECONDS": "0",
    }

    def manage(*arguments: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=3600, check=False)
        if result.returncode != 0:
            raise SystemExit(f"manage.py {arguments[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    manage("migrate", "--noinput")
    manage("load_catalog")
    manage("load_screening_list", str(ROOT / "parties" / "data" / "sample_screening_list.csv"), "--source", "sample")
    print(f"making {args.burst:,} drafts...", flush=True)
    drafts = json.loads(manage("shell", "-c", BURST_SEED.replace("COUNT", str(args.burst))).strip().splitlines()[-1])

    port = free_port()
    processes = [subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )]
    for index in range(args.workers):
        processes.append(subprocess.Popen(
            [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "WARNING", "-n", f"burst-{index}@%h",
             *(["--concurrency", str(args.concurrency)] if args.concurrency else [])],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        ))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        time.sleep(3)  # the workers connect to the broker

        def submit(draft) -> int:
            token, public_id = draft
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                connection_.request("POST", f"/api/v1/requests/{public_id}/transitions/", body='{"action": "submit"}',
                                    headers={"Authorization": f"Token {token}", "Content-Type": "application/json"})
                response = connection_.getresponse()
                response.read()
                return response.status
            finally:
                connection_.close()

        load_before = " ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"submitting {args.burst:,} over the API from {args.clients} threads...", flush=True)
        started = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            statuses = list(pool.map(submit, drafts))
        submitted_in = time.monotonic() - started
        refused = [status for status in statuses if status != 200]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            done = json.loads(manage("shell", "-c", LATENCIES).strip().splitlines()[-1])
            if done["screened"] >= args.burst - len(refused) and not done["pending_emails"]:
                break
            time.sleep(1)
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    pairs = [(times["submit"], times["screen"]) for times in done["times"] if "screen" in times]
    latencies = [screen - submit for submit, screen in pairs]
    first_submit = min(submit for submit, _ in pairs)
    last_screen = max(screen for _, screen in pairs)
    processes_each = args.concurrency or os.cpu_count()
    print(f"burst of {args.burst:,}: {len(refused)} submits refused; {args.workers} workers x {processes_each} "
          f"process(es); {args.clients} client threads; load average before: {load_before}")
    print(f"submits: {args.burst / submitted_in:,.1f} per second over the API ({submitted_in:.1f} s)")
    print(f"screened: {len(pairs):,} at {len(pairs) / (last_screen - first_submit):,.1f} per second "
          f"(first submit to last screen {last_screen - first_submit:.1f} s)")
    if done["last_delivery"]:
        print(f"emails: {done['pending_emails']} not delivered; the last delivered "
              f"{done['last_delivery'] - last_screen:.1f} s after the last screening (deliveries yield to screening)")
    print(f"submit -> under_review: p50 {percentile(latencies, 0.50):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
          f"p99 {percentile(latencies, 0.99):.2f} s, max {max(latencies):.2f} s, "
          f"mean {statistics.mean(latencies):.2f} s")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    if refused or len(pairs) < args.burst:
        raise SystemExit(f"{len(refused)} submits refused, {args.burst - len(pairs)} not screened")


if __name__ == "__main__":
    main()
