"""Starting background work once a transaction commits, by task name.

The services name the task rather than import it: the task modules import the services, and the
dependency must run one way only. Without a broker (the embedded default) the task runs in-process.

Nothing is lost when the broker cannot be reached: the work is written down first (a request in
submitted, an outbox row) and the periodic sweeps start it later. So after a failed publish this process
stops trying for a few seconds instead of making every request wait on a dead broker.
"""
import logging
import time

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)
BACKOFF_SECONDS = 5.0
# Outbox deliveries yield to screening on a busy worker (Redis priorities: 0 is taken first, the default).
DELIVERY_PRIORITY = 6
_skip_until = 0.0


def enqueue_on_commit(task_name: str, *args) -> None:
    """Send a task after commit; a broker that is down is logged, and a periodic sweep catches up."""

    def send() -> None:
        global _skip_until
        if time.monotonic() < _skip_until:
            return
        try:
            current_app.tasks[task_name].delay(*args)
        except (BrokerUnreachable, ConnectionError) as error:
            _skip_until = time.monotonic() + BACKOFF_SECONDS
            logger.warning("Broker unreachable (%s); %s left to the periodic sweep, publishing paused for %.0f s",
                           error, task_name, BACKOFF_SECONDS)

    transaction.on_commit(send, robust=True)
