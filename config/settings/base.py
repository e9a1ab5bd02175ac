"""Settings shared by every environment: a complete settings module assembled from one module per topic.

Each setting is defined once, in its topic's module; local, test and production import this and change
only what differs there.
"""
from config.settings.api import *  # noqa: F403
from config.settings.auth import *  # noqa: F403
from config.settings.celery import *  # noqa: F403
from config.settings.chipgate import *  # noqa: F403
from config.settings.core import *  # noqa: F403
from config.settings.environment import BASE_DIR, env  # noqa: F401
