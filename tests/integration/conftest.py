"""Integration tests: real PostgreSQL, a real Redis broker and a real Celery worker (no eager mode)."""
import os
import time
import uuid

import pytest
from django.db import connection

NEEDS = "set DATABASE_URL (PostgreSQL) and REDIS_URL to run the integration tests; .ci/run does"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
            if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
                item.add_marker(pytest.mark.skip(reason=f"integration skipped: {NEEDS}"))


@pytest.fixture(scope="session")
def celery_app_real():
    """The project's Celery app switched from eager to the Redis broker, on a queue of this run's own."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue", "task_ignore_result",
                                             "broker_url", "result_backend")}
    app.conf.update(
        task_always_eager=False,
        task_default_queue=f"chipgate-test-{uuid.uuid4().hex[:8]}",
        task_ignore_result=False,
        broker_url=os.environ["REDIS_URL"],
        result_backend=os.environ["REDIS_URL"],
    )
    reset_producers(app)
    yield app
    app.conf.update(saved)
    reset_producers(app)


def reset_producers(app):
    """Forget the app's pooled producers so the next publish uses the broker now configured.

    kombu keeps one pool per broker URL, so switching back finds the earlier pool still open.
    """
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(celery_app_real, transactional_db):
    from celery.contrib.testing.worker import start_worker

    assert connection.vendor == "postgresql"
    with start_worker(celery_app_real, pool="solo", perform_ping_check=False, shutdown_timeout=20) as running:
        yield running


def wait_for(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
