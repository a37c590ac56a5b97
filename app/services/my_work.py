"""My work: everything a person has to do, each thing once, in the order it needs doing (the priority rule), with
filters and sorts; and, for those who decide revised dates, the decisions waiting for them. A fixed number of
queries, whatever the data."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Area,
    Audit,
    AuditState,
    DueDateRevision,
    Meeting,
    Milestone,
    MilestoneStatus,
    Person,
    PoolCase,
    RecommendationStatus,
    SafeguardingAlert,
    SmartRecommendation,
)
from app.services import meetings
from app.services.audits.queries import unacknowledged_alerts
from app.services.numbers import whole_number
from app.services.plans import queries as plan_queries
from app.services.plans.queries import MilestoneRow, Window
from app.services.reminders import sweep
from app.services.reminders.rules import month_end
from app.services.wording import code_order
from app.services.working_days import add_working_days

SHOWS = ("overdue", "due_soon", "stale")  # the reasons something needs doing, most pressing first
SORTS = {"priority": "What needs doing first", "due": "Due date", "number": "Action number or case"}
OLDEST_REVISIONS_SHOWN = 3


def priority(*, overdue: bool, due_soon: bool, stale: bool, due_on: date | None) -> tuple:
    """The priority rule, as a sort key: overdue first (the most overdue first), then due soon (the soonest first),
    then what needs a progress update, then the rest; within each, the earliest due date first, undated last."""
    group = 0 if overdue else 1 if due_soon else 2 if stale else 3
    return group, due_on is None, due_on or date.max


def due_flags(due_on: date | None, window: Window) -> tuple[bool, bool]:
    """(overdue, due soon) for a dated thing to do that is still open: as the plan's milestones are counted."""
    if due_on is None:
        return False, False
    return due_on < window.today, window.today <= due_on <= window.soon_end


@dataclass
class WorkItem:
    """One thing to do: a milestone (owned or led), an audit recommendation owned, or an audit to write."""

    kind: str  # "milestone", "recommendation", "audit"
    key: int
    title: str
    due_on: date | None
    number: str  # the action number, or the audit's case reference, for sorting by number
    overdue: bool
    due_soon: bool
    stale: bool = False
    area_id: int | None = None
    row: MilestoneRow | None = None
    version: int | None = None  # a milestone's, so that marking it complete from the list checks it is unchanged
    led_only: bool = False  # a milestone the person leads but someone else is responsible for
    recommendation: SmartRecommendation | None = None
    audit: Audit | None = None

    @property
    def pressing(self) -> bool:
        return self.overdue or self.due_soon or self.stale

    @property
    def priority(self) -> tuple:
        return priority(overdue=self.overdue, due_soon=self.due_soon, stale=self.stale, due_on=self.due_on)

    def sort_key(self, sort: str) -> tuple:
        undated = (self.due_on is None, self.due_on or date.max)
        keys = {"priority": (self.priority, code_order(self.number)),
                "due": (undated, self.priority, code_order(self.number)),
                "number": (code_order(self.number), self.priority)}
        return (*keys[sort], self.kind, self.key)


@dataclass(frozen=True)
class Filters:
    show: str | None = None  # one of SHOWS, or everything
    area_id: int | None = None
    sort: str = "priority"

    @classmethod
    def read(cls, args) -> "Filters":
        """From the page's address; anything odd is ignored."""
        show, area, sort = args.get("show", ""), args.get("area", ""), args.get("sort", "")
        return cls(show=show if show in SHOWS else None, area_id=whole_number(area),
                   sort=sort if sort in SORTS else "priority")

    @property
    def active(self) -> bool:
        return bool(self.show or self.area_id)

    def keeps(self, item: WorkItem) -> bool:
        return ((self.show is None or getattr(item, self.show))
                and (self.area_id is None or item.area_id == self.area_id))


@dataclass
class UpdateRequest:
    """The updates asked for before the next meeting: its deadline, and how many open milestones have none yet."""

    meeting: Meeting
    requests_from: date  # the working day owners are asked
    cycle_start: date  # an update on or after this day counts
    not_updated: int


@dataclass
class Decisions:
    revisions: list[DueDateRevision]  # the oldest few waiting
    revisions_waiting: int
    update_request: UpdateRequest | None


@dataclass
class MyWork:
    items: list[WorkItem]  # everything the filters keep, in the chosen order
    counts: dict[str, int]  # overdue, due_soon, stale and open, within the chosen area
    filters: Filters
    areas: list[Area]
    alerts: list[SafeguardingAlert]  # immediate safeguarding actions not yet acknowledged
    decisions: Decisions | None = None
    milestones: int = field(init=False)

    def __post_init__(self):
        self.milestones = sum(item.kind == "milestone" for item in self.items)

    @property
    def first(self) -> list[WorkItem]:
        """What needs doing now (everything, when a reason is chosen)."""
        return self.items if self.filters.show else [item for item in self.items if item.pressing]

    @property
    def rest(self) -> list[WorkItem]:
        """Open work with nothing pressing: shown collapsed."""
        return [] if self.filters.show else [item for item in self.items if not item.pressing]


def my_work(person: Person, window: Window, filters: Filters, *, decides_revisions: bool) -> MyWork:
    everything = _milestones(person, window) + _recommendations(person, window) + _audits(person, window)
    in_area = [item for item in everything if Filters(area_id=filters.area_id).keeps(item)]
    counts = {reason: sum(getattr(item, reason) for item in in_area) for reason in SHOWS} | {"open": len(in_area)}
    items = sorted((item for item in in_area if filters.keeps(item)), key=lambda item: item.sort_key(filters.sort))
    plan = plan_queries.latest_plan()
    return MyWork(items, counts, filters, list(plan.areas) if plan else [], unacknowledged_alerts(person),
                  decisions(window) if decides_revisions else None)


def _milestones(person: Person, window: Window) -> list[WorkItem]:
    rows = plan_queries.my_milestones(person, window)
    details = {mid: (version, owner_id) for mid, version, owner_id in db.session.execute(
        select(Milestone.id, Milestone.version, Milestone.responsible_id)
        .where(Milestone.id.in_([row.id for row in rows])))}
    return [WorkItem("milestone", row.id, row.deliverable, row.due_on, row.action_number, row.overdue, row.due_soon,
                     row.stale, area_id=row.area_id, row=row, version=details[row.id][0],
                     led_only=details[row.id][1] != person.id) for row in rows]


def _recommendations(person: Person, window: Window) -> list[WorkItem]:
    recommendations = db.session.execute(
        select(SmartRecommendation, PoolCase.reference).join(Audit, Audit.id == SmartRecommendation.audit_id)
        .join(PoolCase, PoolCase.id == Audit.case_id)
        .where(SmartRecommendation.owner_id == person.id, SmartRecommendation.status == RecommendationStatus.OPEN))
    return [WorkItem("recommendation", rec.id, rec.what, rec.due_on, reference, *due_flags(rec.due_on, window),
                     recommendation=rec) for rec, reference in recommendations]


def _audits(person: Person, window: Window) -> list[WorkItem]:
    audits = db.session.scalars(select(Audit).where(
        Audit.auditor_id == person.id, Audit.state.in_([AuditState.ALLOCATED, AuditState.IN_PROGRESS]))
        .options(selectinload(Audit.case), selectinload(Audit.round))).all()
    return [WorkItem("audit", audit.id, f"Audit of case {audit.case.reference}", month_end(audit.round.month),
                     audit.case.reference, *due_flags(month_end(audit.round.month), window), audit=audit)
            for audit in audits]


def decisions(window: Window) -> Decisions:
    """The programme managers' queue: revised dates waiting (the oldest few), and the next meeting's updates."""
    revisions, waiting = plan_queries.pending_revisions(limit=OLDEST_REVISIONS_SHOWN)
    return Decisions(revisions, waiting, update_request(window.today))


def update_request(today: date) -> UpdateRequest | None:
    """The next meeting whose update deadline has not passed, and how many open milestones still have no update
    in its cycle (the ones its reminders ask for)."""
    meeting = meetings.next_for_updates(today)
    if meeting is None:
        return None
    start = sweep.cycle_start(meeting)
    not_updated = db.session.scalar(select(func.count()).select_from(Milestone).where(
        Milestone.status != MilestoneStatus.COMPLETE, sweep.not_updated_since(start)))
    requests_from = add_working_days(meeting.update_deadline, -sweep.settings().update_request_working_days)
    return UpdateRequest(meeting, requests_from, start, not_updated)
