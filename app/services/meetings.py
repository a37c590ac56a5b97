"""Board and committee meetings: the dates that set update deadlines. Owners are asked to update their milestones
before each deadline (app.services.reminders.sweep), so the report for the meeting is up to date.

Deadlines are working days (app.services.working_days: weekends and England and Wales bank holidays are not). A
default deadline counted from the meeting that falls on a weekend or bank holiday moves to the working day before,
and wherever it is shown it says so ("moved from Sunday 2 August, a weekend"). A deadline typed on such a day is
refused next to its field, naming the working day before: what a person types is never silently changed.

Meetings are kept once held: the previous meeting's deadline is where an update cycle starts, so deleting a past
meeting would quietly change who is nudged. A past meeting can still be corrected.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Meeting, MeetingKind, Person, ReminderSettings, Report
from app.services import history
from app.services.errors import DomainError
from app.services.plans.due_dates import format_date, long_date
from app.services.transaction import transaction
from app.services.wording import plural
from app.services.working_days import add_working_days, next_after, on_or_before, why_not_working

WHAT = "This meeting"


@dataclass(frozen=True)
class Moved:
    """A default deadline moved to the working day before: the day counted from the meeting, and why it was not
    a working day ("a weekend", "a bank holiday, Good Friday")."""
    counted: date
    why: str


def next_for_updates(today: date) -> Meeting | None:
    """The next meeting whose update deadline has not passed: the one owners are updating for."""
    return db.session.scalar(select(Meeting).where(Meeting.update_deadline >= today)
                             .order_by(Meeting.update_deadline, Meeting.id).limit(1))


def default_deadline(held_on: date, chosen: ReminderSettings) -> date:
    """The update deadline when none is given: the settings' number of (calendar) days before the meeting, or the
    working day before that day when it is a weekend or bank holiday."""
    return on_or_before(held_on - timedelta(days=chosen.update_deadline_days_before_meeting))


def default_report_deadline(held_on: date, chosen: ReminderSettings) -> date:
    """The report deadline when none is given: as the update deadline, with the report's number of days."""
    return on_or_before(held_on - timedelta(days=chosen.report_deadline_days_before_meeting))


def moved(held_on: date, deadline: date, days_before: int) -> Moved | None:
    """How a default deadline was moved: when `deadline` is the working day before the day `days_before` calendar
    days before the meeting, that day and why it is not a working day. None for a deadline not moved (or typed)."""
    counted = held_on - timedelta(days=days_before)
    why = why_not_working(counted)
    return Moved(counted, why) if why and deadline == on_or_before(counted) else None


def update_deadline_moved(meeting: Meeting, chosen: ReminderSettings) -> Moved | None:
    return moved(meeting.held_on, meeting.update_deadline, chosen.update_deadline_days_before_meeting)


def report_deadline_moved(meeting: Meeting, chosen: ReminderSettings) -> Moved | None:
    return moved(meeting.held_on, meeting.report_deadline, chosen.report_deadline_days_before_meeting)


def deadline_text(deadline: date, how_moved: Moved | None) -> str:
    """A deadline in words with its weekday, and how it was moved: "Friday 31 July 2020 (moved from Sunday 2 August,
    a weekend)"."""
    text = f"{deadline:%A} {long_date(deadline)}"
    if how_moved is None:
        return text
    counted = how_moved.counted
    counted_text = f"{counted:%A} {long_date(counted)}"
    if counted.year == deadline.year:
        counted_text = counted_text.removesuffix(f" {counted.year}")
    return f"{text} (moved from {counted_text}, {how_moved.why})"


def draft_report_day(meeting: Meeting, chosen: ReminderSettings) -> date:
    """The working day the draft report is generated and e-mailed to the programme managers: the settings' number
    of working days before the report deadline, but not before the first working day after the update deadline,
    so that the draft has the updates; and on the last working day by the report deadline at the latest."""
    before_report = add_working_days(meeting.report_deadline, -chosen.draft_report_working_days)
    after_updates = next_after(meeting.update_deadline)
    return min(max(before_report, after_updates), on_or_before(meeting.report_deadline))


def deadlines_sentence(meeting: Meeting, chosen: ReminderSettings) -> str:
    """"Updates are due by Friday 31 July 2020 (moved from Sunday 2 August, a weekend) and the report by …"."""
    return (f"Updates are due by {deadline_text(meeting.update_deadline, update_deadline_moved(meeting, chosen))} "
            f"and the report by {deadline_text(meeting.report_deadline, report_deadline_moved(meeting, chosen))}.")


@transaction(WHAT)
def save_meeting(meeting: Meeting, *, kind: str, title: str | None, held_on: date, update_deadline: date | None,
                 report_deadline: date | None, chosen: ReminderSettings, version: int | None, actor: Person,
                 now: datetime) -> Meeting:
    """Add or change a meeting. An empty title is the kind's name; an empty deadline the default one."""
    kind = MeetingKind(kind)
    _check_working_days(update_deadline=update_deadline, report_deadline=report_deadline)
    deadline = update_deadline or default_deadline(held_on, chosen)
    report_due = report_deadline or default_report_deadline(held_on, chosen)
    _check_deadlines(held_on, deadline, report_due)
    values = {"kind": kind, "title": (title or "").strip() or kind.label, "held_on": held_on,
              "update_deadline": deadline, "report_deadline": report_due}
    if meeting.id is None:
        for name, value in values.items():
            setattr(meeting, name, value)
        db.session.add(meeting)
        db.session.flush()
        history.record(meeting, "created", None, f"{meeting.title} on {format_date(held_on)}, updates by "
                       f"{format_date(deadline)}, report by {format_date(report_due)}", actor=actor, now=now,
                       action_id=None)
    else:
        history.expect_version(meeting, version, WHAT)
        history.change(meeting, values, actor=actor, now=now, action_id=None)
    return meeting


def _check_working_days(**typed: date | None) -> None:
    """A deadline typed on a weekend or bank holiday is refused, naming the working day before."""
    for name, day in typed.items():
        why = day and why_not_working(day)
        if why:
            before = on_or_before(day)
            raise DomainError(f"{day:%A} {long_date(day)} is {why}: enter a working day, such as {before:%A} "
                              f"{long_date(before)}, the working day before", name)


def _check_deadlines(held_on: date, update_deadline: date, report_deadline: date) -> None:
    for name, day in (("update_deadline", update_deadline), ("report_deadline", report_deadline)):
        if day > held_on:
            what = name.replace("_", " ")
            raise DomainError(f"The {what} must be on or before the date of the meeting, {format_date(held_on)}", name)
    if update_deadline > report_deadline:
        raise DomainError(f"The update deadline, {format_date(update_deadline)}, must be on or before the report "
                          f"deadline, {format_date(report_deadline)}, so that the report has the updates",
                          "update_deadline")


@transaction(WHAT)
def delete_meeting(meeting: Meeting, *, version: int | None, actor: Person, now: datetime, today: date) -> None:
    """Delete a meeting not yet held. Notices about it still waiting to be e-mailed are then skipped by the outbox."""
    history.expect_version(meeting, version, WHAT)
    if meeting.held_on < today:
        raise DomainError(f"{meeting.title} on {format_date(meeting.held_on)} has taken place, so it is kept: its "
                          "update deadline is where the next update cycle starts. You can still correct it.")
    reports = db.session.scalar(select(func.count(Report.id)).where(Report.meeting_id == meeting.id))
    if reports:
        raise DomainError(f"{meeting.title} on {format_date(meeting.held_on)} has {plural(reports, 'report')} made "
                          "for it, so it is kept. You can still correct it.")
    history.record(meeting, "deleted", f"{meeting.title} on {format_date(meeting.held_on)}", None, actor=actor,
                   now=now, action_id=None)
    db.session.delete(meeting)


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    requests_from: date  # the working day owners are asked to update
    draft_report_on: date  # the working day the draft report is e-mailed to the programme managers
    update_moved: Moved | None = None  # how a default deadline was moved off a weekend or bank holiday
    report_moved: Moved | None = None


@dataclass(frozen=True)
class Calendar:
    upcoming: list[MeetingRow]  # soonest first, including today's
    past: list[Meeting]  # latest first


def calendar(today: date, chosen: ReminderSettings) -> Calendar:
    """Every meeting, in one query: those to come with the day owners are asked to update, and those held."""
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.held_on, Meeting.id)).all()
    upcoming = [MeetingRow(m, add_working_days(m.update_deadline, -chosen.update_request_working_days),
                           draft_report_day(m, chosen), update_deadline_moved(m, chosen), report_deadline_moved(m, chosen))
                for m in meetings if m.held_on >= today]
    return Calendar(upcoming, [m for m in reversed(meetings) if m.held_on < today])
