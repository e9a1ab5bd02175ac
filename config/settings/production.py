"""Production settings: secrets, hosts, Redis and the signing key from the environment, HTTPS only, no DEBUG."""
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import REDIS_URL, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if not REDIS_URL:
    # Without a broker every task would run inside web requests, and throttles would count per process.
    raise ImproperlyConfigured("Set the REDIS_URL environment variable: production needs Redis as broker and cache.")


def _signing_file(name: str) -> str:
    """Certificates are signed with the authority's own key and certificate, never the development defaults."""
    path = env(name, default="")
    if not path:
        raise ImproperlyConfigured(f"Set {name}: production signs licence certificates with the authority's key and "
                                   "certificate (PEM files).")
    if not Path(path).is_file():
        raise ImproperlyConfigured(f"{name}={path}: no such file.")
    return path


CHIPGATE_SIGNING_KEY = _signing_file("CHIPGATE_SIGNING_KEY")
CHIPGATE_SIGNING_CERT = _signing_file("CHIPGATE_SIGNING_CERT")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Webhook payloads and signatures travel over TLS only.
CHIPGATE_WEBHOOK_HTTPS_ONLY = True
