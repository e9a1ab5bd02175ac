"""Settings for the web processes tests/integration starts: local settings on the test database and Redis.

Each test gives its processes cache keys of its own (CHIPGATE_TEST_CACHE_PREFIX), so counters left in Redis by
another test or run never count here, and nothing needs flushing a Redis database others may use.
"""
import os

from config.settings.local import *  # noqa: F403
from config.settings.local import CACHES

DEBUG = False
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": os.environ["CHIPGATE_TEST_CACHE_PREFIX"]}}
