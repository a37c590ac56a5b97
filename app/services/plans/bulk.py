"""Changing several milestones at once from the milestone list: the responsible person, the leads or the due date.

Each milestone is changed as if edited on its own (the same service, the same history entries; a new due date is a
revised date, accepted at once when the manager may decide revised dates). All or nothing, in one transaction: if
any chosen milestone was changed by someone else since the manager chose it, nothing is saved and the message names
it, so the manager checks it and confirms again.
"""

from dataclasses import dataclass
from datetime import datetime
from textwrap import shorten

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Action, Milestone, Person, RevisionReason
from app.services.errors import DomainError
from app.services.plans import changes
from app.services.plans.due_dates import DueDate
from app.services.transaction import transaction

MOST_AT_ONCE = 200  # milestones in one change: four pages of the list
RESPONSIBLE, ADD_LEAD, REPLACE_LEADS, DUE = "responsible", "add_lead", "replace_leads", "due"
NONE_CHOSEN = "Select the milestones to change"


@dataclass(frozen=True)
class BulkChange:
    """What to change: `kind` is one of RESPONSIBLE, ADD_LEAD, REPLACE_LEADS (with `person`) or DUE (with `due` and
    the reason for the revised date)."""

    kind: str
    person: Person | None = None
    due: DueDate | None = None
    reason: RevisionReason | None = None
    reason_text: str = ""


@dataclass
class Planned:
    """One milestone's change as the confirmation page shows it."""

    milestone: Milestone
    before: str
    after: str
    changes: bool


def chosen_milestones(ids: list[int]) -> list[Milestone]:
    """The milestones chosen on the list, in plan order, with what the pages show of them. One query per part."""
    return list(db.session.scalars(
        select(Milestone).join(Action).where(Milestone.id.in_(ids[:MOST_AT_ONCE]))
        .options(selectinload(Milestone.action), selectinload(Milestone.responsible), selectinload(Milestone.leads))
        .order_by(Action.area_id, Action.position, Milestone.position, Milestone.id)))


def milestone_name(milestone: Milestone) -> str:
    """A milestone as a manager finds it in the list: its action and the start of its deliverable."""
    return f"Action {milestone.action.number}, “{shorten(milestone.deliverable, 60, placeholder='…')}”"


def preview(milestones: list[Milestone], change: BulkChange) -> list[Planned]:
    """What the change does to each milestone, before and after (nothing is changed)."""
    return [_planned(milestone, change) for milestone in milestones]


def _planned(milestone: Milestone, change: BulkChange) -> Planned:
    if change.kind == DUE:
        same = (change.due.kind, change.due.on) == (milestone.due_kind, milestone.due_on) and not milestone.due_problem
        return Planned(milestone, milestone.due_raw or "No date", change.due.raw, not same)
    if change.kind == RESPONSIBLE:
        before = milestone.responsible.name if milestone.responsible else "Not assigned"
        return Planned(milestone, before, change.person.name, milestone.responsible != change.person)
    leads = _new_leads(milestone, change)
    return Planned(milestone, _names(milestone.leads), _names(leads), leads != list(milestone.leads))


def _new_leads(milestone: Milestone, change: BulkChange) -> list[Person]:
    if change.kind == REPLACE_LEADS:
        return [change.person]
    return list(milestone.leads) + ([change.person] if change.person not in milestone.leads else [])


def _names(people: list[Person]) -> str:
    return ", ".join(person.name for person in people) or "None named"


@transaction("These milestones")
def apply(milestones: list[Milestone], versions: dict[int, int], change: BulkChange, *, accept: bool,
          actor: Person, now: datetime) -> int:
    """Make the change to each milestone it changes, as the single edit does, and answer how many changed.
    `versions` are the milestones' versions when the manager chose them; `accept` whether the actor's revised
    dates are accepted at once (as on the single revise page)."""
    if not milestones:
        raise DomainError(NONE_CHOSEN, field="milestones")
    stale = [milestone for milestone in milestones if versions.get(milestone.id) != milestone.version]
    if stale:
        raise DomainError("Someone else changed " + "; ".join(milestone_name(m) for m in stale)
                          + " since you chose them. Nothing has been saved. Check the changes and confirm again.")
    planned = [plan for plan in preview(milestones, change) if plan.changes]
    for plan in planned:
        _change_one(plan.milestone, change, accept=accept, actor=actor, now=now)
        db.session.flush()  # someone else's save made at this moment is found here, for this milestone
    return len(planned)


def _change_one(milestone: Milestone, change: BulkChange, *, accept: bool, actor: Person, now: datetime) -> None:
    if change.kind == DUE:
        changes.revise_due_date(milestone, new_due=change.due, reason=change.reason, reason_text=change.reason_text,
                                version=milestone.version, accept=accept, actor=actor, now=now)
    else:
        values = ({"responsible": change.person} if change.kind == RESPONSIBLE
                  else {"leads": _new_leads(milestone, change)})
        changes.save(milestone, values, version=milestone.version, actor=actor, now=now, what="This milestone")
