"""List columns the desk writes for people: times in the site's zone with the offset, sortable by their field."""
from django.contrib import admin

from desk import readable


def local_time_column(field: str, description: str):
    """A list_display column showing ``field`` as '2026-11-30 20:15 UTC+8' (dates as '2026-11-30')."""

    @admin.display(description=description, ordering=field)
    def column(obj) -> str:
        return readable.local_time(getattr(obj, field))

    column.__name__ = field
    return column


def status_column(field: str, description: str):
    """A list_display column showing a status code in words ("under_review" -> "Under review")."""

    @admin.display(description=description, ordering=field)
    def column(obj) -> str:
        return readable.status_words(getattr(obj, field) or "") or "-"

    column.__name__ = field
    return column


def event_column(describe, description: str = "what happened"):
    """A list_display column showing an audit event's action as the timeline words it ("escalate" -> "Escalated
    to senior review"); ``describe`` turns an action code into those words."""

    @admin.display(description=description, ordering="action")
    def column(obj) -> str:
        return describe(obj.action)

    column.__name__ = "action"
    return column
