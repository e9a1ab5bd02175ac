"""The portal's number filters: thousands separators in every language, people's notation, counts in words in the
reader's language; a value that is not a number passes through instead of breaking the page."""
import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load portal_format %}" + source).render(Context(context))


@pytest.mark.parametrize(("source", "value", "expected"), [
    ("{{ v|grouped }}", 75000, "75,000"),
    ("{{ v|grouped:2 }}", "32000.5", "32,000.50"),
    ("{{ v|grouped:1 }}", 265.64, "265.6"),
    ("{{ v|grouped }}", "n/a", "n/a"),
    ("{{ v|grouped }}", None, ""),
    ("{{ v|scientific }}", 6.39e24, "6.4 \u00d7 10\u00b2\u2074"),
    ("{{ v|scientific }}", "n/a", "n/a"),
    ("{{ v|in_words }}", 70_000_000_000, "70 billion"),
    ("{{ v|in_words }}", None, ""),
])
def test_the_filters_in_english(source, value, expected):
    with translation.override("en"):
        assert render(source, v=value) == expected


@pytest.mark.parametrize(("source", "value", "expected"), [
    ("{{ v|grouped }}", 75000, "75,000"),  # Django's Chinese locale groups nothing; these filters always do
    ("{{ v|in_words }}", 70_000_000_000, "700\u4ebf"),
    ("{{ v|in_words }}", 2_000_000_000_000, "2\u4e07\u4ebf"),
])
def test_the_filters_in_chinese(source, value, expected):
    with translation.override("zh-hans"):
        assert render(source, v=value) == expected
