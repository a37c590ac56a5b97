"""The one transaction rule: a writing service commits when it succeeds, rolls back when it fails, reports a
concurrent save as a conflict, and runs inside its caller's transaction when another service calls it."""

import pytest
from sqlalchemy import select, update

from app.models import Team
from app.services.errors import ConflictError, DomainError
from app.services.transaction import transaction


def team_names(db) -> list[str]:
    db.session.rollback()  # read what was committed, not what is pending
    return list(db.session.scalars(select(Team.name).order_by(Team.name)))


@transaction("This team")
def add_team(db, name: str, *, refuse: bool = False) -> Team:
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    if refuse:
        raise DomainError("Refused", field="name")
    return team


@transaction("This team")
def add_two_teams(db, first: str, second: str, *, refuse_second: bool = False) -> None:
    add_team(db, first)
    add_team(db, second, refuse=refuse_second)


def test_a_change_that_succeeds_is_committed(db):
    add_team(db, "Assessment")
    assert team_names(db) == ["Assessment"]


def test_a_refused_change_is_rolled_back_and_its_error_raised(db):
    with pytest.raises(DomainError, match="Refused"):
        add_team(db, "Assessment", refuse=True)
    assert team_names(db) == []


def test_a_service_called_by_another_commits_with_it_or_not_at_all(db):
    with pytest.raises(DomainError):
        add_two_teams(db, "Assessment", "Fostering", refuse_second=True)
    assert team_names(db) == []  # the first team, added by a nested call, is not committed on its own

    add_two_teams(db, "Assessment", "Fostering")
    assert team_names(db) == ["Assessment", "Fostering"]


def test_a_save_over_someone_elses_change_is_a_conflict_naming_the_record(db):
    team = add_team(db, "Assessment")
    another_persons_save = update(Team).where(Team.id == team.id).values(version=Team.version + 1)
    db.session.execute(another_persons_save.execution_options(synchronize_session=False))

    @transaction("This team")
    def rename(team: Team, name: str) -> None:
        team.name = name

    with pytest.raises(ConflictError, match="This team was changed by someone else"):
        rename(team, "Assessment and Intervention")
    assert team_names(db) == ["Assessment"]
