"""The public verification page: anyone holding a certificate's code sees what the licence allows now, without
an account."""
import math

from axes.helpers import get_client_ip_address
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from approvals.states import LicenceStatus
from approvals.verification import licence_verification, status_statement, verification_wait
from portal import vocabulary


def _public(response):
    # The code in the address is the key to the page: no shared cache keeps it, no search engine lists it.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def verify(request, code):
    """Number, holder, status, validity and per-chip quantities; an unknown code gets the same page every time.
    Lookups are counted per client address (by the sign-in lockout's rule, which honours
    CHIPGATE_TRUSTED_PROXIES), with the API's verification together."""
    wait = verification_wait(get_client_ip_address(request) or "")
    if wait is not None:
        retry_after = math.ceil(wait)
        response = render(request, "verify/throttled.html", {"retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return _public(response)
    try:
        licence = licence_verification(code)
    except Http404:
        return _public(render(request, "verify/not_found.html", status=404))
    return _public(render(request, "verify/licence.html", {
        "licence": licence,
        "status_label": vocabulary.word(LicenceStatus(licence["status"]).label),
        "statement": vocabulary.word(status_statement(licence["status"])),
        "valid_for_shipment": licence["status"] == LicenceStatus.ACTIVE,
        "checked_at": timezone.now(),
    }))
