"""Who may do what to the plan, and who sees audits' contents. Each rule is written once here and used by routes,
services and templates."""

from sqlalchemy import and_, false, or_

from app.models import Milestone, Person, Report, ReportKind, ReportState, Role

PLAN_MANAGERS = (Role.ADMIN, Role.PROGRAMME_MANAGER)


def manages_plan(person: Person) -> bool:
    """Programme managers (and admins) create and edit areas, actions, milestones and recommendations."""
    return person.has_role(*PLAN_MANAGERS)


def owns(person: Person, milestone: Milestone) -> bool:
    return milestone.responsible_id == person.id or any(lead.id == person.id for lead in milestone.leads)


def may_update(person: Person, milestone: Milestone) -> bool:
    """Add updates and evidence, mark complete, propose a revised date, set a RAG rating."""
    return manages_plan(person) or owns(person, milestone)


def may_decide_revisions(person: Person) -> bool:
    return manages_plan(person)


# Least privilege (docs/security.md, "Least privilege"): the contents of audits about children (single audits, the case
# pool, rounds and their allocation, moderation, single-audit exports, the audit access log) are for QA leads, and for
# the people involved in one audit (its auditor, moderator and the case's managers, in services/audits/work.py).
# Administrators manage accounts; they see audit contents only if also a QA lead, and roles are single-valued, so an
# administrator who also moderates has two accounts. Aggregated figures and released audit reports are unchanged.
AUDIT_CONTENT_ROLES = (Role.QA_LEAD,)


def sees_audit_contents(person: Person) -> bool:
    """Every audit's contents, the case pool, rounds and moderation: QA leads (not administrators as such)."""
    return person.has_role(*AUDIT_CONTENT_ROLES)


AUDIT_REPORT_READERS = (Role.ADMIN, Role.QA_LEAD, Role.PROGRAMME_MANAGER, Role.VIEWER)


def manages_reports(person: Person, kind) -> bool:
    """Programme managers generate and release plan reports; QA leads the monthly audit reports."""
    if kind == ReportKind.PLAN_PROGRESS:
        return manages_plan(person)
    return person.has_role(Role.ADMIN, Role.QA_LEAD)


def may_read_report(person: Person, report) -> bool:
    """Drafts only for those who manage them. Released plan reports are for everyone signed in (they go to public
    committees); released audit reports for QA leads, programme managers, administrators and viewers (board
    members), because they name auditors in the moderation figures."""
    if manages_reports(person, report.kind):
        return True
    if report.state == ReportState.DRAFT:
        return False
    return report.kind == ReportKind.PLAN_PROGRESS or person.has_role(*AUDIT_REPORT_READERS)


def readable_reports_sql(person: Person):
    """may_read_report() as a SQL condition on the reports table (the reports list pages it in the database);
    tests/integration/test_reports_list.py proves the two agree."""
    kinds = [kind for kind in ReportKind if manages_reports(person, kind)]
    released_kinds = list(ReportKind) if person.has_role(*AUDIT_REPORT_READERS) else [ReportKind.PLAN_PROGRESS]
    return or_(Report.kind.in_(kinds) if kinds else false(),
               and_(Report.state != ReportState.DRAFT, Report.kind.in_(released_kinds)))
