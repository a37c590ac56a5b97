"""Read models for the plan pages: counts and filters in the database, a fixed number of queries per page."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, union
from sqlalchemy.orm import aliased, selectinload

from app.extensions import db
from app.models import (
    Action,
    ActionTally,
    Area,
    Audit,
    ChangeRecord,
    DueDateRevision,
    Evidence,
    ImprovementArea,
    LearningPoint,
    Milestone,
    MilestoneFacts,
    MilestoneStatus,
    Person,
    Plan,
    ProgressUpdate,
    RagKeyEntry,
    Rating,
    Recommendation,
    RevisionDecision,
)
from app.models.plans import milestone_leads
from app.services.history import changes_to
from app.services.listing import ListPage, ListQuery, paged
from app.services.plans import facts as milestone_facts
from app.services.plans import rag
from app.services.plans.facts import RATING_COUNTS, TALLIED, Window, counted
from app.services.wording import in_code_order


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
    slipped: bool
    suggested: rag.RagResult
    rating: Rating
    rating_was_set: bool
    unassigned: bool
    overdue: bool = False
    due_soon: bool = False
    stale: bool = False


OWNER = aliased(Person, name="owner")


class Facts:
    """Each milestone's facts as columns (of milestone_facts, kept up to date by facts.py), joined by milestones_with_facts(),
    so that pages count, filter and sort thousands of milestones in the database and fetch only the rows they show.
    Made by stored_facts(), which first makes the stored facts true for the window's day."""

    def __init__(self, window: Window):
        self.latest_on = Milestone.latest_update_on
        self.pending_from = MilestoneFacts.pending_from
        self.has_pending = MilestoneFacts.awaiting
        self.slipped = MilestoneFacts.slipped
        self.unassigned = MilestoneFacts.unassigned
        self.rating = MilestoneFacts.rating
        self.overdue = MilestoneFacts.overdue
        self.stale = MilestoneFacts.stale
        self.due_soon = and_(Milestone.status != MilestoneStatus.COMPLETE,
                             Milestone.due_on.between(window.today, window.soon_end))


def stored_facts(window: Window) -> Facts:
    milestone_facts.current(window)
    return Facts(window)


def milestones_with_facts():
    """Milestones joined to their action and their facts, ready for Facts and filters."""
    return (select().select_from(Milestone).join(Action, Milestone.action_id == Action.id)
            .join(MilestoneFacts, MilestoneFacts.milestone_id == Milestone.id))


def milestone_rows(window: Window, *conditions, limit: int | None = None) -> list[MilestoneRow]:
    """The milestones matching the SQL conditions, with their facts and ratings, in one query."""
    facts = stored_facts(window)
    order = (Action.area_id, Action.position, Milestone.position, Milestone.id)
    if limit is not None:  # pick the rows first, so their facts are worked out only for the rows shown
        chosen = milestones_with_facts().add_columns(Milestone.id).where(*conditions).order_by(*order).limit(limit)
        conditions = (Milestone.id.in_(chosen.scalar_subquery()),)
    query = (
        milestones_with_facts()
        .outerjoin(OWNER, Milestone.responsible_id == OWNER.id)
        .add_columns(
            Milestone.id, Milestone.action_id, Action.number, Action.area_id, Milestone.deliverable, OWNER.name,
            Milestone.status, Milestone.due_kind, Milestone.due_on, Milestone.due_raw, Milestone.due_problem,
            Milestone.completed_on, Milestone.rag_set, facts.latest_on, facts.slipped, facts.has_pending,
            facts.pending_from, facts.unassigned, facts.overdue, facts.due_soon, facts.stale,
        )
        .where(*conditions)
        .order_by(*order)
    )
    return [_row(values, window) for values in db.session.execute(query)]


def _row(values, window: Window) -> MilestoneRow:
    (mid, action_id, number, area_id, deliverable, owner_name, status, due_kind, due_on, due_raw, due_problem,
     completed_on, rag_set, latest_on, slipped, has_pending, pending_from, unassigned, overdue, due_soon, stale) = values
    facts = rag.MilestoneFacts(status=status, due_kind=due_kind, due_on=due_on, due_problem=due_problem,
                               completed_on=completed_on, pending_revision_from=pending_from,
                               has_pending_revision=bool(has_pending))
    suggested = rag.suggest(facts, window.today)
    return MilestoneRow(
        id=mid, action_id=action_id, action_number=number, area_id=area_id, deliverable=deliverable,
        responsible_name=owner_name, status=status, due_kind=due_kind, due_on=due_on, due_raw=due_raw,
        due_problem=due_problem, latest_update_on=latest_on, slipped=bool(slipped), suggested=suggested,
        rating=rag.effective(suggested.rating, rag_set), rating_was_set=rag_set is not None,
        unassigned=bool(unassigned), overdue=bool(overdue), due_soon=bool(due_soon), stale=bool(stale),
    )


# --- Filters ------------------------------------------------------------------------------------


def due_windows(window: Window) -> dict[str, str]:
    return {
        "overdue": "Overdue",
        "due_soon": f"Due in the next {window.due_soon_days} days",
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
    area_id: int | None = None

    @property
    def active(self) -> bool:
        return any([self.owner_id, self.lead_id, self.rating, self.status, self.due_window, self.search,
                    self.area_id])

    def sql_conditions(self, plan_id: int, window: Window, facts: Facts) -> list:
        conditions = [Action.area_id.in_(select(Area.id).where(Area.plan_id == plan_id))]
        if self.area_id:
            conditions.append(Action.area_id == self.area_id)
        if self.owner_id:
            conditions.append(Milestone.responsible_id == self.owner_id)
        if self.lead_id:
            conditions.append(_led_by(self.lead_id))
        if self.status:
            conditions.append(Milestone.status == self.status)
        if self.rating:
            conditions.append(facts.rating == self.rating.value)
        if self.search:
            pattern = f"%{self.search.strip()}%"
            conditions.append(or_(Milestone.deliverable.ilike(pattern), Action.what.ilike(pattern),
                                  Action.number.ilike(pattern), Milestone.due_raw.ilike(pattern)))
        if self.due_window:
            conditions.append(_due_window_condition(self.due_window, window, facts))
        return conditions


def _led_by(person_id: int):
    return exists().where(milestone_leads.c.milestone_id == Milestone.id, milestone_leads.c.person_id == person_id)


def _due_window_condition(name: str, window: Window, facts: Facts):
    if name == "overdue":
        return facts.overdue
    if name == "due_soon":
        return facts.due_soon
    if name == "no_date":
        return Milestone.due_on.is_(None)
    days = {"next_30_days": 30, "next_90_days": 90}[name]
    return and_(Milestone.status != MilestoneStatus.COMPLETE,
                Milestone.due_on.between(window.today, window.today + timedelta(days=days)))


# --- The milestone list ---------------------------------------------------------------------------

PLAN_ORDER = (Action.area_id, Action.position, Milestone.position, Milestone.id)
RAG_ORDER = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2, Rating.NOT_RATED: 3}  # ascending: Red first


def milestone_sorts(window: Window) -> dict[str, tuple]:
    """The milestone list's sorts, each ending in plan order (so pages never overlap). Ascending puts the earliest
    date, Red, the oldest update first; milestones without a date or an update come last and first."""
    facts = Facts(window)
    return {
        "plan": PLAN_ORDER,
        "due": (Milestone.due_on.is_(None), Milestone.due_on, *PLAN_ORDER),
        "responsible": (OWNER.name.is_(None), OWNER.name, *PLAN_ORDER),
        "rag": (case(*((facts.rating == rating.value, rank) for rating, rank in RAG_ORDER.items()), else_=4),
                *PLAN_ORDER),
        "updated": (Milestone.latest_update_on.is_not(None), Milestone.latest_update_on, *PLAN_ORDER),
    }


def milestone_list(plan: Plan, filters: PlanFilters, window: Window, query: ListQuery) -> ListPage:
    """One page of the plan's milestones matching the filters, sorted (the sorts of `milestone_sorts`): a count
    and the page's ids (listing.paged), then the rows' facts for those ids only. Three queries, whatever the size."""
    conditions = filters.sql_conditions(plan.id, window, stored_facts(window))
    chosen = (milestones_with_facts().outerjoin(OWNER, Milestone.responsible_id == OWNER.id).add_columns(Milestone.id)
              .where(*conditions))
    listing = paged(chosen, query, sorts=milestone_sorts(window))
    rows = {row.id: row for row in milestone_rows(window, Milestone.id.in_(listing.items))}
    listing.items = [rows[milestone_id] for milestone_id in listing.items]
    return listing


# --- Pages --------------------------------------------------------------------------------------


@dataclass
class AreaSummary:
    """How many of an area's milestones (or the plan's, or an action's) have each rating and each fact."""
    area: Area | None
    ratings: Counter = field(default_factory=Counter)
    overdue: int = 0
    slipped: int = 0  # re-dated: a revised date on record
    unassigned: int = 0
    stale: int = 0
    milestones: int = 0
    later: int = 0  # re-dated to later than first planned
    days: int = 0  # days later than first planned, in all
    passed: int = 0  # revised dates gone by without the milestone being completed
    unknown: int = 0  # re-dated with no first date on record
    completed_since: int = 0  # since the plan's last released progress report
    better: int = 0
    worse: int = 0
    updates_since: int = 0  # progress updates added since that report
    revised_since: int = 0  # revised dates proposed since

    @property
    def rating(self) -> Rating:
        return rag.roll_up(self.ratings.elements())

    def add(self, other: "AreaSummary") -> None:
        self.ratings.update(other.ratings)
        for name in TALLIED:
            if name not in RATING_COUNTS:
                setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PlanOverview:
    plan: Plan
    areas: list[AreaSummary]

    @property
    def totals(self) -> AreaSummary:
        total = AreaSummary(area=None)
        for summary in self.areas:
            total.add(summary)
        return total


def plan_overview(plan: Plan, filters: PlanFilters, window: Window) -> PlanOverview:
    """Counts per area of the milestones matching the filters: added up from the actions' tallies when no filter
    but an area is chosen, otherwise counted from the matching milestones' stored facts."""
    facts = stored_facts(window)
    if filters.active and filters != PlanFilters(area_id=filters.area_id):
        counts = _counted(filters.sql_conditions(plan.id, window, facts))
    else:
        counts = _added_up(ActionTally.area_id, _areas_of(plan.id, filters.area_id))
    summaries = [counts.get(area.id) or AreaSummary(area) for area in plan.areas]
    for summary, area in zip(summaries, plan.areas, strict=True):
        summary.area = area
    return PlanOverview(plan, summaries)


def _areas_of(plan_id: int, area_id: int | None):
    in_plan = ActionTally.area_id.in_(select(Area.id).where(Area.plan_id == plan_id))
    return and_(in_plan, ActionTally.area_id == area_id) if area_id else in_plan


def counts_by_action(window: Window, action_ids) -> dict[int, AreaSummary]:
    """The counts of each action's milestones (those of `action_ids`, a list or a select), from their tallies."""
    milestone_facts.current(window)
    return _added_up(ActionTally.action_id, ActionTally.action_id.in_(action_ids))


def _added_up(key, chosen) -> dict[int, AreaSummary]:
    """The tallies of the chosen actions added up by `key` (the area, or the action itself). One query."""
    query = (select(key, *(func.sum(getattr(ActionTally, column)) for column in TALLIED))
             .where(chosen).group_by(key))
    return {row[0]: _summary(dict(zip(TALLIED, row[1:], strict=True))) for row in db.session.execute(query)}


def _summary(counts: dict[str, int]) -> "AreaSummary":
    ratings = Counter({rating: counts[name] for name, rating in RATING_COUNTS.items() if counts[name]})
    return AreaSummary(None, ratings=ratings, **{name: counts[name] or 0 for name in TALLIED if name not in RATING_COUNTS})


def _counted(conditions: list) -> dict[int, AreaSummary]:
    """The counts by area of the milestones matching the conditions, from their stored facts. One query."""
    query = milestones_with_facts().add_columns(Action.area_id, *counted()).where(*conditions).group_by(Action.area_id)
    return {row[0]: _summary(dict(zip(TALLIED, row[1:], strict=True))) for row in db.session.execute(query)}


def my_milestones(person: Person, window: Window) -> list[MilestoneRow]:
    """A person's open milestones: those they are responsible for or lead, in plan order. One query."""
    owned_or_led = union(select(Milestone.id).where(Milestone.responsible_id == person.id),
                         select(milestone_leads.c.milestone_id).where(milestone_leads.c.person_id == person.id))
    return milestone_rows(window, Milestone.id.in_(owned_or_led), Milestone.status != MilestoneStatus.COMPLETE)


def pending_revisions(limit: int | None = 50) -> tuple[list[DueDateRevision], int]:
    """The oldest revised dates awaiting a decision (at most `limit`; None for all), and how many are waiting."""
    waiting = DueDateRevision.decision == RevisionDecision.PROPOSED
    total = db.session.scalar(select(func.count()).select_from(DueDateRevision).where(waiting))
    return _revisions(waiting, limit=limit), total


def revisions_by_id(ids: list[int]) -> list[DueDateRevision]:
    """The revised dates chosen on a page, whatever their state, oldest first (as the page lists them)."""
    return _revisions(DueDateRevision.id.in_(ids))


def _revisions(*criteria, limit: int | None = None) -> list[DueDateRevision]:
    query = (
        select(DueDateRevision)
        .where(*criteria)
        .options(selectinload(DueDateRevision.milestone).selectinload(Milestone.action),
                 selectinload(DueDateRevision.proposed_by))
        .order_by(DueDateRevision.proposed_at, DueDateRevision.id)
        .limit(limit)
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


def latest_plan_id() -> int | None:
    """The id of the plan the pages show (the latest one), alone: for a page that may not need the plan itself."""
    return db.session.scalar(select(Plan.id).order_by(Plan.id.desc()).limit(1))


def latest_plan() -> Plan | None:
    """The plan the pages show: the latest one, with its areas and RAG key."""
    return db.session.scalar(select(Plan).order_by(Plan.id.desc()).options(selectinload(Plan.areas),
                                                                          selectinload(Plan.rag_key)))


def changes_to_plan(plan: Plan) -> list[ChangeRecord]:
    """The latest changes to a plan's details and its RAG key."""
    return changes_to({"plan": [plan.id], "ragkeyentry": [entry.id for entry in plan.rag_key]})


@dataclass
class AreaPage:
    area: Area
    rows: dict[int, list[MilestoneRow]]
    changes: list[ChangeRecord]


def area_page(area_id: int, window: Window) -> AreaPage | None:
    """An area with its actions, recommendations and Areas for Improvement, its milestones by action, and the
    latest changes to it."""
    area = db.session.scalar(select(Area).where(Area.id == area_id).options(
        selectinload(Area.actions), selectinload(Area.recommendations),
        selectinload(Area.improvement_areas).selectinload(ImprovementArea.identifications)))
    if area is None:
        return None
    changes = changes_to({"area": [area.id], "recommendation": [r.id for r in area.recommendations],
                                  "improvementarea": [a.id for a in area.improvement_areas]})
    return AreaPage(area, area_rows(area_id, window), changes)


def learning_point_for(action_id: int) -> LearningPoint | None:
    """The audit learning point an action was raised from, if any, with its audit and round."""
    return db.session.scalar(select(LearningPoint).where(LearningPoint.action_id == action_id)
                             .options(selectinload(LearningPoint.audit).selectinload(Audit.round)))


def milestone_row(milestone_id: int, window: Window) -> MilestoneRow:
    [row] = milestone_rows(window, Milestone.id == milestone_id)
    return row


def action_choices(plan_id: int) -> tuple[list[Recommendation], list[ImprovementArea]]:
    """What an action of the plan may answer: its recommendations and Areas for Improvement, each in code order."""
    recommendations = in_code_order(db.session.scalars(select(Recommendation).where(Recommendation.plan_id == plan_id)
                                                       .options(selectinload(Recommendation.area))),
                                    lambda recommendation: recommendation.code)
    improvement_areas = in_code_order(db.session.scalars(select(ImprovementArea).join(Area)
                                                         .where(Area.plan_id == plan_id)
                                                         .options(selectinload(ImprovementArea.area))),
                                      lambda afi: afi.code)
    return recommendations, improvement_areas


def area_rows(area_id: int, window: Window) -> dict[int, list[MilestoneRow]]:
    """An area's milestones grouped by action id."""
    grouped: dict[int, list[MilestoneRow]] = defaultdict(list)
    for row in milestone_rows(window, Action.area_id == area_id):
        grouped[row.action_id].append(row)
    return grouped


def lead_names(milestone_ids: list[int]) -> dict[int, list[str]]:
    """Each milestone's leads' names, alphabetically. One query."""
    leads: dict[int, list[str]] = defaultdict(list)
    for milestone_id, name in db.session.execute(
            select(milestone_leads.c.milestone_id, Person.name).join(Person, Person.id == milestone_leads.c.person_id)
            .where(milestone_leads.c.milestone_id.in_(milestone_ids)).order_by(Person.name)):
        leads[milestone_id].append(name)
    return leads


def latest_updates(milestone_ids: list[int]) -> dict[int, ProgressUpdate]:
    """Each milestone's newest progress update. One query."""
    return {update.milestone_id: update for update in db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.id.in_(newest_update_ids(milestone_ids))))}


def newest_update_ids(milestone_ids):
    """A select of the id of each milestone's newest progress update: the last added on the latest date written,
    which the milestone keeps (latest_update_on), so only that date's updates are read, not every update."""
    return (select(func.max(ProgressUpdate.id))
            .join(Milestone, and_(Milestone.id == ProgressUpdate.milestone_id,
                                  Milestone.latest_update_on == ProgressUpdate.written_on))
            .where(ProgressUpdate.milestone_id.in_(milestone_ids)).group_by(ProgressUpdate.milestone_id))


def rating_labels() -> dict[Rating, str]:
    """The words of the newest plan's RAG key, by rating (a rating the key does not name is left out)."""
    newest_plan = select(func.max(Plan.id)).scalar_subquery()
    return dict(db.session.execute(select(RagKeyEntry.rating, RagKeyEntry.label)
                                   .where(RagKeyEntry.plan_id == newest_plan)).all())
