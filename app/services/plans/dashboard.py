"""The plan dashboard's own figures, beside the counts per area (queries.plan_overview, which also adds up the days
slipped): the most slipped milestones, what changed since the last released progress report, and which actions
answer each Ofsted recommendation and Area for Improvement. A fixed number of queries, whatever the plan's size.

How revised dates count (decision 0010, part B): a milestone is re-dated when it has a revised date on record; its
days slipped are its due date as the plan says it now minus its original date (the first revision's old date), when
the date moved later (an imported "Revised …" date has no original on record: re-dated, days not known). A proposal
awaiting a decision already moves the date (the service applies it at once and rates the milestone Red until it is
accepted), so it counts, marked as awaiting a decision; a rejected revision put the old date back, so it adds
nothing. A revised date has passed when the date in force came from a revision that was not rejected, is before
today, and the milestone is not complete. These facts are worked out per milestone in facts.py and stored.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, literal, select, union_all

from app.extensions import db
from app.models import (
    Action,
    Area,
    ImprovementArea,
    Milestone,
    MilestoneFacts,
    Plan,
    Rating,
    Recommendation,
    Report,
    ReportKind,
    ReportState,
)
from app.models.plans import action_improvement_areas, action_recommendations
from app.services.plans.due_dates import long_date
from app.services.plans.queries import (
    AreaSummary,
    PlanFilters,
    PlanOverview,
    Window,
    counts_by_action,
    milestones_with_facts,
    plan_overview,
    stored_facts,
)
from app.services.wording import in_code_order

MOST_SLIPPED = 5


@dataclass(frozen=True)
class Slip:
    """A re-dated milestone: one with a revised date on record."""
    milestone_id: int
    action_number: str
    deliverable: str
    original_on: date | None  # the first revision's old date: None when it was not recorded (an imported "Revised …")
    due_on: date | None
    awaiting_decision: bool
    past: bool  # its date in force is a revised one, has gone by, and the milestone is not complete
    days: int  # later than first planned (0 when it moved earlier, or either date is not known)

    @property
    def dates_in_words(self) -> tuple[str, str]:
        return long_date(self.original_on), long_date(self.due_on)


@dataclass(frozen=True)
class AreaSlippage:
    milestones: int = 0  # re-dated
    later: int = 0  # due later than first planned
    days: int = 0
    past: int = 0
    unknown: int = 0  # the first date was not recorded

    @classmethod
    def of(cls, summary: AreaSummary) -> "AreaSlippage":
        return cls(summary.slipped, summary.later, summary.days, summary.passed, summary.unknown)


@dataclass
class SinceReport:
    """What changed since the last released plan progress report (report None: none released yet)."""
    report: Row | None  # its id, title and released_at
    completed: int = 0
    better: int = 0
    worse: int = 0
    revised: int = 0
    updates: int = 0


@dataclass(frozen=True)
class Answer:
    action_id: int
    number: str
    what: str
    rating: Rating


@dataclass
class Finding:
    """An Ofsted recommendation or Area for Improvement (each with its code: R6c, AfI3), and the actions answering it."""
    id: int
    code: str
    text: str
    area_number: str
    answers: list[Answer] = field(default_factory=list)


@dataclass
class Dashboard:
    overview: PlanOverview
    most_slipped: list[Slip]
    since: SinceReport
    recommendations: list[Finding]
    improvement_areas: list[Finding]

    @property
    def any_linked(self) -> bool:
        """Whether any action is linked to any finding (else the page says so in one line, not a row each)."""
        return any(finding.answers for finding in (*self.recommendations, *self.improvement_areas))

    def slippage_of(self, area_id: int) -> AreaSlippage:
        return next((AreaSlippage.of(summary) for summary in self.overview.areas if summary.area.id == area_id),
                    AreaSlippage())

    @property
    def slippage_total(self) -> AreaSlippage:
        return AreaSlippage.of(self.overview.totals)


def dashboard(plan: Plan, window: Window) -> Dashboard:
    in_plan = Action.area_id.in_(select(Area.id).where(Area.plan_id == plan.id))
    recommendations, improvement_areas = _coverage(plan, in_plan, window)
    overview = plan_overview(plan, PlanFilters(), window)
    return Dashboard(overview=overview, most_slipped=most_slipped(in_plan, window),
                     since=since_report(plan, overview.totals),
                     recommendations=recommendations, improvement_areas=improvement_areas)


def most_slipped(in_plan, window: Window) -> list[Slip]:
    """The milestones due furthest beyond their first planned date (at most MOST_SLIPPED). One query."""
    facts = stored_facts(window)
    query = (milestones_with_facts()
             .add_columns(Milestone.id, Action.number, Milestone.deliverable, MilestoneFacts.first_due_on,
                          Milestone.due_on, facts.has_pending, MilestoneFacts.revised_passed, MilestoneFacts.days_later)
             .where(in_plan, MilestoneFacts.days_later > 0)
             .order_by(MilestoneFacts.days_later.desc(), Milestone.id).limit(MOST_SLIPPED))
    return [Slip(*row) for row in db.session.execute(query)]


def since_report(plan: Plan, totals: AreaSummary) -> SinceReport:
    """Compared with the figures frozen in the last released progress report: milestones completed, ratings better or
    worse, revised dates proposed and progress updates added since it was released, all counted with the milestones'
    facts (`totals`). One query, read from an index."""
    report = db.session.execute(  # read from the index alone: a report row holds its figures and its document
        select(Report.id, Report.title, Report.released_at)
        .where(Report.plan_id == plan.id, Report.kind == ReportKind.PLAN_PROGRESS, Report.state == ReportState.RELEASED)
        .order_by(Report.released_at.desc(), Report.id.desc()).limit(1)).first()
    if report is None:
        return SinceReport(None)
    return SinceReport(report, completed=totals.completed_since, better=totals.better, worse=totals.worse,
                       revised=totals.revised_since, updates=totals.updates_since)


def _coverage(plan: Plan, in_plan, window: Window) -> tuple[list[Finding], list[Finding]]:
    """Each recommendation and Area for Improvement, in code order, with the actions answering it,
    each with its rolled-up rating (worked out only for the actions that answer something). Five queries."""
    recommendations = in_code_order(
        (Finding(rid, code, text, number) for rid, code, text, number in db.session.execute(
            select(Recommendation.id, Recommendation.code, Recommendation.text, Area.number)
            .join(Area, Recommendation.area_id == Area.id).where(Recommendation.plan_id == plan.id))),
        lambda finding: finding.code)
    improvement_areas = in_code_order(
        (Finding(aid, code, text, number) for aid, code, text, number in db.session.execute(
            select(ImprovementArea.id, ImprovementArea.code, ImprovementArea.text, Area.number)
            .join(Area, ImprovementArea.area_id == Area.id).where(Area.plan_id == plan.id))),
        lambda finding: finding.code)
    links = union_all(
        select(literal("r").label("kind"), action_recommendations.c.recommendation_id.label("finding_id"),
               action_recommendations.c.action_id),
        select(literal("a"), action_improvement_areas.c.improvement_area_id, action_improvement_areas.c.action_id),
    ).subquery()
    answering = select(links.c.action_id)
    ratings = counts_by_action(window, select(Action.id).where(in_plan, Action.id.in_(answering)))
    actions = {aid: Answer(aid, number, what, ratings[aid].rating if aid in ratings else Rating.NOT_RATED)
               for aid, number, what in db.session.execute(
                   select(Action.id, Action.number, Action.what).where(in_plan, Action.id.in_(answering))
                   .order_by(Action.area_id, Action.position, Action.id))}
    found = {"r": {f.id: f for f in recommendations}, "a": {f.id: f for f in improvement_areas}}
    for kind, finding_id, action_id in db.session.execute(
            select(links).where(links.c.action_id.in_(select(Action.id).where(in_plan)))):
        if finding_id in found[kind]:
            found[kind][finding_id].answers.append(actions[action_id])
    order = {action_id: position for position, action_id in enumerate(actions)}
    for finding in (*recommendations, *improvement_areas):
        finding.answers.sort(key=lambda answer: order[answer.action_id])
    return recommendations, improvement_areas
