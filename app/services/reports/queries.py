"""What the report pages read: the reports a person may see a page at a time, the meetings, a meeting's versions, the
audit months."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import AuditRound, Meeting, Person, Plan, Report, ReportKind
from app.services import permissions
from app.services.listing import ListPage, ListQuery, paged

REPORT_SORTS = {
    "generated": (Report.generated_at, Report.id),
    "title": (Report.title, Report.id),
    "for": (func.coalesce(Meeting.held_on, Report.month), Report.generated_at, Report.id),
    "status": (Report.state, Report.generated_at, Report.id),
}


def reports_list(person: Person, query: ListQuery) -> ListPage:
    """A page of the reports a person may read (drafts only for those who manage them), each with its meeting;
    searched by the report's title or the meeting's."""
    statement = (select(Report).outerjoin(Report.meeting).where(permissions.readable_reports_sql(person))
                 .options(contains_eager(Report.meeting)))
    return paged(statement, query, sorts=REPORT_SORTS, searched=(Report.title, Meeting.title))


def meetings_to_report_on(today: date) -> list[Meeting]:
    """The meetings a programme manager prepares reports for: those to come and those of the last year (about ten a
    year), latest first. An older meeting's report is still reached from its reports in the list."""
    return list(db.session.scalars(select(Meeting).where(Meeting.held_on >= today.replace(year=today.year - 1, day=1))
                                   .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


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
