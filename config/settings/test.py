"""Settings for the test suite: fast hashing, in-memory email and cache, tasks eager unless a test starts a worker."""
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "chipgate-test-only"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test process counts throttles and lockouts in its own memory; tests of shared limits set Redis themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chipgate-test"}}
SILENCED_SYSTEM_CHECKS = ["axes.W001"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Teardown of transactional tests empties tables with TRUNCATE, which the audit trigger refuses unless the
    # session says so; only the test settings do.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c chipgate.allow_audit_truncate=on"  # noqa: F405
# Unit tests run tasks in-process; tests/integration starts a real worker against REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="chipgate-test-media-"))
# Serve static files from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Staff sign in with a password alone in tests, whatever the environment says; tests of the second factor
# switch it on themselves (the two_factor_on fixture).
CHIPGATE_STAFF_2FA = False
# Tests sign certificates with a throwaway key of their own (the signing_identity fixture), never a developer's.
CHIPGATE_SIGNING_KEY = str(MEDIA_ROOT / "no-signing-key.pem")
CHIPGATE_SIGNING_CERT = str(MEDIA_ROOT / "no-signing-certificate.pem")
CHIPGATE_SIGNING_CHAIN = ""
CHIPGATE_SIGNING_KEY_PASSPHRASE = ""
