"""The public check of a licence by its certificate's code: the few facts anyone may read, what its status means
for a shipment, and a budget of lookups per client address (the page and the API share it)."""
import time

from django.conf import settings
from django.core.cache import cache

from approvals.selectors import licence_by_verification_code
from approvals.states import LicenceStatus

# What the certificate and the verification page say of each status, first thing.
STATUS_STATEMENTS = {
    LicenceStatus.ACTIVE: "ACTIVE — valid for shipment within the validity below",
    LicenceStatus.SUSPENDED: "SUSPENDED — not valid for shipment",
    LicenceStatus.EXHAUSTED: "EXHAUSTED — everything approved has shipped; not valid for further shipment",
    LicenceStatus.EXPIRED: "EXPIRED — not valid for shipment",
    LicenceStatus.REVOKED: "REVOKED — not valid for shipment",
    LicenceStatus.SURRENDERED: "SURRENDERED — not valid for shipment",
}
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def status_statement(status: str) -> str:
    return STATUS_STATEMENTS[LicenceStatus(status)]


def licence_verification(code: str) -> dict:
    """Number, holder's legal name, status, validity and per-chip approved and remaining units: nothing else (no
    prices, purpose or people). An unknown code is a 404 that says nothing more."""
    licence = licence_by_verification_code(code)
    return {
        "number": licence.number,
        "holder": licence.holder.legal_name,
        "status": licence.status,
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
        "lines": [
            {"chip": line.chip.slug, "chip_name": str(line.chip), "approved": line.approved,
             "remaining": line.remaining}
            for line in licence.lines.all()
        ],
    }


def verification_wait(address: str) -> float | None:
    """Counts one lookup from ``address`` in the current window of CHIPGATE_VERIFY_THROTTLE_RATE: None while
    within it, else the seconds until the next window (a fixed window on the shared cache, like the API's)."""
    count, unit = settings.CHIPGATE_VERIFY_THROTTLE_RATE.split("/")
    limit, period = int(count), PERIODS[unit[0]]
    now = time.time()
    window = int(now // period)
    key = f"throttle:verify:{address}:{window}"
    try:
        seen = cache.incr(key)
    except ValueError:  # the first lookup in this window
        seen = 1 if cache.add(key, 1, period + 1) else cache.incr(key)
    return None if seen <= limit else (window + 1) * period - now
