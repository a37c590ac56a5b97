"""The case pool: the list a page at a time (search, sort), and QA leads correcting or removing a case.

A case is kept once an auditor has been given it (any audit, even one not started): the audit, its grades and the
findings name the case. A case only chosen for a round, not yet allocated, may be removed: it then leaves the
round's chosen cases too, and the round's history says so (decision 0010, part C).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app.models import Audit, AuditRound, Person, PoolCase, RoundSelection, Team
from app.services import history
from app.services.audits import tallies as audit_tallies
from app.services.audits.rounds import CASE_FLAGS
from app.services.errors import DomainError
from app.services.listing import ListPage, ListQuery, paged
from app.services.transaction import transaction
from app.services.wording import plural

WHAT = "This case"
SORTS = {
    "reference": (PoolCase.reference,),
    "team": (Team.name, PoolCase.reference),
    "worker": (PoolCase.allocated_worker, PoolCase.reference),
    "plan": (PoolCase.plan_type, PoolCase.reference),
    "added": (PoolCase.added_at, PoolCase.reference),
}
DEFAULT_SORT = "reference"


def pool_page(query: ListQuery) -> ListPage:
    """One page of the pool with each case's team, searched by case ID, team, allocated worker or plan type."""
    statement = select(PoolCase).join(PoolCase.team).options(contains_eager(PoolCase.team))
    return paged(statement, query, sorts=SORTS,
                 searched=(PoolCase.reference, Team.name, PoolCase.allocated_worker, PoolCase.plan_type))


@dataclass(frozen=True)
class CaseUse:
    """Where a case has been used: the audits it has (any state) and the rounds that chose it without an audit."""

    audits: list[Audit]
    chosen_in: list[AuditRound]

    @property
    def removable(self) -> bool:
        return not self.audits


def case_use(case: PoolCase) -> CaseUse:
    audits = db.session.scalars(select(Audit).where(Audit.case_id == case.id).options(
        selectinload(Audit.round), selectinload(Audit.auditor)).order_by(Audit.allocated_at)).all()
    audited_rounds = {audit.round_id for audit in audits}
    chosen = db.session.scalars(select(AuditRound).join(RoundSelection, RoundSelection.round_id == AuditRound.id)
                                .where(RoundSelection.case_id == case.id).order_by(AuditRound.month)).all()
    return CaseUse(list(audits), [audit_round for audit_round in chosen if audit_round.id not in audited_rounds])


@transaction(WHAT)
def correct_case(case: PoolCase, values: dict, *, version: int | None, actor: Person, now: datetime) -> PoolCase:
    """Correct a case's details (values as the case form gives them: ids for the team and managers)."""
    history.expect_version(case, version, WHAT)
    reference = values["reference"].strip()
    if db.session.scalar(select(PoolCase.id).where(PoolCase.reference == reference, PoolCase.id != case.id)):
        raise DomainError(f"Case {reference} is already in the pool", field="reference")
    team = db.session.get(Team, values["team_id"])
    if team is None:
        raise DomainError("Choose the case's team", field="team_id")
    corrected = {
        "reference": reference, "team": team, "allocated_worker": (values["allocated_worker"] or "").strip(),
        "team_manager": _person(values["team_manager_id"]), "service_manager": _person(values["service_manager_id"]),
        "plan_type": values["plan_type"] or "", **{flag: bool(values[flag]) for flag in CASE_FLAGS},
    }
    team_before = case.team_id
    with db.session.no_autoflush:  # reading the managers must not save the reference on its own (one version step)
        history.change(case, corrected, actor=actor, now=now, action_id=None)
    if team.id != team_before:  # its audits now count for the other team
        audit_tallies.recount_case_teams(case, team_before, team.id)
    return case


def _person(person_id: int | None) -> Person | None:
    return db.session.get(Person, person_id) if person_id else None


@transaction(WHAT)
def remove_case(case: PoolCase, *, version: int | None, actor: Person, now: datetime) -> None:
    """Remove a case from the pool, refused once an auditor has been given it. A round that chose it without
    allocating it loses it from its chosen cases (recorded in the round's history)."""
    history.expect_version(case, version, WHAT)
    use = case_use(case)
    if not use.removable:
        raise DomainError(refusal(case, use))
    for audit_round in use.chosen_in:
        history.record(audit_round, "case removed", None, case.reference, actor=actor, now=now, action_id=None)
    db.session.execute(RoundSelection.__table__.delete().where(RoundSelection.case_id == case.id))
    history.record(case, "deleted", f"Case {case.reference}", None, actor=actor, now=now, action_id=None)
    db.session.delete(case)


def refusal(case: PoolCase, use: CaseUse) -> str:
    """Why a case with audits is kept, naming the first audit."""
    first = use.audits[0]
    more = f" (and has {plural(len(use.audits) - 1, 'more audit')})" if len(use.audits) > 1 else ""
    return (f"Case {case.reference} cannot be removed: it was allocated to {first.auditor.name} in "
            f"{first.round.title}{more}. "
            "A case is kept once an auditor has been given it, because its audit and the findings name it. "
            "You can still correct its details.")
