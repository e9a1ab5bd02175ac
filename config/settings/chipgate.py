"""Chipgate's own settings: links in emails, the holidays SLA clocks skip, how side effects are delivered, the
proxies in front of the app, the signing of licence certificates and their public verification."""
import re
from datetime import date

from django.core.exceptions import ImproperlyConfigured

from config.settings.environment import BASE_DIR, env

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
# The desk dashboard reads a snapshot of its figures that beat refreshes every minute; one older than this is
# computed again by the page itself.
CHIPGATE_DASHBOARD_CACHE_SECONDS = env.int("CHIPGATE_DASHBOARD_CACHE_SECONDS", default=150)
# How many proxies of ours (load balancer, CDN) stand in front of the app. 0: the client's address is the
# connection's (REMOTE_ADDR) and X-Forwarded-For is ignored; N: the N-th X-Forwarded-For entry from the right.
# Throttles and the sign-in lockout count per this address (api.addresses.client_address).
CHIPGATE_TRUSTED_PROXIES = env.int("CHIPGATE_TRUSTED_PROXIES", default=0)
if CHIPGATE_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("CHIPGATE_TRUSTED_PROXIES counts proxies: give 0 or more.")

# Licence certificates are signed (PAdES) with the authority's key and certificate, PEM files named here; a key
# may be encrypted (its passphrase), and a certificate issued by a CA comes with its intermediates (a chain
# file). Production must name them; elsewhere `manage.py signing_key --ensure` (run by `make run`) makes a
# self-signed pair at the default paths.
CHIPGATE_SIGNING_KEY = env("CHIPGATE_SIGNING_KEY", default=str(BASE_DIR / "var" / "signing" / "key.pem"))
CHIPGATE_SIGNING_CERT = env("CHIPGATE_SIGNING_CERT", default=str(BASE_DIR / "var" / "signing" / "certificate.pem"))
CHIPGATE_SIGNING_KEY_PASSPHRASE = env("CHIPGATE_SIGNING_KEY_PASSPHRASE", default="")
CHIPGATE_SIGNING_CHAIN = env("CHIPGATE_SIGNING_CHAIN", default="")
# Who issues licences: printed on every certificate, and the name of the signature.
CHIPGATE_AUTHORITY_NAME = env("CHIPGATE_AUTHORITY_NAME", default="Chipgate Import Licensing Authority")
# Public verification (/verify/<code>/ and /api/v1/verify/<code>/): lookups per client address, page and API
# together, in fixed windows of the rate's period.
CHIPGATE_VERIFY_THROTTLE_RATE = env("CHIPGATE_VERIFY_THROTTLE_RATE", default="60/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", CHIPGATE_VERIFY_THROTTLE_RATE):
    raise ImproperlyConfigured("CHIPGATE_VERIFY_THROTTLE_RATE is a number of lookups per period: e.g. 60/min.")

# Webhooks: seconds before each retry of a failed delivery (after the last one the delivery has failed); an
# endpoint still failing this many days after its first failure is disabled and its company's administrator told.
CHIPGATE_WEBHOOK_RETRY_SCHEDULE = [
    int(seconds) for seconds in env.list("CHIPGATE_WEBHOOK_RETRY_SCHEDULE",
                                         default=["5", "60", "600", "3600", "21600", "86400"])
]
CHIPGATE_WEBHOOK_DISABLE_AFTER_DAYS = env.int("CHIPGATE_WEBHOOK_DISABLE_AFTER_DAYS", default=3)
# Host names or IP addresses (matched exactly, ports ignored) that may be private, loopback or link-local: webhook
# receivers on this machine or network, for tests and local use. Nothing else at such an address gets a delivery.
CHIPGATE_WEBHOOK_ALLOWED_HOSTS = env.list("CHIPGATE_WEBHOOK_ALLOWED_HOSTS", default=[])
# Production delivers to https:// URLs only (config.settings.production sets it); a development machine may use http.
CHIPGATE_WEBHOOK_HTTPS_ONLY = env.bool("CHIPGATE_WEBHOOK_HTTPS_ONLY", default=False)
# A delivery succeeds with a 2xx answer within this many seconds; bodies larger than the bound are not sent.
CHIPGATE_WEBHOOK_TIMEOUT_SECONDS = env.float("CHIPGATE_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
CHIPGATE_WEBHOOK_MAX_PAYLOAD_BYTES = env.int("CHIPGATE_WEBHOOK_MAX_PAYLOAD_BYTES", default=64 * 1024)
# After a secret's rotation deliveries are signed with the old secret too, for this long.
CHIPGATE_WEBHOOK_SECRET_OVERLAP_HOURS = env.int("CHIPGATE_WEBHOOK_SECRET_OVERLAP_HOURS", default=24)
