"""Deadlines on working days: a meeting's default update and report deadlines that fall on a weekend or an England and
Wales bank holiday move to the working day before, and say so. Fixed dates around Easter and Christmas 2020."""

from datetime import date

import pytest

from app.models import Meeting, ReminderSettings
from app.services.meetings import (
    Moved,
    deadline_text,
    default_deadline,
    default_report_deadline,
    moved,
    update_deadline_moved,
)
from app.services.working_days import add_working_days, is_working_day, on_or_before, why_not_working

DEFAULTS = ReminderSettings(update_deadline_days_before_meeting=18, report_deadline_days_before_meeting=13)


@pytest.mark.parametrize(("day", "why"), [
    (date(2020, 4, 10), "a bank holiday, Good Friday"),
    (date(2020, 4, 13), "a bank holiday, Easter Monday"),
    (date(2020, 12, 25), "a bank holiday, Christmas Day"),
    (date(2020, 12, 26), "a weekend"),  # Boxing Day 2020 was a Saturday…
    (date(2020, 12, 28), "a bank holiday, the substitute day for Boxing Day"),  # …so Monday 28th was the holiday
    (date(2020, 8, 2), "a weekend"),
    (date(2020, 8, 31), "a bank holiday, Late Summer Bank Holiday"),
    (date(2020, 7, 31), None),
    (date(2020, 4, 14), None),
    (date(2020, 12, 29), None),
])
def test_why_a_day_is_not_a_working_day(day, why):
    assert why_not_working(day) == why
    assert is_working_day(day) == (why is None)


@pytest.mark.parametrize(("counted", "working_day_before"), [
    (date(2020, 8, 2), date(2020, 7, 31)),  # Sunday → Friday
    (date(2020, 4, 13), date(2020, 4, 9)),  # Easter Monday → over Sunday, Saturday and Good Friday to Thursday
    (date(2020, 4, 10), date(2020, 4, 9)),  # Good Friday → Thursday
    (date(2020, 12, 28), date(2020, 12, 24)),  # 25–28 December 2020: Christmas, weekend, substitute Boxing Day
    (date(2020, 12, 25), date(2020, 12, 24)),
    (date(2020, 12, 24), date(2020, 12, 24)),  # a working day stays
])
def test_a_day_off_moves_to_the_working_day_before(counted, working_day_before):
    assert on_or_before(counted) == working_day_before


def test_the_default_deadlines_are_working_days_before_the_meeting():
    # Thursday 20 August 2020: 18 days before is Sunday 2 August; 13 days before Friday 7 August.
    assert default_deadline(date(2020, 8, 20), DEFAULTS) == date(2020, 7, 31)
    assert default_report_deadline(date(2020, 8, 20), DEFAULTS) == date(2020, 8, 7)
    # 18 days before Friday 1 May 2020 is Easter Monday, 13 April; 13 days before is Saturday 18 April.
    assert default_deadline(date(2020, 5, 1), DEFAULTS) == date(2020, 4, 9)
    assert default_report_deadline(date(2020, 5, 1), DEFAULTS) == date(2020, 4, 17)
    # 18 days before Friday 15 January 2021 is Monday 28 December 2020, the substitute day for Boxing Day.
    assert default_deadline(date(2021, 1, 15), DEFAULTS) == date(2020, 12, 24)
    # a working day is kept: 18 days before Tuesday 15 September 2020 is Friday 28 August.
    assert default_deadline(date(2020, 9, 15), DEFAULTS) == date(2020, 8, 28)


def test_a_moved_deadline_says_from_which_day_and_why():
    sunday = Meeting(held_on=date(2020, 8, 20), update_deadline=date(2020, 7, 31), report_deadline=date(2020, 8, 7))
    how = update_deadline_moved(sunday, DEFAULTS)
    assert how == Moved(date(2020, 8, 2), "a weekend")
    assert deadline_text(sunday.update_deadline, how) == "Friday 31 July 2020 (moved from Sunday 2 August, a weekend)"
    assert deadline_text(date(2020, 8, 7), None) == "Friday 7 August 2020"
    christmas = moved(date(2021, 1, 15), date(2020, 12, 24), 18)
    assert deadline_text(date(2020, 12, 24), christmas) == (
        "Thursday 24 December 2020 (moved from Monday 28 December, a bank holiday, the substitute day for Boxing Day)")
    new_year = moved(date(2021, 1, 19), date(2020, 12, 31), 18)  # Friday 1 January 2021 → Thursday 31 December 2020
    assert deadline_text(date(2020, 12, 31), new_year) == (
        "Thursday 31 December 2020 (moved from Friday 1 January 2021, a bank holiday, New Year's Day)")


def test_a_deadline_not_moved_from_the_default_day_says_nothing():
    assert moved(date(2020, 9, 15), date(2020, 8, 28), 18) is None  # the default, a working day
    assert moved(date(2020, 8, 20), date(2020, 7, 30), 18) is None  # typed: not the working day before Sunday
    assert moved(date(2020, 8, 20), date(2020, 7, 31), 20) is None  # the setting changed since: not its default


def test_requests_go_five_working_days_before_the_deadline_across_easter():
    assert add_working_days(date(2020, 4, 17), -5) == date(2020, 4, 8)  # over Easter 2020: 9, 14, 15, 16, 17
    assert add_working_days(date(2020, 7, 31), -5) == date(2020, 7, 24)
    assert add_working_days(date(2021, 1, 4), -5) == date(2020, 12, 23)  # over Christmas and New Year
