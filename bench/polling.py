"""Benchmark: status polling (200 and 304) under gunicorn against a bare Django JSON view, in one run.

Builds a throwaway SQLite database (or uses DATABASE_URL, which must then point at a scratch database)
with a few thousand requests, starts gunicorn on loopback with the production middleware, drives each
path with concurrent keep-alive-less clients (gunicorn sync workers), and prints requests per second,
p50 and p99 latency and the ratios to the bare view.

    .venv/bin/python bench/polling.py [--requests 3000] [--workers 2] [--clients 8] [--seconds 5]
"""
import argparse
import http.client
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()


def environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "polling_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}{os.pathsep}{ROOT}",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "CHIPGATE_API_THROTTLE_RATE": "100000000/min",
    })
    env.pop("REDIS_URL", None)
    return env


SEED = """
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from approvals.models import Company, CompanyMember, ImportRequest
from approvals.states import Status
from tests.factories import PURPOSE, UserFactory, valid_uscc

call_command("migrate", verbosity=0)
call_command("load_catalog", verbosity=0)
company = Company.objects.create(legal_name="Bench Compute Ltd.", uscc=valid_uscc(7), approved_customer=True)
user = UserFactory(username="bench-poller")
CompanyMember.objects.create(user=user, company=company)
statuses = [Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED]
requests = ImportRequest.objects.bulk_create(
    ImportRequest(company=company, created_by=user, status=statuses[index % 4], reference=f"IR-BENCH-{index:06d}",
                  purpose_category="inference_serving", purpose_statement=PURPOSE, end_user="Bench",
                  deployment_site="Bench", tier="standard", risk_score=10, version=1 + index % 5)
    for index in range(COUNT)
)
print("TOKEN", Token.objects.create(user=user).key)
for request in ImportRequest.objects.values_list("public_id", "version"):
    print("REQUEST", request[0], request[1])
"""


def seed(env: dict, count: int) -> tuple[str, list[tuple[str, int]]]:
    out = subprocess.run([PYTHON, "-c", SEED.replace("COUNT", str(count))], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split("\n")
    rows = [line.split() for line in out]
    token = next(row[1] for row in rows if row[:1] == ["TOKEN"])
    return token, [(row[1], int(row[2])) for row in rows if row[:1] == ["REQUEST"]]


def client(args) -> list[float]:
    """One client: as many calls as it can make in the time given; returns each call's latency in seconds."""
    calls, seconds, seed_value = args
    rng = random.Random(seed_value)
    latencies = []
    deadline = time.perf_counter() + seconds
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    while time.perf_counter() < deadline:
        path, headers, expected = rng.choice(calls)
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != expected:
            raise SystemExit(f"{path} answered {response.status}, expected {expected}")
    connection.close()
    return latencies


def drive(calls: list, clients: int, seconds: float) -> tuple[list[float], float]:
    client((calls, 0.3, -1))  # warm up: workers import, connect and fill their caches
    with multiprocessing.Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(client, [(calls, seconds, index) for index in range(clients)])
        elapsed = time.perf_counter() - started
    return [latency for result in results for latency in result], elapsed


def summarise(name: str, latencies: list[float], elapsed: float) -> dict:
    latencies = sorted(latencies)
    return {
        "name": name, "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def wait_for_server(process) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise SystemExit("gunicorn did not start")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0, help="per path, split over the rounds")
    parser.add_argument("--rounds", type=int, default=3, help="paths alternate in rounds, so drift hits all alike")
    options = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="chipgate-polling-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch / 'bench.sqlite3'}"
    env = environment(database_url)
    token, requests = seed(env, options.requests)
    auth = {"Authorization": f"Token {token}"}
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(options.workers), "--log-level", "error"],
        env=env, cwd=ROOT,
    )
    try:
        wait_for_server(server)
        bare = [("/bench/bare/", {}, 200)]
        fresh = [(f"/api/v1/requests/{public_id}/status/", auth, 200) for public_id, _ in requests]
        unchanged = [
            (f"/api/v1/requests/{public_id}/status/", {**auth, "If-None-Match": f'W/"{public_id}-{version}"'}, 304)
            for public_id, version in requests
        ]
        paths = (("bare view", bare), ("status 200", fresh), ("status 304", unchanged))
        measured = {name: ([], 0.0) for name, _ in paths}
        for _ in range(options.rounds):
            for name, calls in paths:
                latencies, elapsed = drive(calls, options.clients, options.seconds / options.rounds)
                measured[name] = (measured[name][0] + latencies, measured[name][1] + elapsed)
        results = [summarise(name, *measured[name]) for name, _ in paths]
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"{options.requests} requests in {database_url.split(':')[0]}, gunicorn {options.workers} sync workers, "
          f"{options.clients} clients, {options.seconds:.0f} s per path in {options.rounds} alternating rounds")
    baseline = results[0]["rps"]
    for result in results:
        print(f"  {result['name']:<11} {result['rps']:8.0f} req/s   p50 {result['p50']:6.2f} ms   "
              f"p99 {result['p99']:6.2f} ms   {result['rps'] / baseline:5.2f}x bare")


if __name__ == "__main__":
    main()
