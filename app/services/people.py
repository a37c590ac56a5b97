"""Administering people and teams. Every change is recorded like changes to the plan (never a password)."""

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Milestone, Person, PersonKind, Role, SecurityEventKind, SessionEnd, Team
from app.models.plans import milestone_leads
from app.services import history, security_events, sessions
from app.services.errors import DomainError
from app.services.listing import ListPage, ListQuery, paged
from app.services.transaction import transaction


def everyone() -> list[Person]:
    """Every person, group and placeholder by name: the choices of the milestone forms."""
    return list(db.session.scalars(select(Person).order_by(Person.name)))


SIGNS_IN = and_(Person.active, Person.kind == PersonKind.INDIVIDUAL, Person.password_hash.is_not(None))
PEOPLE_SORTS = {  # each ends with the unique name, so pages never overlap
    "name": (Person.name,),
    "kind": (Person.kind, Person.name),
    "team": (func.coalesce(Team.name, ""), Person.name),
    "role": (Person.role, Person.name),
    "signs-in": (case((SIGNS_IN, 1), else_=0), Person.name),
}


def people_page(query: ListQuery) -> ListPage:
    """One page of people, groups and placeholders, searched by name, e-mail address, job title or team: the People
    page. Each person comes with their team and line manager (two queries for the page, whatever its length)."""
    statement = (select(Person).outerjoin(Team, Person.team_id == Team.id)
                 .options(selectinload(Person.team), selectinload(Person.line_manager)))
    return paged(statement, query, sorts=PEOPLE_SORTS,
                 searched=(Person.name, Person.email, Person.job_title, Team.name))


def role_labels(people: list[Person]) -> dict[int, str]:
    """Each person's role as the People page names it: a viewer who is responsible for or leads a milestone is
    an "Action owner" (the viewer role is theirs too), other viewers are "Viewer". One query."""
    ids = [person.id for person in people]
    responsible = select(Milestone.responsible_id).where(Milestone.responsible_id.in_(ids))
    owners = set(db.session.scalars(responsible.union(
        select(milestone_leads.c.person_id).where(milestone_leads.c.person_id.in_(ids)))))
    return {person.id: ("Action owner" if person.id in owners else "Viewer") if person.role == Role.VIEWER
            else Role(person.role).label for person in people}


TEAM_SORTS = {"name": (Team.name,), "members": (func.count(Person.id), Team.name)}


def teams_page(query: ListQuery) -> ListPage:
    """One page of teams with how many people each has, searched by name: the Teams page. Items are
    (team, members) pairs."""
    statement = (select(Team, func.count(Person.id)).outerjoin(Person, Person.team_id == Team.id)
                 .group_by(Team.id))
    return paged(statement, query, sorts=TEAM_SORTS, searched=(Team.name,))


@transaction("This person")
def save_person(person: Person, *, name: str, kind: str, email: str | None, job_title: str | None,
                organisation: str | None, team_id: int | None, role: str, active: bool, version: int | None,
                actor: Person, now: datetime, line_manager_id: int | None) -> None:
    """Add or change a person. The line manager (told of escalations) must be another individual."""
    name, email, kind = name.strip(), (email or "").strip().lower() or None, PersonKind(kind)
    _unique(Person, Person.name, name, person.id, "name", f"{name} is already in People")
    if email:
        _unique(Person, Person.email, email, person.id, "email", f"{email} is already used by someone else")
    line_manager = db.session.get(Person, line_manager_id) if line_manager_id else None
    if line_manager_id and (line_manager is None or line_manager.id == person.id or not line_manager.is_individual):
        raise DomainError("Choose another person as line manager: not this person, a group or a placeholder",
                          "line_manager_id")
    if kind != PersonKind.INDIVIDUAL and active and person.password_hash:
        raise DomainError("Only a person can sign in: groups and placeholders cannot have a password", "kind")
    values = {"name": name, "kind": kind, "email": email, "job_title": job_title or None,
              "organisation": organisation or None, "team": db.session.get(Team, team_id) if team_id else None,
              "role": role, "active": active, "line_manager": line_manager}
    was = (Role(person.role), person.active) if person.id else None
    _save(person, values, version=version, actor=actor, now=now, what="This person")
    if was:
        _end_sessions_on_access_change(person, *was, actor=actor, now=now)
    if kind != PersonKind.INDIVIDUAL and person.password_hash:
        person.password_hash = None
        history.record(person, "password", None, "removed: groups and placeholders cannot sign in",
                       actor=actor, now=now, action_id=None)


def _end_sessions_on_access_change(person: Person, role: Role, active: bool, *, actor: Person,
                                   now: datetime) -> None:
    """A new role or a deactivation takes effect at once: the person's sessions end (docs/security.md, "Sessions"),
    recorded in the security event log with the administrator who made the change."""
    if Role(person.role) != role:
        security_events.record(SecurityEventKind.ROLE_CHANGED, person=person, actor=actor,
                               detail=f"{role.label} → {Role(person.role).label}")
        sessions.end_all(person, reason=SessionEnd.ROLE_CHANGED, actor=actor, now=now)
    if active and not person.active:
        security_events.record(SecurityEventKind.ACCOUNT_DEACTIVATED, person=person, actor=actor)
        sessions.end_all(person, reason=SessionEnd.DEACTIVATED, actor=actor, now=now)


def grant_login(*, name: str, email: str, role: Role, job_title: str | None, team_name: str | None, password: str,
                now: datetime) -> Person:
    """Let a person sign in (`flask users create`): found by e-mail, else by name, else added. Recorded as the system."""
    name, email = name.strip(), email.strip().lower()
    person = (db.session.scalar(select(Person).where(Person.email == email))
              or db.session.scalar(select(Person).where(func.lower(Person.name) == name.lower())) or Person())
    if person.id and not person.is_individual:
        raise DomainError(f"{person.name} is a {person.kind.label.lower()} in People, not a person: choose another name")
    team = None
    if team_name:
        team = db.session.scalar(select(Team).where(func.lower(Team.name) == team_name.strip().lower()))
        team = team or Team(name=team_name.strip())
    values = {"name": person.name or name, "kind": PersonKind.INDIVIDUAL, "email": email, "role": role,
              "job_title": job_title or person.job_title, "team": team or person.team, "active": True}
    _save(person, values, version=None, actor=None, now=now, what="This person")
    person.set_password(password)
    history.record(person, "password", None, "set from the command line", actor=None, now=now, action_id=None)
    return person


@transaction("This team")
def save_team(team: Team, name: str, *, version: int | None, actor: Person, now: datetime) -> None:
    _unique(Team, Team.name, name.strip(), team.id, "name", f"There is already a team called {name.strip()}")
    _save(team, {"name": name.strip()}, version=version, actor=actor, now=now, what="This team")


def _save(entity, values: dict, *, version: int | None, actor: Person | None, now: datetime, what: str) -> None:
    if entity.id is None:
        for name, value in values.items():
            setattr(entity, name, value)
        db.session.add(entity)
        db.session.flush()
        history.record(entity, "created", None, values.get("name"), actor=actor, now=now, action_id=None)
    else:
        history.expect_version(entity, version, what)
        history.change(entity, values, actor=actor, now=now, action_id=None)


def _unique(model, column, value, own_id, field: str, message: str) -> None:
    query = select(model.id).where(func.lower(column) == value.lower(), model.id != (own_id or 0))
    if db.session.scalar(query) is not None:
        raise DomainError(message, field)


# --- Choice lists: (id, name) pairs in name order, for the forms that pick a team or a person -------------


def person_choices(empty: str, *, leaving_out: int | None = None) -> list[tuple[int, str]]:
    """A select's choices of people (individuals, not groups or placeholders) by name, after (0, empty)."""
    people = db.session.execute(select(Person.id, Person.name).where(
        Person.kind == PersonKind.INDIVIDUAL, Person.id != (leaving_out or 0)).order_by(Person.name))
    return [(0, empty), *((person_id, name) for person_id, name in people)]


def team_choices(empty: str | None = None) -> list[tuple[int, str]]:
    """A select's choices of teams by name, after (0, empty) when there may be no team."""
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name))
    return [*([(0, empty)] if empty else []), *((team_id, name) for team_id, name in teams)]


def all_people_choices() -> list[tuple[int, str]]:
    """Everyone in People (individuals, groups and placeholders) as (id, name), by name: a filter's choices."""
    return [tuple(row) for row in db.session.execute(select(Person.id, Person.name).order_by(Person.name))]


def auditors() -> list[Person]:
    """Who a case may be allocated to: active auditors and QA leads, by name, with their team."""
    return list(db.session.scalars(select(Person).where(Person.role.in_([Role.AUDITOR, Role.QA_LEAD]),
                                                        Person.active.is_(True))
                                   .options(selectinload(Person.team)).order_by(Person.name, Person.id)))


def auditor_label(person: Person) -> str:
    """An auditor as the allocation selects show them: their name and team."""
    return f"{person.name} ({person.team.name if person.team else 'no team'})"


def auditor_choices() -> list[tuple[int, str]]:
    """Who a case may be allocated to, as a select's choices."""
    return [(person.id, auditor_label(person)) for person in auditors()]


def moderator_choices() -> list[tuple[int, str]]:
    """Who may moderate audits: active QA leads."""
    moderators = select(Person.id, Person.name).where(Person.role == Role.QA_LEAD, Person.active.is_(True))
    return [(person_id, name) for person_id, name in db.session.execute(moderators.order_by(Person.name))]


def recommendation_owner_choices(owner_ids: set[int]) -> list[tuple[int, str]]:
    """Who may own an audit's SMART recommendation: active individuals, and whoever owns one of them already."""
    owners = select(Person.id, Person.name).where(or_(
        and_(Person.kind == PersonKind.INDIVIDUAL, Person.active.is_(True)), Person.id.in_(owner_ids)))
    return [(person_id, name) for person_id, name in db.session.execute(owners.order_by(Person.name))]


def find_person(person_id: int | None) -> Person | None:
    """The person chosen on a form, if there is one (a service says what to do when there is not)."""
    return db.session.get(Person, person_id) if person_id else None
