"""Celery: REDIS_URL names the broker; without it tasks run in-process (eager). Periodic work for beat."""
from config.settings.chipgate import CHIPGATE_SUBMITTED_SWEEP_SECONDS
from config.settings.core import REDIS_URL, TIME_ZONE
from config.settings.environment import env

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down at submit time must not hang the web request: fail fast, the sweep retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5,
    # Priorities on Redis (0 first): a worker takes screening and other default-priority tasks before deliveries
    # (approvals.queue.DELIVERY_PRIORITY), so a burst of submissions is screened first and its emails follow.
    "priority_steps": [0, 3, 6, 9], "sep": ":", "queue_order_strategy": "priority",
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TIMEZONE = TIME_ZONE

# Task names are explicit (name=...) and stable: the schedule and queued messages survive code moves.
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "approvals.tasks.sweep_outbox", "schedule": 5.0},
    "sweep-submitted": {"task": "approvals.tasks.sweep_submitted", "schedule": float(CHIPGATE_SUBMITTED_SWEEP_SECONDS)},
    "lapse-overdue-information": {"task": "approvals.tasks.lapse_overdue_information", "schedule": 3600.0},
    "expire-licences": {"task": "approvals.tasks.expire_approvals", "schedule": 3600.0},
    "overdue-end-use-reports": {"task": "approvals.tasks.mark_overdue_end_use_reports", "schedule": 3600.0},
    "sla-reminders": {"task": "approvals.tasks.send_sla_reminders", "schedule": 3600.0},
    "rescore-sweep-queued": {"task": "chips.tasks.rescore_sweep_queued", "schedule": 300.0},
    "refresh-dashboard": {"task": "approvals.tasks.refresh_dashboard", "schedule": 60.0},
    "purge-idempotency-keys": {"task": "approvals.tasks.purge_idempotency_keys", "schedule": 86400.0},
}
