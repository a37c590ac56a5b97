"""Generating, keeping and releasing reports.

Generating a report works out its figures, writes the .docx, checks it and stores all three (app.models.Report),
so that what a meeting saw can be downloaded again byte for byte, and the next report compares with these frozen
figures rather than with the plan as it is by then. Generating again for the same meeting adds a new draft; the
programme manager releases one of them once its checks pass. Releasing another later supersedes it.
"""

import hashlib
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import AuditParty, AuditRecord, Meeting, Person, Plan, Report, ReportKind, ReportState
from app.services import history
from app.services.errors import DomainError
from app.services.plans.queries import Window
from app.services.reports import audit_report, checks, plan_data, plan_report
from app.services.reports.plan_report import long_date
from app.services.transaction import transaction

HISTORY_LENGTH = 5  # earlier reports shown in the chart of ratings over time


def plan_report_title(plan: Plan, meeting: Meeting) -> str:
    return f"{plan.title}: progress report for {meeting.title}, {long_date(meeting.held_on)}"


def audit_report_title(month: date) -> str:
    return f"Case-file audits: monthly report for {month:%B %Y}"


@transaction("This report")
def generate_plan_report(plan: Plan, meeting: Meeting, details: dict, *, actor: Person | None, now: datetime,
                         today: date, scheduled_key: str | None = None) -> Report:
    """A new draft of the plan progress report for a meeting, as at today. A scheduled_key (see Report) makes a
    second scheduled report for the same occasion fail with IntegrityError."""
    previous = previous_plan_report(plan, meeting)
    data = plan_data.gather(plan, Window.configured(today))
    data["meeting"] = {"id": meeting.id, "title": meeting.title, "kind": meeting.kind.value,
                       "held_on": meeting.held_on.isoformat()}
    data["previous"] = _reference(previous) if previous else None
    data["changes"] = plan_data.changes_since(previous.data if previous else None, data)
    data["summary"] = plan_data.summary(data)
    data["history"] = _history(plan, meeting)
    title = plan_report_title(plan, meeting)
    document = plan_report.write(data, details, title=title, generated_at=now)
    problems = checks.check_plan_report(document, recorded_identities())
    report = Report(kind=ReportKind.PLAN_PROGRESS, title=title, plan_id=plan.id, meeting_id=meeting.id, as_at=today,
                    details=dict(details), data=data, problems=problems, scheduled_key=scheduled_key)
    return _store(report, document, actor=actor, now=now)


@transaction("This report")
def generate_audit_report(month: date, *, actor: Person | None, now: datetime, today: date,
                          scheduled_key: str | None = None) -> Report:
    """A new draft of the monthly audit report to the Improvement Board for the audit rounds of a month."""
    month = month.replace(day=1)
    title = audit_report_title(month)
    data = audit_report.gather(month, today)
    document = audit_report.write(data, title=title, generated_at=now)
    report = Report(kind=ReportKind.AUDIT_MONTHLY, title=title, month=month, as_at=today, details={}, data=data,
                    problems=checks.check_report(document), scheduled_key=scheduled_key)
    return _store(report, document, actor=actor, now=now)


def _store(report: Report, document: bytes, *, actor: Person | None, now: datetime) -> Report:
    report.document = document
    report.document_sha256 = hashlib.sha256(document).hexdigest()
    report.generated_at = now
    report.generated_by_id = actor.id if actor else None
    report.state = ReportState.DRAFT
    db.session.add(report)
    return report


def _reference(report: Report) -> dict:
    return {"id": report.id, "title": report.title, "as_at": report.as_at.isoformat()}


def previous_plan_report(plan: Plan, meeting: Meeting) -> Report | None:
    """The report released for the latest meeting before this one: what "changes since" compares with."""
    return db.session.scalar(
        _released(plan).where(Meeting.held_on < meeting.held_on)
        .order_by(Meeting.held_on.desc(), Report.released_at.desc()).limit(1).options(undefer(Report.data)))


def _released(plan: Plan):
    return (select(Report).join(Meeting, Report.meeting_id == Meeting.id)
            .where(Report.kind == ReportKind.PLAN_PROGRESS, Report.plan_id == plan.id,
                   Report.state == ReportState.RELEASED))


def _history(plan: Plan, meeting: Meeting) -> list[dict]:
    """The milestones by rating at the reports released for the last few meetings before this one, oldest first."""
    reports = db.session.scalars(
        _released(plan).where(Meeting.held_on < meeting.held_on).order_by(Meeting.held_on.desc())
        .limit(HISTORY_LENGTH).options(undefer(Report.data))).all()
    return [{"label": f"{report.meeting.title} ({report.meeting.held_on:%d/%m/%Y})", "as_at": report.data["as_at"],
             "ratings": report.data["summary"]["total"]["ratings"]} for report in reversed(reports)]


def recorded_identities() -> checks.Identities:
    """Children's names, family members' names and children's dates of birth recorded in the audits."""
    children = db.session.execute(
        select(AuditRecord.child_name, AuditRecord.child_date_of_birth)
        .where((AuditRecord.child_name.is_not(None)) | (AuditRecord.child_date_of_birth.is_not(None)))).all()
    family = db.session.scalars(select(AuditParty.name).where(AuditParty.name != "")).all()
    names = [name for name, _ in children if name]
    return checks.Identities(
        full_names=frozenset(name.strip().lower() for name in [*names, *family]),
        first_names=frozenset(name.split()[0] for name in names if name.split()),
        dates_of_birth=frozenset(born.strftime("%d/%m/%Y") for _, born in children if born),
    )


def details_for(plan: Plan, meeting: Meeting) -> dict:
    """What to fill the report's form with: the latest report for this meeting, else the latest for this plan (the
    front block rarely changes), with the subject and committee suggested from the plan and the meeting."""
    latest = db.session.scalar(
        select(Report).where(Report.kind == ReportKind.PLAN_PROGRESS, Report.plan_id == plan.id)
        .order_by((Report.meeting_id == meeting.id).desc(), Report.generated_at.desc()).limit(1))
    details = dict(latest.details) if latest else {}
    if latest is None or latest.meeting_id != meeting.id:
        details.update(subject=f"{plan.title}: progress update", committee=_committee_for(plan, meeting))
    return details


def _committee_for(plan: Plan, meeting: Meeting) -> str:
    """The committee or board named in the latest report for the same kind of meeting, else the meeting's title."""
    named = db.session.scalars(
        select(Report.details).join(Meeting, Report.meeting_id == Meeting.id)
        .where(Report.kind == ReportKind.PLAN_PROGRESS, Report.plan_id == plan.id, Meeting.kind == meeting.kind)
        .order_by(Report.generated_at.desc(), Report.id.desc()).limit(1)).first()
    return (named or {}).get("committee") or meeting.title


@transaction("This report")
def release(report: Report, *, version: int | None, checked_warnings: bool, actor: Person, now: datetime) -> None:
    """Release a draft: refused while its checks found blocking problems, or warnings nobody has looked at. A report
    released earlier for the same meeting (or month) is superseded."""
    history.expect_version(report, version, "This report")
    if report.state != ReportState.DRAFT:
        raise DomainError(f"This report is {report.state.label.lower()} already.")
    if report.blocking_problems:
        raise DomainError(f"This report cannot be released: its checks found {len(report.blocking_problems)} "
                          "problems. Put them right and generate it again.")
    if any(not problem["blocking"] for problem in report.problems) and not checked_warnings:
        raise DomainError("Confirm that you have checked the warnings", "checked_warnings")
    for earlier in db.session.scalars(_same_occasion(report).where(Report.state == ReportState.RELEASED)):
        earlier.state = ReportState.SUPERSEDED
    db.session.flush()  # before this one is released: one released report per occasion, at every statement
    report.state, report.released_at, report.released_by_id = ReportState.RELEASED, now, actor.id
    try:
        db.session.flush()  # the one-released-per-occasion index refuses a concurrent release here
    except IntegrityError as error:  # another version was released for the same occasion at the same moment
        raise DomainError("Another version of this report was released at the same moment, so this one was not. "
                          "Reload the page to see which version is released.") from error


def _same_occasion(report: Report):
    query = select(Report).where(Report.kind == report.kind, Report.id != report.id)
    if report.kind == ReportKind.PLAN_PROGRESS:
        return query.where(Report.plan_id == report.plan_id, Report.meeting_id == report.meeting_id)
    return query.where(Report.month == report.month)


def document_of(report: Report) -> bytes:
    """The stored .docx, exactly as generated."""
    return db.session.scalar(select(Report.document).where(Report.id == report.id))
