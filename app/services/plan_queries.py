"""Read models for the plan pages: every page loads its milestones in one query, rated in Python."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.extensions import db
from app.models import (
    Action,
    Area,
    ChangeRecord,
    DueDateRevision,
    Evidence,
    Milestone,
    MilestoneStatus,
    Person,
    PersonKind,
    Plan,
    ProgressUpdate,
    Rating,
    RevisionDecision,
)
from app.models.plans import milestone_leads
from app.services import rag


@dataclass(frozen=True)
class Window:
    today: date
    due_soon_days: int = 14
    stale_after_days: int = 30

    @property
    def soon_end(self) -> date:
        return self.today + timedelta(days=self.due_soon_days)

    @property
    def stale_before(self) -> date:
        return self.today - timedelta(days=self.stale_after_days)


@dataclass
class MilestoneRow:
    id: int
    action_id: int
    action_number: str
    area_id: int
    deliverable: str
    responsible_name: str | None
    status: str
    due_kind: str
    due_on: date | None
    due_raw: str
    due_problem: str | None
    latest_update_on: date | None
    revision_count: int
    suggested: rag.RagResult
    rating: Rating
    rating_was_set: bool
    unassigned: bool
    overdue: bool = False
    due_soon: bool = False
    stale: bool = False

    @property
    def slipped(self) -> bool:
        return self.revision_count > 0


def _latest_updates():
    return (
        select(ProgressUpdate.milestone_id, func.max(ProgressUpdate.written_on).label("latest_on"))
        .group_by(ProgressUpdate.milestone_id)
        .subquery()
    )


def _revision_summary():
    pending = DueDateRevision.decision == RevisionDecision.PROPOSED
    return (
        select(
            DueDateRevision.milestone_id,
            func.count().label("revision_count"),
            func.sum(case((pending, 1), else_=0)).label("pending_count"),
            func.min(case((pending, DueDateRevision.old_on))).label("pending_from"),
        )
        .group_by(DueDateRevision.milestone_id)
        .subquery()
    )


def _placeholder_lead():
    lead = aliased(Person)
    return exists().where(
        milestone_leads.c.milestone_id == Milestone.id,
        milestone_leads.c.person_id == lead.id,
        lead.kind == PersonKind.PLACEHOLDER,
    )


def milestone_rows(window: Window, *conditions) -> list[MilestoneRow]:
    """All milestones matching the SQL conditions, with their facts and ratings, in one query."""
    latest, revisions = _latest_updates(), _revision_summary()
    responsible = aliased(Person)
    query = (
        select(
            Milestone.id,
            Milestone.action_id,
            Action.number,
            Action.area_id,
            Milestone.deliverable,
            responsible.name,
            responsible.kind,
            Milestone.status,
            Milestone.due_kind,
            Milestone.due_on,
            Milestone.due_raw,
            Milestone.due_problem,
            Milestone.completed_on,
            Milestone.rag_set,
            latest.c.latest_on,
            func.coalesce(revisions.c.revision_count, 0),
            func.coalesce(revisions.c.pending_count, 0),
            revisions.c.pending_from,
            _placeholder_lead().label("placeholder_lead"),
        )
        .join(Action, Milestone.action_id == Action.id)
        .outerjoin(responsible, Milestone.responsible_id == responsible.id)
        .outerjoin(latest, latest.c.milestone_id == Milestone.id)
        .outerjoin(revisions, revisions.c.milestone_id == Milestone.id)
        .where(*conditions)
        .order_by(Action.area_id, Action.position, Milestone.position, Milestone.id)
    )
    return [_row(values, window) for values in db.session.execute(query)]


def _row(values, window: Window) -> MilestoneRow:
    (mid, action_id, number, area_id, deliverable, owner_name, owner_kind, status, due_kind, due_on,
     due_raw, due_problem, completed_on, rag_set, latest_on, revision_count, pending_count, pending_from,
     placeholder_lead) = values
    facts = rag.MilestoneFacts(
        status=status,
        due_kind=due_kind,
        due_on=due_on,
        due_problem=due_problem,
        completed_on=completed_on,
        pending_revision_from=pending_from,
        has_pending_revision=bool(pending_count),
    )
    suggested = rag.suggest(facts, window.today)
    open_work = status != MilestoneStatus.COMPLETE
    return MilestoneRow(
        id=mid,
        action_id=action_id,
        action_number=number,
        area_id=area_id,
        deliverable=deliverable,
        responsible_name=owner_name,
        status=status,
        due_kind=due_kind,
        due_on=due_on,
        due_raw=due_raw,
        due_problem=due_problem,
        latest_update_on=latest_on,
        revision_count=revision_count,
        suggested=suggested,
        rating=rag.effective(suggested.rating, rag_set),
        rating_was_set=rag_set is not None,
        unassigned=owner_kind != PersonKind.INDIVIDUAL or bool(placeholder_lead),
        overdue=open_work and due_on is not None and due_on < window.today,
        due_soon=open_work and due_on is not None and window.today <= due_on <= window.soon_end,
        stale=open_work and (latest_on is None or latest_on < window.stale_before),
    )


# --- Filters ------------------------------------------------------------------------------------

DUE_WINDOWS = {
    "overdue": "Overdue",
    "next_14_days": "Due in the next 14 days",
    "next_30_days": "Due in the next 30 days",
    "next_90_days": "Due in the next 90 days",
    "no_date": "No usable date",
}


@dataclass(frozen=True)
class PlanFilters:
    owner_id: int | None = None
    lead_id: int | None = None
    rating: Rating | None = None
    status: MilestoneStatus | None = None
    due_window: str | None = None
    search: str = ""

    @property
    def active(self) -> bool:
        return any([self.owner_id, self.lead_id, self.rating, self.status, self.due_window, self.search])

    def sql_conditions(self, plan_id: int, today: date) -> list:
        conditions = [Action.area_id.in_(select(Area.id).where(Area.plan_id == plan_id))]
        if self.owner_id:
            conditions.append(Milestone.responsible_id == self.owner_id)
        if self.lead_id:
            conditions.append(_led_by(self.lead_id))
        if self.status:
            conditions.append(Milestone.status == self.status)
        if self.search:
            pattern = f"%{self.search.strip()}%"
            conditions.append(or_(Milestone.deliverable.ilike(pattern), Action.what.ilike(pattern),
                                  Action.number.ilike(pattern), Milestone.due_raw.ilike(pattern)))
        if self.due_window:
            conditions.append(_due_window_condition(self.due_window, today))
        return conditions

    def keep(self, row: MilestoneRow) -> bool:
        return self.rating is None or row.rating == self.rating


def _led_by(person_id: int):
    return exists().where(milestone_leads.c.milestone_id == Milestone.id, milestone_leads.c.person_id == person_id)


def _due_window_condition(name: str, today: date):
    open_work = Milestone.status != MilestoneStatus.COMPLETE
    if name == "overdue":
        return and_(open_work, Milestone.due_on < today)
    if name == "no_date":
        return Milestone.due_on.is_(None)
    days = {"next_14_days": 14, "next_30_days": 30, "next_90_days": 90}[name]
    return and_(open_work, Milestone.due_on.between(today, today + timedelta(days=days)))


# --- Pages --------------------------------------------------------------------------------------


@dataclass
class AreaSummary:
    area: Area
    ratings: Counter = field(default_factory=Counter)
    overdue: int = 0
    slipped: int = 0
    unassigned: int = 0
    stale: int = 0
    milestones: int = 0

    @property
    def rating(self) -> Rating:
        return rag.roll_up(self.ratings.elements())

    def add(self, row: MilestoneRow) -> None:
        self.milestones += 1
        self.ratings[row.rating] += 1
        self.overdue += row.overdue
        self.slipped += row.slipped
        self.unassigned += row.unassigned
        self.stale += row.stale


@dataclass
class PlanOverview:
    plan: Plan
    areas: list[AreaSummary]
    rows: list[MilestoneRow]

    @property
    def totals(self) -> AreaSummary:
        total = AreaSummary(area=None)
        for row in self.rows:
            total.add(row)
        return total


def plan_overview(plan: Plan, filters: PlanFilters, window: Window) -> PlanOverview:
    rows = [row for row in milestone_rows(window, *filters.sql_conditions(plan.id, window.today)) if filters.keep(row)]
    summaries = {area.id: AreaSummary(area) for area in plan.areas}
    for row in rows:
        summaries[row.area_id].add(row)
    return PlanOverview(plan, list(summaries.values()), rows)


@dataclass
class MyWork:
    overdue: list[MilestoneRow]
    due_soon: list[MilestoneRow]
    stale: list[MilestoneRow]
    all_open: list[MilestoneRow]
    pending_revisions: list[DueDateRevision]


def my_work(person: Person, window: Window, include_revision_queue: bool) -> MyWork:
    rows = milestone_rows(window, or_(Milestone.responsible_id == person.id, _led_by(person.id)))
    open_rows = [row for row in rows if row.status != MilestoneStatus.COMPLETE]
    return MyWork(
        overdue=[row for row in open_rows if row.overdue],
        due_soon=[row for row in open_rows if row.due_soon],
        stale=[row for row in open_rows if row.stale],
        all_open=open_rows,
        pending_revisions=pending_revisions() if include_revision_queue else [],
    )


def pending_revisions() -> list[DueDateRevision]:
    query = (
        select(DueDateRevision)
        .where(DueDateRevision.decision == RevisionDecision.PROPOSED)
        .options(selectinload(DueDateRevision.milestone).selectinload(Milestone.action),
                 selectinload(DueDateRevision.proposed_by))
        .order_by(DueDateRevision.proposed_at)
    )
    return list(db.session.scalars(query))


@dataclass
class ActionPage:
    action: Action
    rows: dict[int, MilestoneRow]
    rating: Rating
    history: list[ChangeRecord]

    @property
    def updates(self):
        return sorted(
            (update for milestone in self.action.milestones for update in milestone.updates),
            key=lambda update: (update.written_on, update.id),
            reverse=True,
        )

    @property
    def revisions(self):
        return sorted((rev for milestone in self.action.milestones for rev in milestone.revisions),
                      key=lambda rev: rev.proposed_at, reverse=True)


def action_page(action_id: int, window: Window) -> ActionPage | None:
    action = db.session.scalar(
        select(Action)
        .where(Action.id == action_id)
        .options(
            selectinload(Action.area).selectinload(Area.plan),
            selectinload(Action.recommendations),
            selectinload(Action.improvement_areas),
            selectinload(Action.milestones).selectinload(Milestone.responsible),
            selectinload(Action.milestones).selectinload(Milestone.leads),
            selectinload(Action.milestones).selectinload(Milestone.phases),
            selectinload(Action.milestones).selectinload(Milestone.rag_set_by),
            selectinload(Action.milestones).selectinload(Milestone.updates).selectinload(ProgressUpdate.author),
            selectinload(Action.milestones).selectinload(Milestone.revisions).selectinload(DueDateRevision.proposed_by),
            selectinload(Action.milestones).selectinload(Milestone.revisions).selectinload(DueDateRevision.decided_by),
            selectinload(Action.milestones).selectinload(Milestone.evidence).selectinload(Evidence.uploaded_by),
        )
    )
    if action is None:
        return None
    rows = {row.id: row for row in milestone_rows(window, Milestone.action_id == action_id)}
    history = list(
        db.session.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.action_id == action_id)
            .options(selectinload(ChangeRecord.changed_by))
            .order_by(ChangeRecord.changed_at.desc(), ChangeRecord.id.desc())
            .limit(200)
        )
    )
    return ActionPage(action, rows, rag.roll_up(row.rating for row in rows.values()), history)


def area_rows(area_id: int, window: Window) -> dict[int, list[MilestoneRow]]:
    """An area's milestones grouped by action id."""
    grouped: dict[int, list[MilestoneRow]] = defaultdict(list)
    for row in milestone_rows(window, Action.area_id == area_id):
        grouped[row.action_id].append(row)
    return grouped
