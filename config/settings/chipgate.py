"""Chipgate's own settings: links in emails, the holidays SLA clocks skip, how side effects are delivered, and
the proxies in front of the app."""
from datetime import date

from django.core.exceptions import ImproperlyConfigured

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
# A request still in submitted this long after its submit is screened again (its screening task was lost:
# the broker was down, or the worker died); the sweep looks this often.
CHIPGATE_SUBMITTED_SWEEP_SECONDS = env.int("CHIPGATE_SUBMITTED_SWEEP_SECONDS", default=120)
# How many proxies of ours (load balancer, CDN) stand in front of the app. 0: the client's address is the
# connection's (REMOTE_ADDR) and X-Forwarded-For is ignored; N: the N-th X-Forwarded-For entry from the right.
# Throttles and the sign-in lockout count per this address (api.addresses.client_address).
CHIPGATE_TRUSTED_PROXIES = env.int("CHIPGATE_TRUSTED_PROXIES", default=0)
if CHIPGATE_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("CHIPGATE_TRUSTED_PROXIES counts proxies: give 0 or more.")
