"""Changing the plan: updates, completion, re-planned dates, RAG judgements, evidence and editing.

Every function takes the acting person and the time, records what changed, and commits (@transaction). A change
made from a stale copy raises ConflictError instead of overwriting someone else's work.
"""

from datetime import date, datetime
from textwrap import shorten

from sqlalchemy import case, select, update

from app.extensions import db
from app.models import (
    Action,
    Area,
    DueDateRevision,
    Milestone,
    MilestonePhase,
    MilestoneStatus,
    Person,
    Plan,
    ProgressUpdate,
    Rating,
    Recommendation,
    RevisionDecision,
    RevisionReason,
)
from app.services import history
from app.services.errors import DomainError
from app.services.numbers import whole_number
from app.services.plans.due_dates import DueDate, parse_due_text
from app.services.transaction import transaction


@transaction("This milestone")
def add_update(milestone: Milestone, *, body: str, written_on: date, actor: Person, now: datetime,
               today: date) -> ProgressUpdate:
    """Add a progress update: an append, so it never clashes with anyone else's update (no version check).

    The milestone's own row only follows: its first update starts it (not started → in progress) and its latest-update
    date moves forward. Both are plain UPDATEs that leave its version alone, written so that updates added at the same
    moment all succeed, the milestone ends in progress with the newest date, and the start is recorded once."""
    if not body.strip():
        raise DomainError("Enter the progress update", field="body")
    if written_on > today:
        raise DomainError("The date of the update must be today or in the past", field="written_on")
    progress = ProgressUpdate(milestone=milestone, written_on=written_on, body=body.strip(), author=actor,
                              signed_as=actor.name, created_at=now)
    db.session.add(progress)
    if _start(milestone):
        history.record(milestone, "status", history.as_text(MilestoneStatus.NOT_STARTED),
                       history.as_text(MilestoneStatus.IN_PROGRESS), actor=actor, now=now,
                       action_id=milestone.action_id)
    note_latest_update(milestone, written_on)
    db.session.expire(milestone, ["status", "latest_update_on"])  # read back as stored, with everyone's updates
    return progress


def _start(milestone: Milestone) -> bool:
    """Move a not-started milestone to in progress, in one UPDATE that leaves its version alone. True if this call
    moved it: of two first updates at once, the second finds it already in progress."""
    started = db.session.execute(
        update(Milestone).where(Milestone.id == milestone.id, Milestone.status == MilestoneStatus.NOT_STARTED)
        .values(status=MilestoneStatus.IN_PROGRESS).execution_options(synchronize_session=False))
    return started.rowcount == 1


def note_latest_update(milestone: Milestone, written_on: date) -> None:
    """Move the milestone's latest-update date forward (never back), in one UPDATE that leaves its version alone:
    the newer of the stored date and this one, so updates saved at the same moment end with the newest."""
    newest = case((Milestone.latest_update_on.is_(None) | (Milestone.latest_update_on < written_on), written_on),
                  else_=Milestone.latest_update_on)
    db.session.execute(update(Milestone).where(Milestone.id == milestone.id).values(latest_update_on=newest)
                       .execution_options(synchronize_session=False))


@transaction("This milestone")
def mark_complete(milestone: Milestone, *, completed_on: date, version: int | None, actor: Person,
                  now: datetime, today: date) -> None:
    history.expect_version(milestone, version, "This milestone")
    if milestone.is_complete:
        raise DomainError("This milestone is already marked complete")
    if completed_on > today:
        raise DomainError("The completion date must be today or in the past", field="completed_on")
    history.change(milestone, {"status": MilestoneStatus.COMPLETE, "completed_on": completed_on},
                   actor=actor, now=now, action_id=milestone.action_id)


@transaction("This milestone")
def reopen(milestone: Milestone, *, version: int | None, actor: Person, now: datetime) -> None:
    history.expect_version(milestone, version, "This milestone")
    history.change(milestone, {"status": MilestoneStatus.IN_PROGRESS, "completed_on": None},
                   actor=actor, now=now, action_id=milestone.action_id)


def due_values(due: DueDate) -> dict:
    """The milestone columns that hold a typed due date."""
    return {"due_kind": due.kind, "due_on": due.on, "due_raw": due.raw, "due_note": due.note,
            "due_problem": due.problem}


def due_phases(due: DueDate) -> list[MilestonePhase]:
    return [MilestonePhase(position=index, label=phase.label, due_on=phase.on, problem=phase.problem)
            for index, phase in enumerate(due.phases)]


def apply_due(milestone: Milestone, due: DueDate, *, actor: Person | None, now: datetime) -> None:
    """Set the typed due date (kind, date, raw text, note, problem and phases), recording each change."""
    history.change(milestone, due_values(due), actor=actor, now=now, action_id=milestone.action_id)
    milestone.phases = due_phases(due)


@transaction("This milestone")
def propose_revision(milestone: Milestone, *, new_due: DueDate, reason: RevisionReason, reason_text: str,
                     version: int | None, actor: Person, now: datetime) -> DueDateRevision:
    """Move a milestone's due date. The milestone is Red (slipped) until a programme manager accepts."""
    history.expect_version(milestone, version, "This milestone")
    if not reason_text.strip():
        raise DomainError("Explain why the date needs to change", field="reason_text")
    if (new_due.kind, new_due.on) == (milestone.due_kind, milestone.due_on) and not milestone.due_problem:
        raise DomainError("The new date is the same as the current one", field="due_kind")
    revision = DueDateRevision(
        milestone=milestone,
        old_kind=milestone.due_kind, old_on=milestone.due_on, old_raw=milestone.due_raw,
        new_kind=new_due.kind, new_on=new_due.on, new_raw=new_due.raw,
        reason=reason, reason_text=reason_text.strip(), proposed_by=actor, proposed_at=now,
    )
    db.session.add(revision)
    apply_due(milestone, new_due, actor=actor, now=now)
    return revision


@transaction("This milestone")
def revise_due_date(milestone: Milestone, *, new_due: DueDate, reason: RevisionReason, reason_text: str,
                    version: int | None, accept: bool, actor: Person, now: datetime) -> DueDateRevision:
    """Propose a revised date; a programme manager's own re-plan (`accept`) is accepted at once."""
    revision = propose_revision(milestone, new_due=new_due, reason=reason, reason_text=reason_text, version=version,
                                actor=actor, now=now)
    if accept:
        decide_revision(revision, accept=True, note="Re-planned by a programme manager", actor=actor, now=now)
    return revision


@transaction("This revised date")
def decide_revision(revision: DueDateRevision, *, accept: bool, note: str, actor: Person, now: datetime) -> None:
    """Accept a re-planned date (the milestone is rated against it) or reject it (the old date returns)."""
    if not revision.is_pending:
        raise DomainError("This revised date has already been decided")
    if not accept and not note.strip():
        raise DomainError("Explain why the revised date is rejected", field="note")
    if not accept and revision.old_kind is None:
        raise DomainError("The earlier date was not recorded, so it cannot be restored. Accept this date, "
                          "then propose a new one if it is wrong", field="decision")
    milestone = revision.milestone
    revision.decision = RevisionDecision.ACCEPTED if accept else RevisionDecision.REJECTED
    revision.decided_by, revision.decided_at, revision.decision_note = actor, now, note.strip()
    history.record(milestone, "revision", None, f"{revision.decision.value}: {revision.new_raw}",
                   actor=actor, now=now, action_id=milestone.action_id)
    if not accept:  # the old date as it was written, with its note, phases and any problem
        apply_due(milestone, parse_due_text(revision.old_raw), actor=actor, now=now)


NONE_CHOSEN = "Select the revised dates to decide"


@transaction("These revised dates")
def decide_revisions(revisions: list[DueDateRevision], *, accept: bool, note: str, actor: Person,
                     now: datetime) -> None:
    """Accept or reject several revised dates with one note, each as if decided on its own page (the same rules,
    a history entry each). All or nothing: if one cannot be decided, none is, and the message names it."""
    if not revisions:
        raise DomainError(NONE_CHOSEN, field="revisions")
    for revision in revisions:
        try:
            decide_revision(revision, accept=accept, note=note, actor=actor, now=now)
            db.session.flush()  # someone else's decision made at the same moment is found here, for this one
        except DomainError as error:
            if error.field == "note":  # about the note, not this revised date
                raise
            raise DomainError(f"{revision_name(revision)}: {error.message.rstrip('.')}. Nothing has been saved.",
                              field="revisions") from error


def revision_name(revision: DueDateRevision) -> str:
    """A revised date as a manager would find it in a list: its action, milestone and new date."""
    milestone = revision.milestone
    return f"Action {milestone.action.number}, “{shorten(milestone.deliverable, 60, placeholder='…')}” ({revision.new_raw})"


@transaction("This milestone")
def set_rating(milestone: Milestone, *, rating: Rating | None, reason: str, version: int | None, actor: Person,
               now: datetime) -> None:
    """Set a RAG rating that differs from the suggestion (with a reason), or clear it (rating None)."""
    history.expect_version(milestone, version, "This milestone")
    if rating is not None and not reason.strip():
        raise DomainError("Explain why you are setting this rating", field="reason")
    values = {"rag_set": rating, "rag_set_reason": reason.strip() if rating else None}
    if history.change(milestone, values, actor=actor, now=now, action_id=milestone.action_id):
        milestone.rag_set_by, milestone.rag_set_at = (actor, now) if rating else (None, None)


# --- Programme managers keep the plan -----------------------------------------------------------


@transaction("This record")
def save(entity, values: dict, *, version: int | None, actor: Person, now: datetime, what: str) -> None:
    """Create or edit an area, action, milestone or recommendation, recording every changed field."""
    _refuse_a_used_number(entity, values)
    if entity.id is None:
        for name, value in values.items():
            setattr(entity, name, value)
        db.session.add(entity)
        db.session.flush()
        history.record(entity, "created", None, what, actor=actor, now=now, action_id=_own_action_id(entity))
    else:
        history.expect_version(entity, version, what)
        history.change(entity, values, actor=actor, now=now, action_id=_own_action_id(entity))


UNIQUE_NUMBERS = {Area: ("number", "plan_id"), Recommendation: ("code", "plan_id"), Action: ("number", "area_id")}
"""The number each kind of record is known by, and where it must be unique: area 6.0 once in a plan, R6a once in a
plan, action 6.1 once in its area."""


def _refuse_a_used_number(entity, values: dict) -> None:
    if type(entity) not in UNIQUE_NUMBERS:
        return
    column, scope = UNIQUE_NUMBERS[type(entity)]
    model, value = type(entity), values[column]
    query = select(model.id).where(getattr(model, column) == value, model.id != (entity.id or 0),
                                   getattr(model, scope) == getattr(entity, scope))
    if db.session.scalar(query) is not None:
        raise DomainError(f"{value} is already used: choose another", field=column)


def _own_action_id(entity) -> int | None:
    if isinstance(entity, Action):
        return entity.id
    if isinstance(entity, Milestone):
        return entity.action_id
    return None


def next_position(items: list) -> int:
    return max((item.position for item in items), default=-1) + 1


@transaction("The RAG key")
def update_rag_key(plan: Plan, form: dict, *, actor: Person, now: datetime) -> dict[str, str]:
    """Change the labels, definitions and synonyms of a plan's RAG key. Returns errors by field name."""
    errors, values = {}, {}
    for entry in plan.rag_key:
        label = (form.get(f"label-{entry.rating}") or "").strip()
        if not label:
            errors[f"label-{entry.rating}"] = "Enter a label for this rating"
        values[entry] = {"label": label, "definition": (form.get(f"definition-{entry.rating}") or "").strip(),
                         "synonyms": (form.get(f"synonyms-{entry.rating}") or "").strip()}
    synonyms = [word.strip().lower() for v in values.values() for word in [v["label"], *v["synonyms"].split(",")]
                if word.strip()]
    duplicates = {word for word in synonyms if synonyms.count(word) > 1}
    if duplicates:
        errors["synonyms"] = f"Each word may mean only one rating: {', '.join(sorted(duplicates))}"
    if errors:
        return errors
    for entry, entry_values in values.items():
        version = form.get(f"version-{entry.rating}", "")
        history.expect_version(entry, whole_number(version), "The RAG key")
        history.change(entry, entry_values, actor=actor, now=now, action_id=None)
    return {}
