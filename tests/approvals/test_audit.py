"""The audit trail: append-only in the ORM, hash-chained, and verified by a command that names the break."""
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from approvals import services
from approvals.audit import audit_verify, audit_verify_request
from approvals.models import ReviewEvent
from tests.factories import request_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(applicant, reviewer):
    request = request_in_review(applicant)
    services.request_transition(import_request_id=request.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which site?"})
    return request


def test_events_form_a_chain(reviewed):
    events = list(reviewed.events.order_by("seq"))
    assert [event.action for event in events] == ["create", "submit", "screen", "request_information"]
    assert [event.seq for event in events] == [1, 2, 3, 4]
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
    assert audit_verify_request(import_request=reviewed) is None


def test_the_orm_refuses_update_and_delete(reviewed):
    event = reviewed.events.first()
    event.comment = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ReviewEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(PermissionError):
        ReviewEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_raw_updates_too(reviewed):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE approvals_reviewevent SET comment = 'x'")


def _tamper(sql, params):
    """Alter rows behind the application's back, as a database superuser could (triggers bypassed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_verify_audit_names_the_first_altered_event(reviewed, capsys):
    call_command("verify_audit")
    assert "4 events checked" in capsys.readouterr().out
    third = reviewed.events.get(seq=3)
    _tamper("UPDATE approvals_reviewevent SET comment = %s WHERE id = %s", ["quietly changed", third.pk])
    with pytest.raises(CommandError, match="broken in 1 request"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"{reviewed.reference} event #3: content does not match its hash" in err


def test_verify_catches_a_deleted_event(reviewed):
    second = reviewed.events.get(seq=2)
    _tamper("DELETE FROM approvals_reviewevent WHERE id = %s", [second.pk])
    checked, breaks = audit_verify()
    assert checked == 3
    assert [str(found) for found in breaks] == [f"{reviewed.reference} event #2: event #2 is missing"]


def test_the_request_anchors_its_last_event(reviewed):
    reviewed.refresh_from_db()
    last = reviewed.events.order_by("-seq").first()
    assert (reviewed.last_event_seq, reviewed.last_event_hash) == (4, last.hash)


def test_verify_catches_a_deleted_tail(reviewed):
    _tamper("DELETE FROM approvals_reviewevent WHERE request_id = %s AND seq >= 3", [reviewed.pk])
    checked, breaks = audit_verify()
    assert checked == 2
    assert [str(found) for found in breaks] == [
        f"{reviewed.reference} event #3: events #3 to #4 are missing (the tail)"]


def test_verify_catches_a_request_whose_events_are_all_gone(reviewed):
    _tamper("DELETE FROM approvals_reviewevent WHERE request_id = %s", [reviewed.pk])
    checked, breaks = audit_verify()
    assert checked == 0
    assert [str(found) for found in breaks] == [
        f"{reviewed.reference} event #1: no events at all (the request's anchor names event #4)"]


def test_verify_catches_a_rewound_anchor_with_a_replaced_tail(reviewed):
    """Deleting the tail and moving the anchor back is caught only by the hash the anchor held."""
    last = reviewed.events.get(seq=4)
    _tamper("UPDATE approvals_importrequest SET last_event_hash = %s WHERE id = %s", ["0" * 64, reviewed.pk])
    _, breaks = audit_verify()
    assert [str(found) for found in breaks] == [
        f"{reviewed.reference} event #4: the request's anchor does not name this last event"]
    assert last.hash != "0" * 64


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_truncate_of_the_events(reviewed):
    from django.db import DatabaseError, transaction

    with connection.cursor() as cursor:
        cursor.execute("SHOW chipgate.allow_audit_truncate")
        assert cursor.fetchone() == ("on",)  # the test settings' way through, for teardown only
        cursor.execute("SET chipgate.allow_audit_truncate = 'off'")
    try:
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own pending foreign-key checks first
            cursor.execute("TRUNCATE approvals_reviewevent")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET chipgate.allow_audit_truncate = 'on'")
    assert ReviewEvent.objects.filter(import_request=reviewed).count() == 4
