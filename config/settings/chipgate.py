"""Chipgate's own settings: links in emails, the holidays SLA clocks skip, and how side effects are delivered."""
from datetime import date

from config.settings.environment import env

CHIPGATE_BASE_URL = env("CHIPGATE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Public holidays skipped by SLA clocks, as ISO dates (CHIPGATE_HOLIDAYS=2026-10-01,2026-10-02,...).
CHIPGATE_HOLIDAYS = [date.fromisoformat(day) for day in env.list("CHIPGATE_HOLIDAYS", default=[])]

# The outbox: seconds before each retry of a failed delivery (after the last one a message is marked
# failed), and how long a worker's claim on a message lasts (a worker killed mid-delivery frees it then).
CHIPGATE_OUTBOX_RETRY_SCHEDULE = [
    int(seconds) for seconds in env.list("CHIPGATE_OUTBOX_RETRY_SCHEDULE", default=["5", "30", "120", "600", "3600",
                                                                                       "21600", "86400"])
]
CHIPGATE_OUTBOX_LEASE_SECONDS = env.int("CHIPGATE_OUTBOX_LEASE_SECONDS", default=60)
