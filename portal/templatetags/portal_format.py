"""Template filters for figures on the portal: thousands separators in every language, large figures as people
write them, counts in words in the reader's language (the formatting itself is approvals.numbers)."""
from django import template
from django.utils.translation import get_language

from approvals import numbers

register = template.Library()


@register.filter
def grouped(value, places=0):
    """75000 -> 75,000; ``|grouped:2`` for money."""
    try:
        return numbers.grouped(value, int(places))
    except (ArithmeticError, TypeError, ValueError):
        return value


@register.filter
def scientific(value):
    """6.39e24 -> 6.4, times sign, 10 with a superscript 24."""
    try:
        return numbers.scientific(float(value))
    except (TypeError, ValueError):
        return value


@register.filter
def in_words(value):
    """70000000000 -> 70 billion (700亿 in Chinese)."""
    try:
        return numbers.in_words(int(value), get_language() or "en")
    except (TypeError, ValueError):
        return ""
