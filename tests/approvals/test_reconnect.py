"""A write whose database connection is ended under it (pg_terminate_backend) runs again on a new connection:
the first transaction rolled back, so the move happens exactly once and the caller sees no error."""
import psycopg
import pytest
from django.conf import settings
from django.db import connection

from approvals import notifications, services
from approvals.models import ReviewEvent
from tests.factories import request_in_review

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"),
]


def terminate_own_connection_once(monkeypatch):
    """Make the transition's notification step end the connection it runs on, the first time only."""
    original, calls = notifications.notify_event, []

    def notify(event):
        if not calls:
            calls.append(event.pk)
            params = settings.DATABASES["default"]
            with psycopg.connect(host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"],
                                 password=params["PASSWORD"] or None, dbname=params["NAME"],
                                 autocommit=True) as admin, connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                admin.execute("SELECT pg_terminate_backend(%s)", [cursor.fetchone()[0]])
        return original(event)

    monkeypatch.setattr(notifications, "notify_event", notify)
    return calls


def test_a_transition_survives_its_connection_being_terminated(monkeypatch, applicant, reviewer):
    case = request_in_review(applicant)
    calls = terminate_own_connection_once(monkeypatch)
    moved = services.request_transition(import_request_id=case.pk, action="approve", actor=reviewer)
    assert len(calls) == 1  # the first run was cut off
    assert moved.status == "approved"
    assert ReviewEvent.objects.filter(import_request=case, action="approve").count() == 1
    assert moved.version == case.version + 1


def test_an_error_of_the_statement_itself_is_not_run_again():
    from django.db import OperationalError

    from approvals.services.common import reconnecting

    class Deadlock(Exception):
        sqlstate = "40P01"

    runs = []

    @reconnecting
    def service():
        runs.append(1)
        raise OperationalError("deadlock detected") from Deadlock()

    with pytest.raises(OperationalError):
        service()
    assert runs == [1]
