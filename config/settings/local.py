"""Settings for a developer's machine: DEBUG on, console email, SQLite unless DATABASE_URL is set."""
from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="chipgate-local-development-only-not-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Staff sign in with a password alone here unless CHIPGATE_STAFF_2FA=true (production requires the second factor).
CHIPGATE_STAFF_2FA = env.bool("CHIPGATE_STAFF_2FA", default=False)
