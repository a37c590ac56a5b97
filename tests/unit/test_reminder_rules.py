"""When each notice is due, in working days in England and Wales, with fixed dates around bank holidays."""

from datetime import date, timedelta

import pytest

from app.models import Meeting, NoticeKind, ReminderSettings
from app.services.meetings import draft_report_day
from app.services.reminders.outbox import retry_wait
from app.services.reminders.rules import Due, Timing, dated_notice, escalation_due, meeting_notice, month_end
from app.services.working_days import (
    add_working_days,
    first_of_week,
    is_working_day,
    next_after,
    on_or_before,
    working_days_until,
)

EASTER_TUESDAY = date(2021, 4, 6)  # after Good Friday 2 April and Easter Monday 5 April 2021
TIMING = Timing(due_soon_working_days=(14, 3), on_the_day=True, overdue_repeat_days=7)


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2021, 4, 2)) and not is_working_day(date(2021, 4, 5))  # Easter 2021
    assert not is_working_day(date(2020, 12, 28))  # Boxing Day (substitute day)
    assert not is_working_day(date(2021, 4, 3)) and is_working_day(date(2021, 4, 1))


def test_counting_working_days_across_the_easter_weekend():
    assert add_working_days(EASTER_TUESDAY, -1) == date(2021, 4, 1)
    assert add_working_days(EASTER_TUESDAY, -3) == date(2021, 3, 30)
    assert add_working_days(EASTER_TUESDAY, -14) == date(2021, 3, 15)
    assert next_after(date(2021, 4, 1)) == EASTER_TUESDAY
    assert on_or_before(date(2021, 4, 5)) == date(2021, 4, 1)
    assert add_working_days(date(2020, 12, 24), 1) == date(2020, 12, 29)  # Christmas and Boxing Day 2020


@pytest.mark.parametrize(("today", "expected"), [
    (date(2021, 3, 12), None),  # before the first reminder
    (date(2021, 3, 15), Due(NoticeKind.DUE_SOON, 14)),  # 14 working days before
    (date(2021, 3, 29), Due(NoticeKind.DUE_SOON, 14)),  # a late sweep still finds the 14-day stage
    (date(2021, 3, 30), Due(NoticeKind.DUE_SOON, 3)),  # 3 working days before, counting over Easter
    (date(2021, 4, 1), Due(NoticeKind.DUE_SOON, 3)),
    (EASTER_TUESDAY, Due(NoticeKind.DUE_TODAY)),
    (date(2021, 4, 7), Due(NoticeKind.OVERDUE, 0)),  # the working day after
    (date(2021, 4, 13), Due(NoticeKind.OVERDUE, 0)),
    (date(2021, 4, 14), Due(NoticeKind.OVERDUE, 1)),  # then weekly
    (date(2021, 4, 28), Due(NoticeKind.OVERDUE, 3)),
])
def test_the_notice_relevant_each_day_for_a_milestone_due_after_easter(today, expected):
    assert dated_notice(EASTER_TUESDAY, today, TIMING) == expected


def test_a_due_date_on_a_bank_holiday_weekend():
    easter_saturday = date(2021, 4, 3)
    assert dated_notice(easter_saturday, date(2021, 4, 1), TIMING) == Due(NoticeKind.DUE_TODAY)  # last working day
    assert dated_notice(easter_saturday, date(2021, 4, 5), TIMING) is None  # Easter Monday: not overdue yet
    assert dated_notice(easter_saturday, EASTER_TUESDAY, TIMING) == Due(NoticeKind.OVERDUE, 0)
    christmas_eve = date(2020, 12, 24)
    assert dated_notice(christmas_eve, date(2020, 12, 28), TIMING) is None
    assert dated_notice(christmas_eve, date(2020, 12, 29), TIMING) == Due(NoticeKind.OVERDUE, 0)


def test_without_the_day_itself_the_last_stage_runs_to_the_due_date():
    audit_timing = Timing(due_soon_working_days=(3,), on_the_day=False)
    month_end_day = month_end(date(2021, 3, 1))
    assert month_end_day == date(2021, 3, 31)
    assert dated_notice(month_end_day, date(2021, 3, 25), audit_timing) is None
    assert dated_notice(month_end_day, date(2021, 3, 26), audit_timing) == Due(NoticeKind.DUE_SOON, 3)
    assert dated_notice(month_end_day, month_end_day, audit_timing) == Due(NoticeKind.DUE_SOON, 3)
    assert dated_notice(month_end_day, date(2021, 4, 1), audit_timing) == Due(NoticeKind.OVERDUE, 0)


def test_working_days_until_a_date():
    assert working_days_until(date(2021, 3, 31), EASTER_TUESDAY) == 2  # Thursday 1 April and Tuesday 6 April
    assert working_days_until(EASTER_TUESDAY, EASTER_TUESDAY) == 0


def test_escalation_after_ten_working_days_overdue():
    assert not escalation_due(EASTER_TUESDAY, date(2021, 4, 19), 10)
    assert escalation_due(EASTER_TUESDAY, date(2021, 4, 20), 10)


@pytest.mark.parametrize(("today", "expected"), [
    (date(2021, 4, 8), None),
    (date(2021, 4, 9), NoticeKind.UPDATE_REQUEST),  # 5 working days before the deadline
    (date(2021, 4, 14), NoticeKind.UPDATE_REQUEST),
    (date(2021, 4, 15), NoticeKind.UPDATE_NUDGE),  # the working day before
    (date(2021, 4, 16), NoticeKind.UPDATE_NUDGE),
    (date(2021, 4, 19), None),  # the deadline has passed
])
def test_update_requests_before_a_meetings_deadline(today, expected):
    assert meeting_notice(date(2021, 4, 16), today, 5, 1) == expected


def test_the_weekly_digest_goes_on_the_first_working_day_of_the_week():
    assert first_of_week(date(2021, 3, 29))  # a Monday
    assert not first_of_week(date(2021, 3, 30))
    assert first_of_week(EASTER_TUESDAY) and not first_of_week(date(2021, 4, 5))  # Easter Monday is a holiday
    assert not first_of_week(date(2021, 4, 3))


def test_failed_e_mails_are_tried_again_later_and_later():
    assert [retry_wait(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_wait(30) == timedelta(hours=6)


@pytest.mark.parametrize(("update_deadline", "report_deadline", "draft_on"), [
    (date(2020, 9, 10), date(2020, 9, 17), date(2020, 9, 14)),  # 3 working days before the report deadline
    (date(2020, 8, 28), date(2020, 9, 2), date(2020, 9, 1)),  # not before the updates: Tuesday, after a holiday
    (date(2020, 9, 2), date(2020, 9, 2), date(2020, 9, 2)),  # both on one day: on the report deadline
    (date(2020, 9, 4), date(2020, 9, 5), date(2020, 9, 4)),  # a Saturday report deadline: the Friday before it
])
def test_the_draft_report_waits_for_the_update_deadline_and_comes_by_the_report_deadline(update_deadline,
                                                                                         report_deadline, draft_on):
    meeting = Meeting(held_on=date(2020, 9, 30), update_deadline=update_deadline, report_deadline=report_deadline)
    assert draft_report_day(meeting, ReminderSettings(draft_report_working_days=3)) == draft_on
