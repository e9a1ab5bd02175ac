"""Numbers as people type and read them: suffixes and Chinese units parsed, figures grouped, in words, in
scientific notation for people."""
import pytest

from approvals.numbers import NotANumber, grouped, in_words, parse_count, scientific


@pytest.mark.parametrize(("typed", "expected"), [
    ("70B", 70_000_000_000),
    ("70b", 70_000_000_000),
    ("70 B", 70_000_000_000),
    ("1.5T", 1_500_000_000_000),
    ("2T", 2_000_000_000_000),
    ("2 trillion", 2_000_000_000_000),
    ("405bn", 405_000_000_000),
    ("7.5M", 7_500_000),
    ("13,000,000,000", 13_000_000_000),
    ("13 000 000 000", 13_000_000_000),
    ("700亿", 70_000_000_000),
    ("2万亿", 2_000_000_000_000),
    ("1.2万亿", 1_200_000_000_000),
    ("5万", 50_000),
    ("60", 60),
])
def test_it_parses_counts_as_people_write_them(typed, expected):
    assert parse_count(typed) == expected


@pytest.mark.parametrize("typed", ["", "B", "70X", "1.5", "1.23456K", "-5", "70B tokens", "seventy", "1e9", "7亿x"])
def test_it_refuses_what_is_not_a_whole_count(typed):
    with pytest.raises(NotANumber):
        parse_count(typed)


@pytest.mark.parametrize(("value", "places", "expected"), [
    (75000, 0, "75,000"),
    (1234567.891, 2, "1,234,567.89"),
    (12.25, 1, "12.2"),
    (0, 0, "0"),
    ("32000.00", 2, "32,000.00"),
])
def test_it_groups_thousands_whatever_the_locale(value, places, expected):
    assert grouped(value, places) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (6.39e24, "6.4 \u00d7 10²⁴"),
    (1e25, "1 \u00d7 10²⁵"),
    (9.96e25, "1 \u00d7 10²⁶"),
    (1.234e18, "1.2 \u00d7 10¹⁸"),
    (999_999, "999,999"),
])
def test_it_writes_large_figures_in_scientific_notation_for_people(value, expected):
    assert scientific(value) == expected


@pytest.mark.parametrize(("value", "language", "expected"), [
    (70_000_000_000, "en", "70 billion"),
    (2_000_000_000_000, "en", "2 trillion"),
    (1_500_000, "en", "1.5 million"),
    (13_250_000_000, "en", "13.25 billion"),
    (1_234_000_000_000_000, "en", "1,234 trillion"),
    (950, "en", "950"),
    (70_000_000_000, "zh-hans", "700亿"),
    (2_000_000_000_000, "zh-hans", "2万亿"),
    (50_000, "zh-hans", "5万"),
    (9_999, "zh-hans", "9999"),
])
def test_it_says_counts_in_words(value, language, expected):
    assert in_words(value, language) == expected
