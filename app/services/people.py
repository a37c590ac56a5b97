"""Administering people and teams."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Person, PersonKind, Team
from app.services.errors import DomainError


def save_person(person: Person, *, name: str, kind: str, email: str | None, job_title: str | None,
                organisation: str | None, team_id: int | None, role: str, active: bool, password: str | None) -> None:
    name, email = name.strip(), (email or "").strip().lower() or None
    _unique(Person, Person.name, name, person.id, "name", f"{name} is already in People")
    if email:
        _unique(Person, Person.email, email, person.id, "email", f"{email} is already used by someone else")
    kind = PersonKind(kind)
    if kind != PersonKind.INDIVIDUAL and (password or active and person.password_hash):
        raise DomainError("Only a person can sign in: groups and placeholders cannot have a password", "kind")
    person.name, person.kind, person.email = name, kind, email
    person.job_title, person.organisation = job_title or None, organisation or None
    person.team_id, person.role, person.active = team_id or None, role, active
    if kind != PersonKind.INDIVIDUAL:
        person.password_hash = None
    if password:
        person.set_password(password)
    db.session.add(person)
    db.session.commit()


def save_team(team: Team, name: str) -> None:
    _unique(Team, Team.name, name.strip(), team.id, "name", f"There is already a team called {name.strip()}")
    team.name = name.strip()
    db.session.add(team)
    db.session.commit()


def _unique(model, column, value, own_id, field: str, message: str) -> None:
    query = select(model.id).where(func.lower(column) == value.lower(), model.id != (own_id or 0))
    if db.session.scalar(query) is not None:
        raise DomainError(message, field)
