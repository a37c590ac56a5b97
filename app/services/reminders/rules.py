"""When each notice is due: plain functions of a date and today, counted in working days (England and Wales).

Each function answers "which notice about this is relevant today?", never "which notices fire exactly today?".
So a sweep that did not run for a few days catches up with the notice that is relevant now, and sends nothing
for the stages it missed. Notices are keyed by their stage, so each stage is sent once.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from app.models import NoticeKind
from app.services.working_days import add_working_days, next_after, on_or_before


@dataclass(frozen=True)
class Due:
    kind: NoticeKind
    occurrence: int = 0  # due soon: the working days before; overdue: 0 the first notice, then 1, 2 … each repeat


@dataclass(frozen=True)
class Timing:
    due_soon_working_days: tuple[int, ...] = (14, 3)
    on_the_day: bool = True
    overdue_repeat_days: int = 7


def dated_notice(due_on: date, today: date, timing: Timing) -> Due | None:
    """The notice relevant today about something due on `due_on` and not yet done.

    Before the due date: the latest due-soon stage whose day has come (14 working days before, 3 working days
    before, then on the day: the last working day on or before the due date). After it: overdue from the next
    working day, repeated every `overdue_repeat_days` days.
    """
    if today <= due_on:
        stages = [(add_working_days(due_on, -n), Due(NoticeKind.DUE_SOON, n)) for n in timing.due_soon_working_days]
        if timing.on_the_day:
            stages.append((on_or_before(due_on), Due(NoticeKind.DUE_TODAY)))
        started = [(day, due) for day, due in stages if day <= today]
        return max(started, key=lambda stage: stage[0])[1] if started else None
    first = next_after(due_on)
    if today < first:
        return None
    return Due(NoticeKind.OVERDUE, (today - first).days // timing.overdue_repeat_days)


def escalation_due(due_on: date, today: date, after_working_days: int) -> bool:
    """Overdue for `after_working_days` working days: time to tell the line manager and programme managers."""
    return today >= add_working_days(due_on, after_working_days)


def meeting_notice(update_deadline: date, today: date, request_working_days: int,
                   nudge_working_days: int) -> NoticeKind | None:
    """Before a meeting's update deadline: the request to update, then (closer to it) the nudge."""
    if today > update_deadline:
        return None
    stages = [(add_working_days(update_deadline, -request_working_days), NoticeKind.UPDATE_REQUEST),
              (add_working_days(update_deadline, -nudge_working_days), NoticeKind.UPDATE_NUDGE)]
    started = [(day, kind) for day, kind in stages if day <= today]
    return max(started, key=lambda stage: stage[0])[1] if started else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_end(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
