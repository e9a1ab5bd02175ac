"""Limits hold across web processes: three gunicorn processes share one Redis for throttles and lockouts."""
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection

from tests.factories import ApplicantFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN_URL = "/api/v1/auth/token/"
PROCESSES = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        client.request(method, path, json.dumps(body or {}), {"Content-Type": "application/json"})
        response = client.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        client.close()


def answering(port: int) -> bool:
    try:
        return call(port, "GET", "/api/v1/chips/")[0] == 401
    except OSError:
        return False


@pytest.fixture
def web_processes(transactional_db, tmp_path):
    """Start PROCESSES separate gunicorn processes (one worker each) on the test database and REDIS_URL.

    The test database is the one pytest-django created ("test_" + the name in DATABASE_URL, as
    connection.settings_dict now says); the processes see what a test writes because transactional tests
    commit it. Their cache keys carry a prefix of this test's own, removed from Redis afterwards.
    """
    started: list[subprocess.Popen] = []
    prefix = f"chipgate-test-{uuid.uuid4().hex[:12]}"
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}").geturl()

    def start(**settings: str) -> list[int]:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.integration.web_settings",
            "DATABASE_URL": database_url,
            "CHIPGATE_TEST_CACHE_PREFIX": prefix,
            **settings,
        }
        ports = [free_port() for _ in range(PROCESSES)]
        for port in ports:
            with open(tmp_path / f"gunicorn-{port}.log", "wb") as log:
                started.append(subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
                    cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                ))
        for port, process in zip(ports, started[-PROCESSES:], strict=True):
            wait_for(lambda port=port, process=process: process.poll() is not None or answering(port))
            assert process.poll() is None, (tmp_path / f"gunicorn-{port}.log").read_text()
        return ports

    yield start
    for process in started:
        process.terminate()
    for process in started:
        process.wait(timeout=20)
    shared = redis.Redis.from_url(os.environ["REDIS_URL"])
    for key in shared.scan_iter(match=f"{prefix}:*"):
        shared.delete(key)


def test_the_token_endpoints_budget_is_shared_by_the_processes(web_processes):
    rate = 5
    ports = web_processes(CHIPGATE_API_ANON_THROTTLE_RATE=f"{rate}/min")
    # The budget is a fixed window per minute; start far enough from its end that every call falls in one.
    seconds_left = 60 - time.time() % 60
    if seconds_left < 10:
        time.sleep(seconds_left + 0.1)
    window = int(time.time() // 60)
    answers = [call(ports[i % PROCESSES], "POST", TOKEN_URL, {"username": "nobody"})[0] for i in range(3 * rate)]
    assert int(time.time() // 60) == window, "the calls straddled a minute boundary"
    assert answers.count(400) == rate
    assert answers.count(429) == 2 * rate


def test_the_sign_in_lockout_is_shared_by_the_processes(web_processes):
    user = ApplicantFactory()
    ports = web_processes(AXES_FAILURE_LIMIT="5")
    wrong = {"username": user.username, "password": "wrong"}
    answers = [call(ports[i % PROCESSES], "POST", TOKEN_URL, wrong)[0] for i in range(5)]
    assert answers == [400, 400, 400, 400, 403]
    right = {"username": user.username, "password": "pw-for-tests"}
    for port in ports:
        status, body = call(port, "POST", TOKEN_URL, right)
        assert (status, body["code"]) == (403, "locked_out")
