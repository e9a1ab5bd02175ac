"""Signing in: password rules, the portal's sign-in pages, lockout after repeated failures (django-axes), staff 2FA."""
from datetime import timedelta

from config.settings.core import REDIS_URL
from config.settings.environment import env

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The portal's sign-in pages live in the "portal" URL namespace.
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "portal:login"

# django-axes: repeated failed sign-ins for one username from one address lock that pair out for a while;
# keyed on the pair so one mistyping colleague behind an office NAT does not lock out everyone else.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Failures are counted in CACHES, so every web process sees the same count (Redis), and per client address by
# the rule the API's throttles use (CHIPGATE_TRUSTED_PROXIES), never by a header a client could rotate.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CLIENT_IP_CALLABLE = "api.addresses.client_address"
# axes.W001 warns that a cache in one process's memory counts per process: without Redis Chipgate is one
# process (make run), and production refuses to start without Redis.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["axes.W001"]

# Staff (the four desk groups and superusers) sign in with a second factor: a TOTP authenticator app or a
# single-use backup code (django-otp). Off only where local.py or test.py say so; the environment decides last.
CHIPGATE_STAFF_2FA = env.bool("CHIPGATE_STAFF_2FA", default=True)
OTP_TOTP_ISSUER = "Chipgate"
# Superusers reset a lost authenticator by deleting the device in the admin; they never see its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
