"""Audit rounds: choosing cases at random within parameters, allocating them, and moving audits through
their states. Time and the random seed are arguments, so the same inputs always give the same result."""

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Audit, AuditRound, AuditState, Person, PoolCase, Role, RoundKind, RoundSelection
from app.services import history, people, permissions
from app.services.audits import allocation
from app.services.audits import tallies as audit_tallies
from app.services.audits.allocation import own_team
from app.services.audits.tool import current_tool
from app.services.errors import DomainError
from app.services.transaction import transaction

RECENT_AUDIT_DAYS = 365  # a case audited within the last 12 months is not chosen again
CASE_FLAGS = {
    "closed_recently": "Closed in the last 6 months",
    "step_up": "Step-up case",
    "neglect": "Neglect as a risk factor",
    "under_two": "Child under two",
    "domestic_abuse": "Domestic abuse",
}


@dataclass(frozen=True)
class SelectionCriteria:
    """Which cases may be chosen: any of these teams and plan types (none listed: all), with every flag listed."""

    team_ids: tuple[int, ...] = ()
    plan_types: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=())

    def describe(self, team_names: dict[int, str]) -> str:
        parts = []
        if self.team_ids:
            parts.append("teams: " + ", ".join(sorted(team_names.get(tid, str(tid)) for tid in self.team_ids)))
        if self.plan_types:
            parts.append("plan types: " + ", ".join(self.plan_types))
        parts += [CASE_FLAGS[flag] for flag in self.flags]
        return "; ".join(parts) or "All cases in the pool"


def eligible_cases(criteria: SelectionCriteria, today: date) -> list[PoolCase]:
    """Cases matching the criteria and not audited in the last 12 months, in a fixed order (by reference)."""
    recently_audited = select(Audit.case_id).where(Audit.allocated_at >= today - timedelta(days=RECENT_AUDIT_DAYS))
    query = select(PoolCase).where(PoolCase.id.not_in(recently_audited)).order_by(PoolCase.reference)
    if criteria.team_ids:
        query = query.where(PoolCase.team_id.in_(criteria.team_ids))
    if criteria.plan_types:
        query = query.where(PoolCase.plan_type.in_(criteria.plan_types))
    for flag in criteria.flags:
        query = query.where(getattr(PoolCase, flag).is_(True))
    return list(db.session.scalars(query))


def draw(cases: list[PoolCase], sample_size: int, seed: int) -> list[PoolCase]:
    """A random sample that the same seed always reproduces (given the same eligible cases)."""
    return random.Random(seed).sample(cases, min(sample_size, len(cases)))


@transaction("This round")
def create_round(*, kind: RoundKind, month: date, title: str, theme: str | None, criteria: SelectionCriteria,
                 criteria_text: str, sample_size: int, seed: int | None, actor: Person, now: datetime) -> AuditRound:
    """A new round with its cases drawn at random; the seed is recorded so the draw can be repeated."""
    if kind == RoundKind.THEMED and not (theme or "").strip():
        raise DomainError("Enter the theme of this audit", field="theme")
    if sample_size < 1:
        raise DomainError("Choose at least one case", field="sample_size")
    seed = seed if seed is not None else secrets.randbelow(2**31)
    chosen = draw(eligible_cases(criteria, now.date()), sample_size, seed)
    if not chosen:
        raise DomainError("No case in the pool matches these parameters (cases audited in the last 12 months "
                          "are left out)", field="sample_size")
    audit_round = AuditRound(kind=kind, month=month.replace(day=1), title=title.strip(), theme=(theme or "").strip() or None,
                             selection_criteria=criteria_text, sample_size=sample_size, seed=seed, created_by=actor,
                             created_at=now,
                             selections=[RoundSelection(case=case, position=i) for i, case in enumerate(chosen)])
    db.session.add(audit_round)
    db.session.flush()
    history.record(audit_round, "created", None, f"{len(chosen)} cases drawn with seed {seed}", actor=actor,
                   now=now, action_id=None)
    return audit_round


@transaction("This round")
def allocate(audit_round: AuditRound, case: PoolCase, auditor: Person | None, *, override_reason: str | None,
             actor: Person, now: datetime) -> Audit:
    """Give a case to an auditor. Never a case from the auditor's own team, unless a QA lead records why."""
    if auditor is None:
        raise DomainError("Choose an auditor", field="auditor_id")
    if case.id not in {selection.case_id for selection in audit_round.selections}:
        raise DomainError("This case was not selected for this round", field="case_id")
    if db.session.scalar(select(Audit.id).where(Audit.round_id == audit_round.id, Audit.case_id == case.id)):
        raise DomainError(f"Case {case.reference} is already allocated in this round", field="case_id")
    if not auditor.has_role(Role.AUDITOR, Role.QA_LEAD):
        raise DomainError(f"{auditor.name} is not an auditor", field="auditor_id")
    reason = (override_reason or "").strip() or None
    if own_team(auditor, case):
        if not reason:
            raise DomainError(f"{auditor.name} works in {case.team.name}, the team that holds case {case.reference}. "
                              "Choose another auditor, or record why this is necessary", field="auditor_id")
        if not permissions.sees_audit_contents(actor):
            raise DomainError("Only a QA lead can allocate a case to an auditor from its own team", field="auditor_id")
    tool = current_tool()
    if tool is None:
        raise DomainError("The audit tool has not been loaded: run `flask audits load-tool`")
    history.touch(audit_round)  # two people allocating the same round at once: the second is refused, not doubled
    audit = Audit(round=audit_round, case=case, tool=tool, auditor=auditor, allocated_by=actor, allocated_at=now,
                  allocation_override_reason=reason if own_team(auditor, case) else None)
    db.session.add(audit)
    db.session.flush()
    audit_tallies.recount_for(audit, allocated_only=True)
    history.record(audit, "allocated", None, auditor.name + (f" (own team: {reason})" if audit.allocation_override_reason
                                                              else ""), actor=actor, now=now, action_id=None)
    return audit


# --- Allocating a whole round at once ------------------------------------------------------------

OPEN_STATES = (AuditState.ALLOCATED, AuditState.IN_PROGRESS)


@dataclass(frozen=True)
class ProposalRow:
    """A case still to allocate, the auditor proposed (None: every auditor works in its team) and who may take it."""

    case: PoolCase
    proposed: int | None
    choices: list[tuple[int, str]]


@dataclass(frozen=True)
class AuditorLoad:
    person: Person
    before: int
    after: int


@dataclass(frozen=True)
class RoundProposal:
    rows: list[ProposalRow]
    loads: list[AuditorLoad]


def loads_for(audit_round: AuditRound) -> dict[int, int]:
    """Each auditor's load: their audits in this round, and their audits elsewhere not yet submitted."""
    counted = select(Audit.auditor_id, func.count()).where(
        or_(Audit.round_id == audit_round.id, Audit.state.in_(OPEN_STATES))).group_by(Audit.auditor_id)
    return {auditor_id: count for auditor_id, count in db.session.execute(counted)}


def round_proposal(audit_round: AuditRound) -> RoundProposal:
    """Every case of the round not yet allocated, each with a proposed auditor (allocation.propose) and the auditors
    it may go to; and each auditor's load before and after the proposal."""
    allocated = {audit.case_id for audit in audit_round.audits}
    waiting = [selection.case for selection in audit_round.selections if selection.case_id not in allocated]
    auditors = people.auditors()
    loads = loads_for(audit_round)
    candidates = [allocation.Auditor(person.id, person.name, person.team_id, loads.get(person.id, 0))
                  for person in auditors]
    proposal = allocation.propose([allocation.CaseToAllocate(case.id, case.reference, case.team_id)
                                   for case in waiting], candidates)
    rows = [ProposalRow(case, proposal.auditor_for[case.id],
                        [(person.id, people.auditor_label(person)) for person in auditors if not own_team(person, case)])
            for case in waiting]
    return RoundProposal(rows, [AuditorLoad(person, loads.get(person.id, 0), proposal.loads[person.id])
                                for person in auditors])


@dataclass(frozen=True)
class Allocated:
    """What one confirm did: the audits made, the cases someone else allocated meanwhile (left as they were), and
    how many of the round's cases are still to allocate."""

    audits: list[Audit]
    already: list[Audit]
    left: int


def row_field(case_id: int) -> str:
    """The name of a case's row on the proposal page, so that a refusal is shown next to its row."""
    return f"case_{case_id}"


@transaction("This round")
def allocate_several(audit_round: AuditRound, chosen: dict[int, int | None], *, actor: Person,
                     now: datetime) -> Allocated:
    """Allocate many cases at once, all or none: each case to the auditor chosen for it (None: left for later).
    A case someone else has allocated since the page was opened is reported and left as it is, never doubled.
    An auditor from the case's own team is refused next to its row: that needs a reason, given one case at a time."""
    existing = {audit.case_id: audit for audit in db.session.scalars(
        select(Audit).where(Audit.round_id == audit_round.id, Audit.case_id.in_(chosen)))}
    made = []
    for case_id, auditor_id in chosen.items():
        if case_id in existing or not auditor_id:
            continue
        case, auditor = db.session.get(PoolCase, case_id), db.session.get(Person, auditor_id)
        if case is None:
            raise DomainError("This case is no longer in the pool", field=row_field(case_id))
        if auditor is not None and own_team(auditor, case):
            raise DomainError(f"{auditor.name} works in {case.team.name}, the team that holds case {case.reference}. "
                              "Choose another auditor, or leave it and allocate it on its own with a reason",
                              field=row_field(case_id))
        try:
            made.append(allocate(audit_round, case, auditor, override_reason=None, actor=actor, now=now))
        except DomainError as refused:
            raise DomainError(refused.message, field=row_field(case_id)) from refused
    allocated = db.session.scalar(select(func.count()).select_from(Audit).where(Audit.round_id == audit_round.id))
    return Allocated(made, list(existing.values()), len(audit_round.selections) - allocated)


# --- The audit's states -------------------------------------------------------------------------

TRANSITIONS = {
    AuditState.ALLOCATED: {AuditState.IN_PROGRESS},
    AuditState.IN_PROGRESS: {AuditState.SUBMITTED},
    AuditState.SUBMITTED: {AuditState.MODERATED, AuditState.CLOSED, AuditState.IN_PROGRESS},
    AuditState.MODERATED: {AuditState.CLOSED},
    AuditState.CLOSED: set(),
}


def can_move(audit: Audit, to: AuditState) -> bool:
    return to in TRANSITIONS[AuditState(audit.state)]


@transaction("This audit")
def move(audit: Audit, to: AuditState, *, actor: Person, now: datetime, note: str = "") -> None:
    """Move an audit to its next state: allocated → in progress → submitted → (moderated →) closed.
    A submitted audit may go back to in progress for the auditor to amend."""
    if not can_move(audit, to):
        raise DomainError(f"An audit that is {AuditState(audit.state).label.lower()} cannot become "
                          f"{to.label.lower()}")
    history.record(audit, "state", AuditState(audit.state).value, to.value + (f": {note}" if note else ""),
                   actor=actor, now=now, action_id=None)
    counted_before = audit.state in audit_tallies.DONE
    audit.state = to
    if to == AuditState.SUBMITTED:
        audit.submitted_at = now
    if counted_before or to in audit_tallies.DONE:
        audit_tallies.recount_for(audit)


@transaction("This case")
def add_case(values: dict, *, now: datetime) -> PoolCase:
    """Add one case to the pool by hand."""
    reference = values["reference"].strip()
    if db.session.scalar(select(PoolCase.id).where(PoolCase.reference == reference)):
        raise DomainError(f"Case {reference} is already in the pool", field="reference")
    case = PoolCase(**{**values, "reference": reference}, added_at=now)
    db.session.add(case)
    return case
