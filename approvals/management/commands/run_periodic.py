"""Do the beat schedule's periodic work in this process: for a machine without Redis, beside the web server.

Each entry of CELERY_BEAT_SCHEDULE runs at its interval, in-process (tasks are eager without a broker):
the outbox and submitted sweeps, lapses, expiries, SLA reminders, re-scoring and key purges. A job that
fails is logged and tried again at its next turn; the loop itself keeps going.
"""
import logging
import time

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the periodic jobs of the beat schedule in this process (the embedded default has no beat)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then stop.")
        parser.add_argument("--tick", type=float, default=1.0, help="Seconds between looks at the schedule.")

    def handle(self, *args, once: bool, tick: float, **options):
        schedule = {name: (entry["task"], float(entry["schedule"])) for name, entry in
                    settings.CELERY_BEAT_SCHEDULE.items()}
        due = dict.fromkeys(schedule, 0.0)
        self.stdout.write(f"Periodic work in this process: {', '.join(schedule)}.")
        while True:
            now = time.monotonic()
            for name, (task_name, interval) in schedule.items():
                if now < due[name]:
                    continue
                due[name] = now + interval
                close_old_connections()
                try:
                    result = current_app.tasks[task_name]()
                except Exception:
                    logger.exception("Periodic job %s failed; it runs again in %.0f s", name, interval)
                else:
                    if result:
                        logger.info("Periodic job %s: %s", name, result)
            if once:
                return
            time.sleep(tick)
