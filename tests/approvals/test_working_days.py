"""Working-day arithmetic over weekends, holidays and pauses, exhaustively over a year of start dates."""
from datetime import date, timedelta

import pytest

from approvals.working_days import add_working_days, is_working_day, working_days_between

HOLIDAYS = frozenset({date(2026, 1, 1), date(2026, 5, 1), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)})
YEAR = [date(2026, 1, 1) + timedelta(days=offset) for offset in range(365)]


def brute_force_add(start, days, holidays):
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            counted += 1
    return current


@pytest.mark.parametrize("days", [0, 1, 5, 20, 45])
def test_add_working_days_over_a_year_of_start_dates(days):
    for start in YEAR:
        due = add_working_days(start, days, HOLIDAYS)
        assert due == brute_force_add(start, days, HOLIDAYS)
        assert days == 0 or is_working_day(due, HOLIDAYS)
        assert working_days_between(start, due, HOLIDAYS) == days


def test_weekends_are_skipped():
    friday = date(2026, 11, 27)
    assert add_working_days(friday, 1) == date(2026, 11, 30)
    assert working_days_between(friday, date(2026, 11, 29)) == 0


def test_holidays_are_skipped():
    assert add_working_days(date(2026, 9, 30), 1, HOLIDAYS) == date(2026, 10, 6)


def test_between_is_negative_when_overdue():
    assert working_days_between(date(2026, 12, 7), date(2026, 12, 4)) == -1


def test_a_pause_keeps_the_remaining_days():
    start = date(2026, 3, 2)
    due = add_working_days(start, 20, HOLIDAYS)
    paused_on = date(2026, 3, 11)
    left = working_days_between(paused_on, due, HOLIDAYS)
    resumed_on = date(2026, 4, 20)
    new_due = add_working_days(resumed_on, left, HOLIDAYS)
    assert working_days_between(start, paused_on, HOLIDAYS) + working_days_between(resumed_on, new_due,
                                                                                   HOLIDAYS) == 20


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
