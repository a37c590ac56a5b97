"""Who may do what to the plan. Each rule is written once here and used by routes and templates."""

from app.models import Milestone, Person, Role

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
