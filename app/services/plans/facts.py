"""Each milestone's facts kept up to date as the plan changes, and each action's counts of them (decision 0017).

A milestone's facts are the rating people see (the one a person set, otherwise the suggestion of rag.suggest),
overdue, stale, slipped (a revised date on record), awaiting a decision on a revised date, and unassigned. They are
worked out here only, in Python, from the same rules the pages use to explain a rating, and stored in
`milestone_facts`; `action_tallies` holds how many of each action's milestones have each. The plan overview adds up
the tallies of its actions, and the filters and sorts read the stored facts, so no page works out every milestone's
facts on every visit.

When they are worked out again:
- a change to a milestone, its revised dates or updates, its leads, or a person's kind is noted when it is flushed,
  and the milestones it touches are worked out again before the transaction commits (or before the next read of
  facts in the same transaction, whichever comes first), then their actions are counted again;
- the day changes (a fact such as overdue depends on the date): the first read on a new day, or the daily job, works
  out again the milestones whose facts the two dates can tell apart — due between them, or last updated around the
  stale limit — and nothing else;
- never worked out, or the stale-update window changed: all of them.

An action's counts are counted again from its milestones' facts while its row is locked, as the audit findings'
running totals are (services/audits/tallies.py): they cannot drift from the facts, and two changes to one action
count one after the other.

The plan's data version (FactsDate.version) changes in every transaction that writes a table the plan's pages may
show (any but the bookkeeping in UNSEEN), before its first such write, so that a page drawn under one version is
kept until the data under it changes (app/page_cache.py). Writers of the plan's data take the version's row lock
first and so go one after the other; a reader reads the version before the data, so what it draws is at least as
new as the version it is kept under.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain

from flask import current_app
from sqlalchemy import and_, case, delete, event, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, undefer

from app.database import insert_ignoring_duplicates
from app.extensions import db
from app.models import (
    Action,
    ActionTally,
    Area,
    DueDateRevision,
    FactsDate,
    Milestone,
    MilestoneFacts,
    MilestoneStatus,
    Person,
    PersonKind,
    ProgressUpdate,
    Rating,
    ReleasedRating,
    Report,
    ReportKind,
    ReportState,
    RevisionDecision,
)
from app.models.facts import new_version
from app.models.plans import milestone_leads
from app.services.plans import rag

TOUCHED = "milestone_facts.touched"  # session.info: the milestones changed since their facts were last worked out
PEOPLE = "milestone_facts.people"  # people whose kind changed (their milestones may now count as unassigned)
ACTIONS = "milestone_facts.actions"  # actions to count again (a milestone of theirs deleted, or the action moved)
RELEASES = "milestone_facts.releases"  # plans whose progress report was released (compare with it from now on)
WROTE = "milestone_facts.wrote"  # this transaction has written something
CHECKED = "milestone_facts.checked"  # the day, stale window and version this transaction found the facts at
VERSIONED = "milestone_facts.versioned"  # this transaction has changed the plan's data version
THE_ROW = 1  # FactsDate's one row
CHUNK = 5_000  # milestones worked out in one go
UNSEEN = frozenset({  # tables no page of the plan shows: writing them leaves the plan's data version as it is
    "user_sessions", "security_events", "sign_in_attempts", "form_submissions", "notifications", "scheduler_runs",
    "api_tokens", "password_tokens", "recovery_codes", "audit_access_log"})
# An UPDATE of what no page of the plan shows, in a table the plan's pages do show (a person's last sign-in, the last
# time step of their second factor): run with .execution_options(**UNSEEN_COLUMNS), it leaves the version as it is.
UNAFFECTED = "plan_pages_unaffected"
UNSEEN_COLUMNS = {UNAFFECTED: True}


@dataclass(frozen=True)
class Window:
    today: date
    due_soon_days: int = 14
    stale_after_days: int = 30

    @classmethod
    def configured(cls, today: date) -> "Window":
        """The window the service is configured with (DUE_SOON_DAYS, STALE_UPDATE_DAYS), as at today."""
        config = current_app.config
        return cls(today, due_soon_days=config["DUE_SOON_DAYS"], stale_after_days=config["STALE_UPDATE_DAYS"])

    @property
    def soon_end(self) -> date:
        return self.today + timedelta(days=self.due_soon_days)

    @property
    def stale_before(self) -> date:
        return self.today - timedelta(days=self.stale_after_days)


# --- The rules: one milestone's facts --------------------------------------------------------------


def facts_of(inputs, window: Window) -> dict:
    """A milestone's facts as at window.today, from the row `_inputs` reads."""
    open_work = inputs.status != MilestoneStatus.COMPLETE
    suggested = rag.suggest(rag.MilestoneFacts(
        status=inputs.status, due_kind=inputs.due_kind, due_on=inputs.due_on, due_problem=inputs.due_problem,
        completed_on=inputs.completed_on, pending_revision_from=inputs.pending_from,
        has_pending_revision=bool(inputs.awaiting)), window.today)
    rating = rag.effective(suggested.rating, inputs.rag_set)
    return {
        "milestone_id": inputs.id, "action_id": inputs.action_id, "rating": rating,
        "overdue": open_work and inputs.due_on is not None and inputs.due_on < window.today,
        "stale": open_work and (inputs.latest_update_on is None or inputs.latest_update_on < window.stale_before),
        "slipped": bool(inputs.slipped), "awaiting": bool(inputs.awaiting), "pending_from": inputs.pending_from,
        "unassigned": bool(inputs.unassigned), "first_due_on": inputs.first_due_on,
        "days_later": _days_later(inputs.first_due_on, inputs.due_on),
        "revised_passed": bool(inputs.moved) and open_work and inputs.due_on is not None
        and inputs.due_on < window.today,
        **_since_released(inputs, rating),
    }


BETTER = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2}  # Not rated: neither better nor worse


def _since_released(inputs, rating: Rating) -> dict:
    """Compared with the plan's last released progress report: completed since (a milestone added since counts if
    complete), and rated better or worse (only between Red, Amber and Green; a milestone added since is neither)."""
    then = BETTER.get(inputs.released_rating)  # a word as the report froze it ("RED"): equal to Rating.RED
    now = BETTER.get(rating)
    compared = then is not None and now is not None
    return {"completed_since": inputs.status == MilestoneStatus.COMPLETE and not inputs.released_complete,
            "better": compared and now > then, "worse": compared and now < then}


def _days_later(first_due_on: date | None, due_on: date | None) -> int:
    """Days later than first planned (decision 0010, part B): 0 when it moved earlier, or either date is not known."""
    if first_due_on is None or due_on is None:
        return 0
    return max((due_on - first_due_on).days, 0)


def _inputs():
    """What a milestone's facts are worked out from: its own columns, its revised dates, and who it is assigned to."""
    of_milestone = DueDateRevision.milestone_id == Milestone.id
    pending = DueDateRevision.decision == RevisionDecision.PROPOSED
    individuals = select(Person.id).where(Person.kind == PersonKind.INDIVIDUAL)
    led_by_placeholder = (select(milestone_leads.c.milestone_id).join(Person, Person.id == milestone_leads.c.person_id)
                          .where(Person.kind == PersonKind.PLACEHOLDER))
    return select(
        Milestone.id, Milestone.action_id, ReleasedRating.rating.label("released_rating"),
        ReleasedRating.complete.label("released_complete"), Milestone.status, Milestone.due_kind, Milestone.due_on,
        Milestone.due_problem, Milestone.completed_on, Milestone.rag_set, Milestone.latest_update_on,
        exists().where(of_milestone, pending).label("awaiting"),
        select(func.min(DueDateRevision.old_on)).where(of_milestone, pending).scalar_subquery().label("pending_from"),
        exists().where(of_milestone).label("slipped"),
        select(DueDateRevision.old_on).where(of_milestone).order_by(DueDateRevision.id).limit(1)
        .scalar_subquery().label("first_due_on"),
        exists().where(of_milestone, DueDateRevision.decision != RevisionDecision.REJECTED).label("moved"),
        or_(Milestone.responsible_id.is_(None), Milestone.responsible_id.not_in(individuals),
            Milestone.id.in_(led_by_placeholder)).label("unassigned"),
    ).outerjoin(ReleasedRating, ReleasedRating.milestone_id == Milestone.id)


# --- Reading: facts true for a day ------------------------------------------------------------------


def current(window: Window) -> int | None:
    """Make the stored facts true for window.today, with this transaction's changes in them, and return the plan's
    data version they are at (None when this transaction has changed it: what it draws is not yet for others). The
    day is checked once a transaction (a page that reads facts three times asks once)."""
    session = db.session
    session.flush()
    wanted = (window.today, window.stale_after_days)
    checked = session.info.get(CHECKED)
    if checked is None or checked[:2] != wanted:
        checked = _stored(session)
        if checked is None or checked[:2] != wanted:
            _in_own_transaction(lambda own: _bring_up_to(own, window))
            checked = _stored(session)
        session.info[CHECKED] = checked
    _work_out_touched(session)
    return None if session.info.get(VERSIONED) else checked[2]


def _stored(session: Session) -> tuple[date | None, int, int] | None:
    """The day the stored facts are true on, their stale window and the plan's data version (None: no row yet)."""
    stored = session.execute(select(FactsDate.as_of, FactsDate.stale_after_days, FactsDate.version)
                             .where(FactsDate.id == THE_ROW)).first()
    return tuple(stored) if stored else None


def _in_own_transaction(work) -> None:
    """Work out facts in a transaction of their own, committed at once, so that the next visitor finds them; in this
    one if it has written already (its changes are in the facts, and it commits them together)."""
    if db.session.info.get(WROTE):
        work(db.session)
        return
    with Session(db.engine) as own:
        work(own)
        own.commit()


def _bring_up_to(session: Session, window: Window) -> None:
    """The facts of another day, or with another stale window. The row is written first, which holds it (PostgreSQL)
    or the database (SQLite) until the commit: when two visitors arrive together, one works and the other then
    finds it done."""
    session.execute(insert_ignoring_duplicates(FactsDate.__table__).values(id=THE_ROW, stale_after_days=0))
    session.execute(update(FactsDate).where(FactsDate.id == THE_ROW).values(id=FactsDate.id))
    stored = _stored(session)
    if stored[:2] == (window.today, window.stale_after_days):
        return
    if stored[0] is None or stored[1] != window.stale_after_days:
        _work_out_all(session, window)
        return
    session.execute(update(FactsDate).where(FactsDate.id == THE_ROW).values(as_of=window.today))
    _work_out(session, _told_apart(stored[0], window), window)


def _work_out_all(session: Session, window: Window) -> None:
    session.execute(insert_ignoring_duplicates(FactsDate.__table__).values(id=THE_ROW, stale_after_days=0))
    session.execute(update(FactsDate).where(FactsDate.id == THE_ROW)
                    .values(as_of=window.today, stale_after_days=window.stale_after_days))
    session.execute(delete(MilestoneFacts))
    _copy_released(session, None)
    _store(session, session.execute(_inputs()), window)
    _count(session, None)


def _copy_released(session: Session, plan_ids: set[int] | None) -> None:
    """Copy each plan's (or these plans') latest released progress report's ratings into ReleasedRating."""
    of_plans = [] if plan_ids is None else [Report.plan_id.in_(plan_ids)]
    latest: dict[int, Report] = {}
    for report in session.scalars(select(Report).where(Report.kind == ReportKind.PLAN_PROGRESS,
                                                       Report.state == ReportState.RELEASED, *of_plans)
                                  .order_by(Report.released_at.desc(), Report.id.desc()).options(undefer(Report.data))):
        latest.setdefault(report.plan_id, report)
    session.execute(delete(ReleasedRating).where(*([] if plan_ids is None else [ReleasedRating.plan_id.in_(plan_ids)])))
    rows = [{"milestone_id": milestone["id"], "plan_id": plan_id, "rating": milestone["rating"],
             "complete": milestone["status"] == MilestoneStatus.COMPLETE}
            for plan_id, report in latest.items() for area in report.data.get("areas", [])
            for action in area["actions"] for milestone in action["milestones"]]
    if rows:
        session.execute(insert(ReleasedRating), rows)


def _told_apart(was: date, window: Window):
    """The milestones whose overdue, stale or suggested rating may differ between two days: due between them, or
    last updated between the stale limits of the two days (a day either side, to be sure)."""
    first, last = sorted((was, window.today))
    day, stale = timedelta(days=1), timedelta(days=window.stale_after_days)
    return or_(Milestone.due_on.between(first - day, last + day),
               Milestone.latest_update_on.between(first - stale - day, last - stale + day))


# --- Writing: facts of the milestones a transaction touched ----------------------------------------


def _work_out_touched(session: Session) -> None:
    touched, people, actions, releases = (session.info.pop(key, set()) for key in (TOUCHED, PEOPLE, ACTIONS, RELEASES))
    if not (touched or people or actions or releases):
        return
    stored = _stored(session)  # the version's row is locked already: another day's work waits for this, and this for it
    if stored is None or stored[0] is None:
        return  # never worked out: the first read works out every milestone
    window = Window(stored[0], stale_after_days=stored[1])
    assigned_to = select(milestone_leads.c.milestone_id).where(milestone_leads.c.person_id.in_(people))
    if releases:
        _copy_released(session, releases)
    in_released_plans = Milestone.action_id.in_(select(Action.id).join(Area).where(Area.plan_id.in_(releases)))
    if people or releases or actions:
        _work_out(session, or_(Milestone.responsible_id.in_(people), Milestone.id.in_(assigned_to),
                               in_released_plans), window, actions)
    ids = sorted(touched)
    for start in range(0, len(ids), CHUNK):  # a bound parameter per id: SQLite takes at most 32,766 in a statement
        _work_out(session, Milestone.id.in_(ids[start:start + CHUNK]), window)


def _work_out(session: Session, which, window: Window, actions: set[int] = frozenset()) -> None:
    """Work out again the facts of the milestones matching `which`, and count their actions again (those they were
    counted under, and those they are in now)."""
    chosen = select(Milestone.id).where(which)
    counted_under = set(session.scalars(select(MilestoneFacts.action_id)
                                        .where(MilestoneFacts.milestone_id.in_(chosen))))
    session.execute(delete(MilestoneFacts).where(MilestoneFacts.milestone_id.in_(chosen)))
    now_in = _store(session, session.execute(_inputs().where(which)), window, which)
    _count(session, counted_under | now_in | set(actions))


def _store(session: Session, inputs, window: Window, which=None) -> set[int]:
    """Store the facts of the milestones read (those matching `which`; None: all); return the actions they are in."""
    rows = [facts_of(row, window) for row in inputs]
    if not rows:
        return set()
    added = _added_since(session, which)
    for row in rows:
        row["updates_since"], row["revised_since"] = added.get(row["milestone_id"], (0, 0))
    session.execute(insert(MilestoneFacts), rows)
    return {row["action_id"] for row in rows}


def _added_since(session: Session, which) -> dict[int, list[int]]:
    """How many progress updates and revised dates each milestone (matching `which`) has had added since its plan's
    last released progress report. Two grouped queries a plan with a released report."""
    released = session.execute(select(Report.plan_id, func.max(Report.released_at))
                               .where(Report.kind == ReportKind.PLAN_PROGRESS, Report.state == ReportState.RELEASED)
                               .group_by(Report.plan_id))
    added: dict[int, list[int]] = {}
    for plan_id, released_at in released:
        for place, (model, moment) in enumerate(((ProgressUpdate, ProgressUpdate.created_at),
                                                 (DueDateRevision, DueDateRevision.proposed_at))):
            query = (select(model.milestone_id, func.count()).join(Milestone, Milestone.id == model.milestone_id)
                     .join(Action, Action.id == Milestone.action_id).join(Area, Area.id == Action.area_id)
                     .where(Area.plan_id == plan_id, moment > released_at, *([] if which is None else [which]))
                     .group_by(model.milestone_id))
            for milestone_id, count in session.execute(query):
                added.setdefault(milestone_id, [0, 0])[place] = count
    return added


def _count(session: Session, action_ids: set[int] | None) -> None:
    """Count the actions' milestones' facts again (None: every action)."""
    if action_ids is not None and not action_ids:
        return
    chosen = [] if action_ids is None else [Action.id.in_(sorted(action_ids))]
    session.execute(select(Action.id).where(*chosen).order_by(Action.id).with_for_update())
    session.execute(delete(ActionTally).where(*([] if action_ids is None else
                                                [ActionTally.action_id.in_(sorted(action_ids))])))
    session.execute(insert(ActionTally).from_select(["action_id", "area_id", *TALLIED], _tallies(chosen)))


RATING_COUNTS = {"red": Rating.RED, "amber": Rating.AMBER, "green": Rating.GREEN, "not_rated": Rating.NOT_RATED}
FLAG_COUNTS = ("overdue", "slipped", "unassigned", "stale")
SLIP_COUNTS = ("later", "days", "passed", "unknown")
SINCE_COUNTS = ("completed_since", "better", "worse")
ADDED_COUNTS = ("updates_since", "revised_since")  # how many were added since, per milestone: summed
TALLIED = ("milestones", *RATING_COUNTS, *FLAG_COUNTS, *SLIP_COUNTS, *SINCE_COUNTS, *ADDED_COUNTS)  # ActionTally's


def counted():
    """The counts of TALLIED, in its order, over the milestone_facts rows of a query."""
    def how_many(condition):
        return func.sum(case((condition, 1), else_=0))

    return [func.count(), *(how_many(MilestoneFacts.rating == rating) for rating in RATING_COUNTS.values()),
            *(how_many(getattr(MilestoneFacts, flag)) for flag in FLAG_COUNTS),
            how_many(MilestoneFacts.days_later > 0), func.sum(MilestoneFacts.days_later),
            how_many(MilestoneFacts.revised_passed),
            how_many(and_(MilestoneFacts.slipped, MilestoneFacts.first_due_on.is_(None))),
            *(how_many(getattr(MilestoneFacts, name)) for name in SINCE_COUNTS),
            *(func.sum(getattr(MilestoneFacts, name)) for name in ADDED_COUNTS)]


def _tallies(chosen: list):
    return (select(Action.id, Action.area_id, *counted())
            .join(MilestoneFacts, MilestoneFacts.action_id == Action.id).where(*chosen).group_by(Action.id))


def work_out_all(window: Window) -> None:
    """Work out every milestone's facts again (after data is loaded around the service: a restore, the bench)."""
    _work_out_all(db.session, window)


# --- Noting what a flush changed -------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _version_before_flush(session: Session, flush_context, instances) -> None:
    if any(_seen(thing.__table__) for thing in chain(session.new, session.dirty, session.deleted)):
        _new_version(session)


def _seen(table) -> bool:
    return table is None or table.name not in UNSEEN


def _new_version(session: Session) -> None:
    """Change the plan's data version, once a transaction, before its first write of what the plan's pages show:
    the row's lock is then the first this transaction takes on the plan's data, so writers queue there and never
    hold a row another one waits for."""
    if session.info.get(VERSIONED):
        return
    session.info[VERSIONED] = True
    session.connection().execute(update(FactsDate.__table__).where(FactsDate.__table__.c.id == THE_ROW)
                                 .values(version=new_version()))


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, flush_context) -> None:
    changed = list(chain(session.new, session.dirty, session.deleted))
    if changed:
        session.info[WROTE] = True
    for thing in changed:
        _note(session, thing)


def _note(session: Session, thing) -> None:
    if isinstance(thing, Milestone):
        session.info.setdefault(TOUCHED, set()).add(thing.id)
        if thing in session.deleted:
            session.info.setdefault(ACTIONS, set()).add(thing.action_id)
    elif isinstance(thing, DueDateRevision | ProgressUpdate):
        session.info.setdefault(TOUCHED, set()).add(thing.milestone_id)
    elif isinstance(thing, Person) and _changed(thing, "kind"):
        session.info.setdefault(PEOPLE, set()).add(thing.id)
    elif isinstance(thing, Action) and _changed(thing, "area_id"):
        session.info.setdefault(ACTIONS, set()).add(thing.id)
    elif _released_now(thing):
        session.info.setdefault(RELEASES, set()).add(thing.plan_id)


def _released_now(thing) -> bool:
    """A plan progress report this flush released (not one released earlier and saved again)."""
    return (isinstance(thing, Report) and thing.kind == ReportKind.PLAN_PROGRESS
            and thing.state == ReportState.RELEASED and _changed(thing, "state"))


def _changed(thing, attribute: str) -> bool:
    return db.inspect(thing).attrs[attribute].history.has_changes()


@event.listens_for(Session, "do_orm_execute")
def _note_statements(execute_state) -> None:
    if not execute_state.is_select:
        execute_state.session.info[WROTE] = True
        if (_seen(getattr(execute_state.statement, "table", None))
                and not execute_state.execution_options.get(UNAFFECTED)):
            _new_version(execute_state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()
    _work_out_touched(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        for key in (TOUCHED, PEOPLE, ACTIONS, RELEASES, WROTE, CHECKED, VERSIONED):
            session.info.pop(key, None)
