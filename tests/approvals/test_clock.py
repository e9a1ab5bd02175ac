"""Working-day arithmetic over weekends, holidays and pauses, against dates worked out by hand on a calendar."""
from datetime import date, timedelta

import pytest

from approvals.clock import add_working_days, is_working_day, working_days_between

HOLIDAYS = frozenset({date(2026, 1, 1), date(2026, 5, 1), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)})


@pytest.mark.parametrize(("start", "days", "holidays", "due"), [
    (date(2026, 11, 27), 0, (), date(2026, 11, 27)),  # Friday, no days: the same day
    (date(2026, 11, 27), 1, (), date(2026, 11, 30)),  # Friday + 1: Monday
    (date(2026, 11, 28), 1, (), date(2026, 11, 30)),  # Saturday + 1: Monday
    (date(2026, 11, 30), 5, (), date(2026, 12, 7)),  # a full week
    (date(2026, 11, 30), 20, (), date(2026, 12, 28)),  # the standard SLA
    (date(2026, 11, 30), 45, (), date(2027, 2, 1)),  # the senior SLA, over the new year
    (date(2026, 9, 30), 1, HOLIDAYS, date(2026, 10, 6)),  # National Day: 1, 2 and 5 October off
    (date(2026, 4, 30), 1, HOLIDAYS, date(2026, 5, 4)),  # Labour Day on a Friday
    (date(2026, 3, 2), 45, HOLIDAYS, date(2026, 5, 5)),
    (date(2026, 12, 31), 1, HOLIDAYS, date(2027, 1, 1)),  # the list holds 2026's holidays only
])
def test_add_working_days(start, days, holidays, due):
    assert add_working_days(start, days, holidays) == due


@pytest.mark.parametrize(("start", "end", "holidays", "days"), [
    (date(2026, 11, 27), date(2026, 11, 29), (), 0),  # Friday to Sunday
    (date(2026, 11, 27), date(2026, 11, 30), (), 1),
    (date(2026, 11, 30), date(2026, 12, 28), (), 20),
    (date(2026, 9, 30), date(2026, 10, 6), HOLIDAYS, 1),
    (date(2026, 12, 7), date(2026, 12, 4), (), -1),  # overdue by one working day
    (date(2026, 12, 7), date(2026, 12, 7), (), 0),
])
def test_working_days_between(start, end, holidays, days):
    assert working_days_between(start, end, holidays) == days


def test_weekends_and_holidays_are_not_working_days():
    assert [is_working_day(date(2026, 10, day), HOLIDAYS) for day in range(1, 8)] == [
        False, False, False, False, False, True, True,  # Thu 1 (hol), Fri 2 (hol), Sat, Sun, Mon 5 (hol), Tue, Wed
    ]


def test_a_pause_keeps_the_remaining_days():
    start = date(2026, 3, 2)
    due = add_working_days(start, 20, HOLIDAYS)
    assert due == date(2026, 3, 30)
    paused_on = date(2026, 3, 11)  # 7 working days used
    left = working_days_between(paused_on, due, HOLIDAYS)
    assert left == 13
    assert add_working_days(date(2026, 4, 20), left, HOLIDAYS) == date(2026, 5, 8)  # across Labour Day


def test_add_and_between_agree_over_a_year_of_start_dates():
    for offset in range(365):
        start = date(2026, 1, 1) + timedelta(days=offset)
        for days in (0, 1, 5, 20, 45):
            due = add_working_days(start, days, HOLIDAYS)
            assert working_days_between(start, due, HOLIDAYS) == days
            assert days == 0 or is_working_day(due, HOLIDAYS)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
