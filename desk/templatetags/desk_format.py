"""Template filters for the desk: statuses, tiers and flags in words; numbers and times people can read."""
from django import template

from approvals.states import event_label
from desk import readable

register = template.Library()


@register.filter
def status_words(value: str) -> str:
    return readable.status_words(value or "")


@register.filter
def tier_words(value: str) -> str:
    return readable.tier_words(value or "")


@register.filter
def flag_words(code: str) -> str:
    return readable.flag_words(code)


@register.filter
def thousands(value, decimals: int = 0) -> str:
    return readable.number(value, decimals)


@register.filter
def when(value) -> str:
    return readable.local_time(value)


@register.filter
def model_size(value) -> str:
    return readable.model_size(value)


@register.filter
def event_words(action: str) -> str:
    """What a timeline event says happened ("escalate" -> "Escalated to a senior reviewer")."""
    return event_label(action)
