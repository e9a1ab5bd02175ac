"""Celery task names are explicit and stable: the beat schedule and messages already queued keep finding them."""
from django.conf import settings

from config.celery import app

TASK_NAMES = {
    "approvals.tasks.screen_request",
    "approvals.tasks.deliver_outbox_message",
    "approvals.tasks.deliver_outbox_messages",
    "approvals.tasks.sweep_outbox",
    "approvals.tasks.sweep_submitted",
    "approvals.tasks.lapse_overdue_information",
    "approvals.tasks.expire_approvals",
    "approvals.tasks.mark_overdue_end_use_reports",
    "approvals.tasks.send_sla_reminders",
    "approvals.tasks.purge_idempotency_keys",
    "approvals.tasks.refresh_dashboard",
    "chips.tasks.rescore_open_requests",
    "chips.tasks.rescore_sweep_queued",
}


def test_every_task_of_the_project_is_registered_under_its_published_name():
    registered = {name for name in app.tasks if not name.startswith("celery.")}
    assert registered == TASK_NAMES


def test_every_beat_entry_names_a_registered_task():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= TASK_NAMES
    assert scheduled == {
        "approvals.tasks.sweep_outbox", "approvals.tasks.sweep_submitted", "approvals.tasks.lapse_overdue_information",
        "approvals.tasks.expire_approvals", "approvals.tasks.mark_overdue_end_use_reports",
        "approvals.tasks.send_sla_reminders",
        "chips.tasks.rescore_sweep_queued", "approvals.tasks.purge_idempotency_keys",
        "approvals.tasks.refresh_dashboard",
    }
