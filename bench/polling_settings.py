"""Settings for bench/polling.py: the production middleware and API, plus a bare JSON view to compare against."""
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "chipgate-polling-benchmark-only"
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "polling_urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
