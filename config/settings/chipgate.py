"""Chipgate's own settings: links in emails and the holidays SLA clocks skip."""
from datetime import date

from config.settings.environment import env

CHIPGATE_BASE_URL = env("CHIPGATE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Public holidays skipped by SLA clocks, as ISO dates (CHIPGATE_HOLIDAYS=2026-10-01,2026-10-02,...).
CHIPGATE_HOLIDAYS = [date.fromisoformat(day) for day in env.list("CHIPGATE_HOLIDAYS", default=[])]
