"""The client's address, for the API's throttles and the sign-in lockout (django-axes) alike.

Anyone can send an X-Forwarded-For header, so it counts only as far as CHIPGATE_TRUSTED_PROXIES says proxies
of ours wrote it: each trusted proxy appends the address it saw, so the N-th entry from the right is the one
the outermost trusted proxy saw, and everything left of it is the client's to invent.
"""
from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or behind N trusted proxies the N-th X-Forwarded-For entry from the right.

    A missing or shorter header means the request did not come through the proxies we expect: REMOTE_ADDR.
    Reads only ``request.META``, so it serves Django's and DRF's requests and the status polls' short path.
    """
    remote_address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CHIPGATE_TRUSTED_PROXIES
    if not proxies:
        return remote_address
    forwarded_for = [address.strip() for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded_for) < proxies or not forwarded_for[-proxies]:
        return remote_address
    return forwarded_for[-proxies]
