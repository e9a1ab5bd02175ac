"""What every write of the workflow starts with: the request's row, locked, the filer check, and a second try
when the database connection is lost under the transaction."""
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import InterfaceError, OperationalError, connection
from django.utils.translation import gettext

from approvals import roles
from approvals.errors import WorkflowError
from approvals.models import ImportRequest

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def lock_import_request(import_request_id: int) -> ImportRequest:
    """The request's row, locked until the transaction ends: writes to one request run one at a time."""
    try:
        return ImportRequest.objects.select_for_update().select_related("company").get(pk=import_request_id)
    except ImportRequest.DoesNotExist as exc:
        raise WorkflowError(WorkflowError.NOT_FOUND, "No such request.") from exc


def require_filer(actor, company_id: int) -> None:
    if not roles.is_filer_for(actor, company_id):
        raise WorkflowError(WorkflowError.FORBIDDEN,
                            gettext("Only a filing member of the company can change its requests."))


# PostgreSQL's codes for a connection that is gone: class 08, and the backend ended by an administrator, a crash
# or a shutdown. psycopg reports a socket that closed under it with no code at all.
CONNECTION_GONE_STATES = ("57P01", "57P02", "57P03")


def _connection_lost(error: Exception) -> bool:
    """The database connection died under the statement (an administrator or a failover ended it), as opposed
    to an error of the statement itself (a deadlock, a lock timeout), after which the same work could fail
    again. Django has already dropped the dead connection; the next query opens a new one."""
    if connection.vendor != "postgresql":
        return False
    state = getattr(error.__cause__, "sqlstate", None)
    return state is None or state.startswith("08") or state in CONNECTION_GONE_STATES


ATTEMPTS = 5
# Pauses before each new attempt, in seconds: a failover or a burst of terminated connections has a moment to pass.
RETRY_PAUSES = (0.05, 0.1, 0.2, 0.4)


def reconnecting(service: Callable[P, R]) -> Callable[P, R]:
    """Run a write service again (up to ATTEMPTS in all) when the database connection was lost under it.

    The service is one transaction: when the connection dies inside it, the server rolls it back, so the
    second run starts from what is committed, on a new connection. Inside an enclosing transaction the
    error is left to the outermost service, whose transaction died with it.
    """

    @wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS):
            try:
                return service(*args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                if connection.in_atomic_block or not _connection_lost(error):
                    raise
                logger.warning("Database connection lost during %s (attempt %s); running it again",
                               service.__name__, attempt)
                time.sleep(RETRY_PAUSES[attempt - 1])
        return service(*args, **kwargs)

    return run
