"""Audit findings for a period, team and type of audit, counted in the database and reported as n/N and %.

The grade that counts is the one that stands: the moderator's where an audit was moderated, otherwise the
auditor's. Changes made in moderation are reported separately, per element and per auditor. Every figure is read
from the running totals kept per round and team (app.services.audits.tallies), never from the audits one by one, so
the page costs the same however many audits there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import (
    AuditCountTally,
    AuditElement,
    AuditGradeTally,
    AuditLearningTally,
    AuditModerationTally,
    AuditRecommendationTally,
    AuditRound,
    AuditStandard,
    AuditStandardTally,
    Grade,
    Person,
    PoolCase,
    RoundKind,
)
from app.services.wording import code_order, in_code_order


@dataclass(frozen=True)
class Share:
    n: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.n / self.total) if self.total else None

    def __str__(self) -> str:
        return f"{self.percent}% ({self.n}/{self.total})" if self.total else "none (0/0)"


@dataclass(frozen=True)
class FindingsFilter:
    first_month: date
    last_month: date
    team_id: int | None = None
    kind: RoundKind | None = None

    def conditions(self, team_column=PoolCase.team_id) -> list:
        """Conditions on AuditRound and on the team column given (the case's team, or a tally's)."""
        conditions = [AuditRound.month.between(self.first_month, self.last_month)]
        if self.team_id:
            conditions.append(team_column == self.team_id)
        if self.kind:
            conditions.append(AuditRound.kind == self.kind)
        return conditions


@dataclass
class Findings:
    allocated: int = 0
    completed: int = 0
    overall: dict[Grade, Share] = field(default_factory=dict)
    by_element: list[tuple[str, str, dict[Grade, Share]]] = field(default_factory=list)  # number, label, grades
    most_often_no: list[tuple[str, str, Share]] = field(default_factory=list)  # element number, standard, share
    by_month: list[tuple[date, Share]] = field(default_factory=list)  # share graded Good or better
    changed_by_element: list[tuple[str, Share]] = field(default_factory=list)
    changed_by_auditor: list[tuple[str, Share]] = field(default_factory=list)
    recommendations_open: int = 0
    recommendations_overdue: int = 0
    learning_themes: list = field(default_factory=list)  # LearningTheme, the most often raised first

    @property
    def completion(self) -> Share:
        return Share(self.completed, self.allocated)


def findings(filters: FindingsFilter, today: date) -> Findings:
    result = Findings()
    result.allocated, result.completed = _completion(filters)
    grades = _standing_grades(filters)
    result.overall = _shares(grades.pop(None, {}))
    result.by_element = _by_element(grades)
    result.most_often_no = _most_often_no(filters)
    result.by_month = by_month(filters)
    result.changed_by_element, result.changed_by_auditor = _moderation_changes(filters)
    result.recommendations_open, result.recommendations_overdue = _recommendations(filters, today)
    result.learning_themes = _learning_themes(filters)
    return result


def _completion(filters: FindingsFilter) -> tuple[int, int]:
    query = _tallies(AuditCountTally, filters).add_columns(func.sum(AuditCountTally.allocated),
                                                           func.sum(AuditCountTally.completed))
    allocated, done = db.session.execute(query).one()
    return int(allocated or 0), int(done or 0)  # a sum is numeric on PostgreSQL


def _shares(counts: dict) -> dict[Grade, Share]:
    total = sum(counts.values())
    return {grade: Share(counts.get(grade, 0), total) for grade in Grade}


def element_grades(filters: FindingsFilter) -> list:
    """Only the grades by element (for the chart), without working out the rest of the findings."""
    grades = _standing_grades(filters)
    grades.pop(None, None)
    return _by_element(grades)


def _by_element(grades: dict) -> list:
    return [(number, label, _shares(counts)) for (number, label), counts in
            sorted(grades.items(), key=lambda item: code_order(item[0][0]))]


def _tallies(model, filters: FindingsFilter):
    return select().select_from(model).join(AuditRound, model.round_id == AuditRound.id).where(
        *filters.conditions(model.team_id))


def _standing_grades(filters: FindingsFilter) -> dict:
    """Counts of the grades that stand, by (element number, label), and under None the overall grades."""
    per_element = (_tallies(AuditGradeTally, filters)
                   .add_columns(AuditGradeTally.element_id, AuditGradeTally.grade, func.sum(AuditGradeTally.audits))
                   .group_by(AuditGradeTally.element_id, AuditGradeTally.grade).subquery())
    element_id, grade, count = per_element.c
    query = (select(AuditElement.number, AuditElement.report_label, grade, func.sum(count)).select_from(per_element)
             .outerjoin(AuditElement, element_id == AuditElement.id)
             .group_by(AuditElement.number, AuditElement.report_label, grade))  # the same element in other tool versions
    counts: dict = defaultdict(dict)
    for number, label, standing, audits in db.session.execute(query):
        counts[(number, label) if number else None][Grade(standing)] = int(audits)  # a sum of sums is numeric on PostgreSQL
    return counts


def _most_often_no(filters: FindingsFilter, limit: int = 10) -> list:
    noes = func.sum(AuditStandardTally.no)
    per_standard = (_tallies(AuditStandardTally, filters)
                    .add_columns(AuditStandardTally.standard_id, noes.label("no"),
                                 func.sum(AuditStandardTally.yes + AuditStandardTally.no).label("answered"))
                    .group_by(AuditStandardTally.standard_id).having(noes > 0).subquery())
    standard_id, no, answered = per_standard.c
    query = (select(AuditElement.number, AuditStandard.text, no, answered).select_from(per_standard)
             .join(AuditStandard, standard_id == AuditStandard.id)
             .join(AuditElement, AuditStandard.element_id == AuditElement.id)
             .order_by((no * 1.0 / answered).desc(), no.desc(), AuditStandard.id).limit(limit))
    return [(number, text, Share(n, total)) for number, text, n, total in db.session.execute(query)]


def by_month(filters: FindingsFilter) -> list[tuple[date, Share]]:
    """For each month, the share of audits graded Good or Outstanding overall (also for the trend chart)."""
    good = func.sum(case((AuditGradeTally.grade.in_([Grade.OUTSTANDING, Grade.GOOD]), AuditGradeTally.audits),
                         else_=0))
    query = (_tallies(AuditGradeTally, filters).add_columns(AuditRound.month, good, func.sum(AuditGradeTally.audits))
             .where(AuditGradeTally.element_id.is_(None)).group_by(AuditRound.month).order_by(AuditRound.month))
    return [(month, Share(n, total)) for month, n, total in db.session.execute(query)]


def _moderation_changes(filters: FindingsFilter) -> tuple[list, list]:
    """Element grades changed in moderation, out of those moderated: by element and by auditor (a tally row counts
    one or the other)."""
    query = (_tallies(AuditModerationTally, filters)
             .outerjoin(AuditElement, AuditModerationTally.element_id == AuditElement.id)
             .outerjoin(Person, AuditModerationTally.auditor_id == Person.id)
             .add_columns(AuditElement.number, Person.name, func.sum(AuditModerationTally.changed),
                          func.sum(AuditModerationTally.moderated))
             .group_by(AuditElement.number, Person.name))
    by_element: dict[str, Share] = {}
    by_auditor: dict[str, Share] = {}
    for number, name, n, total in db.session.execute(query):
        share = Share(int(n), int(total))  # a sum is numeric on PostgreSQL
        if number is None:
            by_auditor[name] = share
        else:
            by_element[number] = share
    return ([(number, by_element[number]) for number in in_code_order(by_element)],
            [(name, by_auditor[name]) for name in sorted(by_auditor)])


def _recommendations(filters: FindingsFilter, today: date) -> tuple[int, int]:
    overdue = func.sum(case((AuditRecommendationTally.due_on < today, AuditRecommendationTally.open), else_=0))
    query = _tallies(AuditRecommendationTally, filters).add_columns(func.sum(AuditRecommendationTally.open), overdue)
    open_count, overdue_count = db.session.execute(query).one()
    return int(open_count or 0), int(overdue_count or 0)


def _learning_themes(filters: FindingsFilter, limit: int = 20) -> list:
    """Learning points with the same words (ignoring case and spaces at the ends) as one theme: how many audits
    raised it and when last, the newest point still to be made a plan action, and the action if one was made."""
    theme = AuditLearningTally.theme
    audits, latest = func.sum(AuditLearningTally.audits), func.max(AuditRound.month)
    query = (_tallies(AuditLearningTally, filters)
             .add_columns(func.min(AuditLearningTally.text), audits, latest, func.max(AuditLearningTally.open_point_id),
                          func.max(AuditLearningTally.action_id))
             .group_by(theme).order_by(audits.desc(), latest.desc(), theme).limit(limit))
    return [LearningTheme(text, int(count), *rest) for text, count, *rest in db.session.execute(query)]


@dataclass(frozen=True)
class LearningTheme:
    text: str
    audits: int  # how many audits raised it
    latest_month: date
    point_id: int | None  # the newest of its points not yet made a plan action
    action_id: int | None  # the plan action one of its points became
