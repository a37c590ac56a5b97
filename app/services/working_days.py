"""Working days in England and Wales: Monday to Friday, except bank holidays (the holidays package, offline)."""

from datetime import date, timedelta
from functools import cache, lru_cache

import holidays


@cache
def _bank_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG")  # England and Wales share their bank holidays


@lru_cache(maxsize=8192)  # a sweep asks about the same few hundred dates thousands of times
def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays()


@lru_cache(maxsize=8192)
def add_working_days(day: date, count: int) -> date:
    """The working day `count` working days after `day` (before it, if count is negative). With 0, `day` itself
    if it is a working day, otherwise the working day before it."""
    if count == 0:
        return on_or_before(day)
    step = timedelta(days=1 if count > 0 else -1)
    remaining = abs(count)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_until(today: date, day: date) -> int:
    """How many working days from after `today` up to and including `day` (0 when `day` is today or past)."""
    count, current = 0, today
    while current < day:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_after(day: date) -> date:
    """The first working day after `day`."""
    return add_working_days(day, 1)


def first_of_week(day: date) -> bool:
    """Whether `day` is the first working day of its week (Monday, or Tuesday after a bank holiday Monday…)."""
    monday = day - timedelta(days=day.weekday())
    return is_working_day(day) and all(not is_working_day(monday + timedelta(days=n)) for n in range(day.weekday()))


def why_not_working(day: date) -> str | None:
    """Why `day` is not a working day, in words ("a weekend", "a bank holiday, Good Friday"); None for a working day."""
    if day.weekday() >= 5:
        return "a weekend"
    name = _bank_holidays().get(day)
    if name and name.endswith(" (observed)"):  # Boxing Day on a Saturday: the Monday after is the substitute day
        return f"a bank holiday, the substitute day for {name.removesuffix(' (observed)')}"
    return f"a bank holiday, {name}" if name else None
