"""Starting background work once a transaction commits, by task name.

The services name the task rather than import it: the task modules import the services, and the
dependency must run one way only. Without a broker (the embedded default) the task runs in-process.
"""
import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Send a task after commit; a broker that is down is logged, and a periodic sweep catches up."""

    def send() -> None:
        current_app.tasks[task_name].delay(*args)

    transaction.on_commit(send, robust=True)
