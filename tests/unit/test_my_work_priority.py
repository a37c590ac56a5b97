"""The priority rule of My work, with fixed dates: overdue (most overdue first), due soon (soonest first), needs an
update, then the rest; undated last in each part."""

from datetime import date

from app.services.my_work import due_flags, priority
from app.services.plans.queries import Window

WINDOW = Window(date(2020, 7, 31), due_soon_days=14)


def test_the_order_of_what_needs_doing():
    things = {
        "calm": dict(overdue=False, due_soon=False, stale=False, due_on=date(2020, 12, 31)),
        "calm undated": dict(overdue=False, due_soon=False, stale=False, due_on=None),
        "stale undated": dict(overdue=False, due_soon=False, stale=True, due_on=None),
        "stale": dict(overdue=False, due_soon=False, stale=True, due_on=date(2020, 9, 30)),
        "due soon and stale": dict(overdue=False, due_soon=True, stale=True, due_on=date(2020, 8, 12)),
        "due soon": dict(overdue=False, due_soon=True, stale=False, due_on=date(2020, 8, 1)),
        "a bit overdue": dict(overdue=True, due_soon=False, stale=False, due_on=date(2020, 7, 30)),
        "most overdue and stale": dict(overdue=True, due_soon=False, stale=True, due_on=date(2020, 1, 31)),
    }
    assert sorted(things, key=lambda name: priority(**things[name])) == [
        "most overdue and stale", "a bit overdue", "due soon", "due soon and stale", "stale", "stale undated",
        "calm", "calm undated"]


def test_due_flags_as_the_plan_counts_them():
    assert due_flags(date(2020, 7, 30), WINDOW) == (True, False)
    assert due_flags(date(2020, 7, 31), WINDOW) == (False, True), "due today is due soon, not overdue"
    assert due_flags(date(2020, 8, 14), WINDOW) == (False, True)
    assert due_flags(date(2020, 8, 15), WINDOW) == (False, False)
    assert due_flags(None, WINDOW) == (False, False)
