"""Who may do what to the plan. Each rule is written once here and used by routes and templates."""

from app.models import Milestone, Person, ReportKind, ReportState, Role

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
