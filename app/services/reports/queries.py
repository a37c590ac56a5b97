"""What the report pages read: the reports a person may see by meeting, a meeting's versions, the audit months."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import AuditRound, Meeting, Person, Plan, Report, ReportKind
from app.services import permissions


@dataclass(frozen=True)
class ReportsIndex:
    meetings: list[Meeting]  # latest first
    by_meeting: dict[int, list[Report]]  # each meeting's plan reports, latest first
    audit_reports: list[Report]  # latest first


def reports_index(person: Person) -> ReportsIndex:
    """Each meeting with its plan reports, and the monthly audit reports: drafts only for those who manage them."""
    reports = [report for report in db.session.scalars(
        select(Report).order_by(Report.generated_at.desc(), Report.id.desc())) if permissions.may_read_report(
        person, report)]
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc())).all()
    by_meeting: dict[int, list[Report]] = {}
    for report in reports:
        if report.meeting_id:
            by_meeting.setdefault(report.meeting_id, []).append(report)
    return ReportsIndex(list(meetings), by_meeting, [r for r in reports if r.kind == ReportKind.AUDIT_MONTHLY])


def plans_newest_first() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.id.desc())))


def plan_to_fill_in(meeting: Meeting, plans: list[Plan], asked: int | None) -> Plan:
    """The plan whose details fill the report form: the one asked for, else the plan of the meeting's latest
    report, else the latest plan."""
    by_id = {plan.id: plan for plan in plans}
    reported = db.session.scalar(select(Report.plan_id).where(Report.meeting_id == meeting.id, Report.plan_id.is_not(None))
                                 .order_by(Report.generated_at.desc(), Report.id.desc()).limit(1))
    return by_id.get(asked) or by_id.get(reported) or plans[0]


def versions_for(meeting: Meeting) -> list[Report]:
    """Every report generated for the meeting, latest first."""
    return list(db.session.scalars(select(Report).where(Report.meeting_id == meeting.id)
                                   .order_by(Report.generated_at.desc(), Report.id.desc())))


def audit_months() -> list[date]:
    """The months with audit rounds, latest first."""
    return list(db.session.scalars(select(AuditRound.month).distinct().order_by(AuditRound.month.desc())))


def audit_reports() -> list[Report]:
    """The monthly audit reports, latest month first."""
    return list(db.session.scalars(select(Report).where(Report.kind == ReportKind.AUDIT_MONTHLY)
                                   .order_by(Report.month.desc(), Report.generated_at.desc())))
