"""Webhook delivery latency with a real Celery worker and a local receiver.

Makes 500 transitions (drafts withdrawn, one at a time, each in its own transaction) for a company with one endpoint,
and times each delivery from the transaction's commit to its arrival at a receiver on loopback, which checks every
signature with the standardwebhooks library. Prints p50, p95 and p99 of that latency and the count delivered,
duplicated (a webhook-id received twice) and lost (never received). Exit status 1 on any loss or bad signature.

    .venv/bin/python bench/webhooks.py                 # 500 transitions
    .venv/bin/python bench/webhooks.py --transitions 100

Needs PostgreSQL and Redis on 127.0.0.1. It works in a scratch database of its own (chipgate_whbench, dropped and
created) and Redis database 10; the worker (with beat, as `make run` starts it) and the receiver listen on loopback.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "chipgate_whbench"
REDIS_DB = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def prepare(env: dict) -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    for args in (["migrate", "--noinput"], ["load_catalog"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transitions", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (prefork concurrency)")
    options = parser.parse_args()

    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "CHIPGATE_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "CHIPGATE_MEDIA_ROOT": f"/tmp/chipgate-whbench-media-{os.getpid()}",
    }
    print(f"Preparing {DATABASE} and Redis db {REDIS_DB} ...", flush=True)
    prepare(env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction
    from standardwebhooks import Webhook, WebhookVerificationError

    from approvals import services
    from approvals.models import CompanyMember, WebhookDelivery
    from tests.factories import ApplicantFactory, CompanyFactory, declaration, line
    from tests.webhook_receiver import Receiver

    receiver = Receiver()
    company = CompanyFactory(approved_customer=True)
    admin = ApplicantFactory(membership__company=company, membership__role=CompanyMember.CompanyRole.ADMIN)
    endpoint, secret = services.webhook_endpoint_create(actor=admin, url=receiver.url,
                                                        events=["request.status_changed"])
    drafts = [services.request_create(actor=admin, data=declaration(), lines=[line()])
              for _ in range(options.transitions)]

    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "config", "worker", "-B", "--loglevel=WARNING", "--pool=prefork",
         f"--concurrency={options.workers}", "--schedule", f"/tmp/chipgate-whbench-beat-{os.getpid()}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(6)  # the worker connects and beat's first sweep runs
        committed: dict[str, float] = {}
        started = time.monotonic()
        for draft in drafts:
            with transaction.atomic():
                # Registered first, so it runs first after the commit, before the hook that sends the task.
                transaction.on_commit(lambda key=str(draft.public_id): committed.__setitem__(key, time.time()))
                services.request_transition(import_request_id=draft.pk, action="withdraw", actor=admin)
        spent = time.monotonic() - started
        print(f"{len(committed)} transitions committed in {spent:.1f} s ({len(committed) / spent:.0f}/s)", flush=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len({got.headers.get("webhook-id") for got in receiver.received}) \
                < len(committed):
            time.sleep(0.2)
        time.sleep(2)  # anything sent twice arrives now
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        receiver.stop()

    hook = Webhook(secret)
    first_arrival: dict[str, float] = {}
    per_id: dict[str, int] = {}
    bad_signatures = 0
    for got in receiver.received:
        try:
            body = hook.verify(got.body, got.headers)
        except WebhookVerificationError:
            bad_signatures += 1
            continue
        webhook_id = got.headers["webhook-id"]
        per_id[webhook_id] = per_id.get(webhook_id, 0) + 1
        key = body["data"]["id"]
        first_arrival[key] = min(first_arrival.get(key, got.at), got.at)
    expected = WebhookDelivery.objects.filter(endpoint=endpoint).count()
    latencies = [(first_arrival[key] - at) * 1000 for key, at in committed.items() if key in first_arrival]
    delivered = len(per_id)
    duplicated = sum(count - 1 for count in per_id.values())
    lost = expected - delivered
    print(f"deliveries written: {expected} (one per transition: {expected == len(committed)})")
    if latencies:
        print(f"latency after commit: p50 {percentile(latencies, 0.50):.0f} ms, p95 {percentile(latencies, 0.95):.0f} "
              f"ms, p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies):.0f} ms, "
              f"mean {statistics.mean(latencies):.0f} ms")
    print(f"delivered {delivered}, duplicated {duplicated}, lost {lost}, bad signatures {bad_signatures}")
    print(json.dumps({"p50_ms": round(percentile(latencies, 0.5)) if latencies else None,
                      "p95_ms": round(percentile(latencies, 0.95)) if latencies else None,
                      "p99_ms": round(percentile(latencies, 0.99)) if latencies else None,
                      "delivered": delivered, "duplicated": duplicated, "lost": lost}))
    return 1 if lost or bad_signatures else 0


if __name__ == "__main__":
    sys.exit(main())
