"""Settings for the test suite: fast hashing, in-memory email and cache, tasks eager unless a test starts a worker."""
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
SECRET_KEY = "chipgate-test-only"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test process counts throttles and lockouts in its own memory; tests of shared limits set Redis themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chipgate-test"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks in-process; tests/integration starts a real worker against REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="chipgate-test-media-"))
# Serve static files from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Staff sign in with a password alone here unless CHIPGATE_STAFF_2FA=true (production requires the second factor).
CHIPGATE_STAFF_2FA = env.bool("CHIPGATE_STAFF_2FA", default=False)
