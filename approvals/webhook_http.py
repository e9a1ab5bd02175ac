"""Sending one webhook over HTTP, safely: where it may go (no server-side request forgery) and how it is sent.

A delivery resolves the host, refuses loopback, private, link-local, multicast and reserved addresses unless the
host is listed in CHIPGATE_WEBHOOK_ALLOWED_HOSTS, and then connects to the address it checked (a second lookup
could answer otherwise: DNS rebinding). Redirects are not followed; only the first kilobyte of an answer is read.
"""
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

ANSWER_LOG_BYTES = 1024


class WebhookAddressRefused(Exception):
    """The URL may not receive deliveries: the message says why."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: str
    duration_ms: int


def _normalised_host(entry: str) -> str:
    entry = entry.strip().lower()
    if entry.startswith("["):  # [::1]:8000
        return entry[1:].split("]", 1)[0]
    if entry.count(":") == 1:  # host:port
        return entry.split(":", 1)[0]
    return entry


def host_allowed(host: str) -> bool:
    """Listed in CHIPGATE_WEBHOOK_ALLOWED_HOSTS (exactly, ports ignored): may be at any address."""
    return _normalised_host(host) in {_normalised_host(entry) for entry in settings.CHIPGATE_WEBHOOK_ALLOWED_HOSTS}


def address_forbidden(address: str) -> bool:
    """Loopback, private, link-local, multicast, reserved or unspecified: not a public receiver."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def url_refusal(url: str) -> str | None:
    """Why this URL cannot be registered, or None: the scheme, and a host that is a forbidden literal address.
    Host names are resolved at each delivery instead (what they point at may change)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return "Enter a valid URL."
    schemes = ("https",) if settings.CHIPGATE_WEBHOOK_HTTPS_ONLY else ("https", "http")
    if parts.scheme not in schemes:
        return "The URL must start with https://." if schemes == ("https",) else \
            "The URL must start with https:// or http://."
    if not parts.hostname:
        return "The URL has no host."
    if parts.username or parts.password:
        return "The URL must not carry a user name or password."
    literal = _literal_address(parts.hostname)
    if literal and address_forbidden(literal) and not host_allowed(parts.hostname):
        return (f"{parts.hostname} is a loopback, private, link-local, multicast or reserved address: webhooks "
                "go to public addresses only.")
    return None


def checked_address(host: str, port: int) -> str:
    """The address to connect to: the host's first address after checking every address it resolves to."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise WebhookAddressRefused(f"{host} does not resolve: {exc}") from exc
    addresses = [info[4][0] for info in found]
    if not host_allowed(host):
        refused = [address for address in addresses if address_forbidden(address)]
        if refused:
            raise WebhookAddressRefused(
                f"{host} resolves to {refused[0]}, a loopback, private, link-local, multicast or reserved address"
            )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST the body to the URL's checked address; the answer's status and first kilobyte. Raises
    WebhookAddressRefused, or OSError / http.client.HTTPException when no answer came in time."""
    refusal = url_refusal(url)
    if refusal:
        raise WebhookAddressRefused(refusal)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = checked_address(parts.hostname, port)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    timeout = settings.CHIPGATE_WEBHOOK_TIMEOUT_SECONDS
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    connection = kind(parts.hostname, port, address, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        # The limit is for the whole answer, not per read: a receiver trickling bytes cannot hold a worker.
        sock = connection.sock
        sock.settimeout(max(0.01, timeout - (time.monotonic() - started)))
        response = connection.getresponse()
        sock.settimeout(max(0.01, timeout - (time.monotonic() - started)))
        answer = response.read(ANSWER_LOG_BYTES)
    finally:
        connection.close()
    duration = time.monotonic() - started
    if duration > timeout:
        raise TimeoutError(f"the answer took {duration:.1f} s (more than {timeout:g} s)")
    return Answer(response.status, answer.decode("utf-8", "replace"), round(duration * 1000))
