"""Reports the scheduler generates and e-mails as deadlines approach, through the same outbox as the reminders.

- The draft plan progress report for a meeting, a set number of working days before its report deadline, to the
  programme managers (who check it and release it).
- The monthly audit report, on the first working day after the month of its audit rounds ends (the audits' due
  date), to the QA leads.

Each occasion (a meeting, a month) has one scheduled draft: a report already generated for it, on the Reports pages
or with `flask reports`, is the one the scheduler sends, and a released one is left alone. Its own report is stored
once: its Report row carries a unique scheduled_key, so when two schedulers run at
once the second one's insert fails and it uses the first one's report. Its notices have the report as their subject
and go through the outbox with the usual unique key, so each is e-mailed once, with the .docx attached
(app.services.reminders.outbox). Owners' update requests carry their Word update pack the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    AuditRound,
    Meeting,
    NoticeKind,
    Notification,
    Person,
    PersonKind,
    Plan,
    ReminderSettings,
    Report,
    ReportKind,
    ReportState,
    Role,
    SubjectType,
)
from app.services.meetings import draft_report_day
from app.services.plans.due_dates import format_date
from app.services.reminders import sweep as reminder_sweep
from app.services.reminders.rules import month_end
from app.services.reminders.wording import Notice
from app.services.reports import snapshots
from app.services.transaction import transaction
from app.services.wording import plural
from app.services.working_days import is_working_day

AUDIT_REPORT_CATCH_UP = timedelta(days=31)  # a scheduler stopped for longer does not send old months' reports


@dataclass(frozen=True)
class ScheduledReport:
    key: str
    title: str
    generate: Callable[[str], Report]  # given the key; stores and commits the report
    occasion: ColumnElement[bool]  # the reports for the same occasion, however generated (pages, command line)
    recipients: list[int]
    due_on: date  # the deadline the notices are about
    notice_title: Callable[[Report], str]


@dataclass
class ReportJobResult:
    generated: list[str] = field(default_factory=list)  # titles of the reports this run generated (or would)
    notices: int = 0


def prepare_due(now: datetime, *, dry_run: bool = False) -> ReportJobResult:
    """Generate the reports due today that are not stored yet, then write their notices to the outbox. A report is
    stored in its own transaction and its notices in the next, so a run that stops between the two leaves the
    notices to the next run."""
    today, result = now.date(), ReportJobResult()
    if not is_working_day(today):
        return result
    for job in [*_plan_drafts_due(today, now, reminder_sweep.settings()), *_audit_reports_due(today, now)]:
        stored = _stored(job)
        if dry_run:
            result.generated += [] if stored else [job.title]
            continue
        if stored is None:
            stored = _generate_once(job)
            result.generated.append(job.title)
        if stored.state == ReportState.DRAFT:  # one released already needs no one to check it
            result.notices += _tell(job, stored, now)
    return result


@transaction("This report")
def _tell(job: ScheduledReport, report: Report, now: datetime) -> int:
    """Write the report's notice to each recipient who does not have it yet; answer how many were written."""
    told = _told(report)
    notices = [_notice(job, report, person_id) for person_id in job.recipients if person_id not in told]
    reminder_sweep.notify(notices, now)
    return len(notices)


def _stored(job: ScheduledReport) -> Report | None:
    """The report already made for the job's occasion (the month, the meeting): the scheduler's own, or one generated
    on the Reports pages or with `flask reports`, so that each occasion has one scheduled draft, however it was first
    made. The released one if there is one, else the latest."""
    return db.session.scalar(select(Report).where(or_(Report.scheduled_key == job.key, job.occasion))
                             .order_by((Report.state == ReportState.RELEASED).desc(), Report.id.desc()).limit(1))


def _told(report: Report) -> set[int]:
    """Who already has the notice of this report: its notices are written once, by the run that stored it or, if
    that run stopped before writing them, by the next."""
    return set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == NoticeKind.REPORT_READY, Notification.subject_type == SubjectType.REPORT,
        Notification.subject_id == report.id)))


def _generate_once(job: ScheduledReport) -> Report:
    """The report, generated and stored in its own transaction; or, if another scheduler stored it first (its
    transaction was rolled back), the one stored."""
    try:
        return job.generate(job.key)
    except IntegrityError:
        return _stored(job)


def _notice(job: ScheduledReport, report: Report, person_id: int) -> Notice:
    problems = len(report.blocking_problems)
    body = (f"{report.title}. The Word document is attached. "
            + (f"Its checks found {plural(problems, 'problem')} to put right before it can be "
               "released." if problems else "Its checks found nothing to put right."))
    return Notice(person_id, NoticeKind.REPORT_READY, SubjectType.REPORT, report.id, job.due_on,
                  job.notice_title(report), f"/reports/{report.id}", 0, body)


def _people_with(role: Role) -> list[int]:
    return list(db.session.scalars(select(Person.id).where(Person.role == role, Person.active.is_(True),
                                                           Person.kind == PersonKind.INDIVIDUAL)
                                   .order_by(Person.id)))


# --- The draft plan report before a meeting -----------------------------------------------------------------


def _plan_drafts_due(today: date, now: datetime, chosen: ReminderSettings) -> list[ScheduledReport]:
    plan = db.session.scalar(select(Plan).order_by(Plan.id.desc()).limit(1))
    if plan is None:
        return []
    meetings = db.session.scalars(select(Meeting).where(Meeting.report_deadline >= today)
                                  .order_by(Meeting.report_deadline, Meeting.id)).all()
    managers = _people_with(Role.PROGRAMME_MANAGER)
    return [_plan_draft(plan, meeting, today, now, managers) for meeting in meetings
            if draft_report_day(meeting, chosen) <= today]


def _plan_draft(plan: Plan, meeting: Meeting, today: date, now: datetime, managers: list[int]) -> ScheduledReport:
    def generate(key: str) -> Report:
        return snapshots.generate_plan_report(plan, meeting, snapshots.details_for(plan, meeting), actor=None,
                                              now=now, today=today, scheduled_key=key)

    deadline = format_date(meeting.report_deadline)
    return ScheduledReport(
        key=f"plan-draft:meeting:{meeting.id}", title=snapshots.plan_report_title(plan, meeting), generate=generate,
        occasion=and_(Report.kind == ReportKind.PLAN_PROGRESS, Report.plan_id == plan.id,
                      Report.meeting_id == meeting.id),
        recipients=managers, due_on=meeting.report_deadline,
        notice_title=lambda report: f"Draft report for the {meeting.title} on {format_date(meeting.held_on)}: "
                                    f"check and release it by {deadline}")


# --- The monthly audit report ---------------------------------------------------------------------------------


def _audit_reports_due(today: date, now: datetime) -> list[ScheduledReport]:
    months = db.session.scalars(select(AuditRound.month).distinct()
                                .where(AuditRound.month >= today.replace(day=1) - AUDIT_REPORT_CATCH_UP * 2)
                                .order_by(AuditRound.month)).all()
    leads = _people_with(Role.QA_LEAD)
    return [_audit_month(month, today, now, leads) for month in months
            if month_end(month) < today <= month_end(month) + AUDIT_REPORT_CATCH_UP]


def _audit_month(month: date, today: date, now: datetime, leads: list[int]) -> ScheduledReport:
    def generate(key: str) -> Report:
        return snapshots.generate_audit_report(month, actor=None, now=now, today=today, scheduled_key=key)

    return ScheduledReport(
        key=f"audit-month:{month:%Y-%m}", title=snapshots.audit_report_title(month),
        generate=generate, recipients=leads, due_on=month_end(month),
        occasion=and_(Report.kind == ReportKind.AUDIT_MONTHLY, Report.month == month),
        notice_title=lambda report: f"The monthly audit report for {month:%B %Y} is ready to check and release")
