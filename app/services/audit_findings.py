"""Audit findings for a period, team and type of audit, counted in the database and reported as n/N and %.

The grade that counts is the one that stands: the moderator's where an audit was moderated, otherwise the
auditor's. Changes made in moderation are reported separately, per element and per auditor.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, select

from app.extensions import db
from app.models import (
    Answer,
    Audit,
    AuditAnswer,
    AuditElement,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    AuditStandard,
    AuditState,
    Grade,
    LearningPoint,
    Moderation,
    ModerationGrade,
    Person,
    PoolCase,
    RecommendationStatus,
    RoundKind,
    SmartRecommendation,
)

DONE = (AuditState.SUBMITTED, AuditState.MODERATED, AuditState.CLOSED)


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

    def conditions(self) -> list:
        conditions = [AuditRound.month.between(self.first_month, self.last_month)]
        if self.team_id:
            conditions.append(PoolCase.team_id == self.team_id)
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
    learning_points: list = field(default_factory=list)  # LearningRow, newest first

    @property
    def completion(self) -> Share:
        return Share(self.completed, self.allocated)


def _audits(filters: FindingsFilter, *, done: bool = True):
    query = select(Audit.id).join(AuditRound, Audit.round_id == AuditRound.id).join(PoolCase, Audit.case_id == PoolCase.id)
    query = query.where(*filters.conditions())
    return query.where(Audit.state.in_(DONE)) if done else query


def findings(filters: FindingsFilter, today: date) -> Findings:
    result = Findings()
    result.allocated = db.session.scalar(select(func.count()).select_from(_audits(filters, done=False).subquery()))
    completed = _audits(filters).subquery()
    result.completed = db.session.scalar(select(func.count()).select_from(completed))
    done_ids = select(completed.c.id)
    result.overall = _shares(_overall_grades(done_ids))
    result.by_element = _element_grades(done_ids)
    result.most_often_no = _most_often_no(done_ids)
    result.by_month = _by_month(filters)
    result.changed_by_element, result.changed_by_auditor = _moderation_changes(done_ids)
    result.recommendations_open, result.recommendations_overdue = _recommendations(done_ids, today)
    result.learning_points = _learning_points(done_ids)
    return result


def _shares(counts: dict) -> dict[Grade, Share]:
    total = sum(counts.values())
    return {grade: Share(counts.get(grade, 0), total) for grade in Grade}


def _overall_grades(done_ids) -> dict[Grade, int]:
    standing = func.coalesce(Moderation.overall_grade, AuditRecord.overall_grade)
    query = (select(standing, func.count()).select_from(AuditRecord)
             .outerjoin(Moderation, and_(Moderation.audit_id == AuditRecord.audit_id, Moderation.completed_at.is_not(None)))
             .where(AuditRecord.audit_id.in_(done_ids), standing.is_not(None)).group_by(standing))
    return {Grade(grade): count for grade, count in db.session.execute(query)}


def element_grades(filters: FindingsFilter) -> list:
    """Only the grades by element (for the chart), without working out the rest of the findings."""
    return _element_grades(select(_audits(filters).subquery().c.id))


def _element_grades(done_ids) -> list:
    moderated = (select(ModerationGrade.element_id, ModerationGrade.grade, Moderation.audit_id)
                 .join(Moderation, ModerationGrade.moderation_id == Moderation.id).subquery())
    standing = func.coalesce(moderated.c.grade, AuditElementGrade.grade)
    query = (select(AuditElement.number, AuditElement.report_label, standing, func.count())
             .select_from(AuditElementGrade).join(AuditElement, AuditElementGrade.element_id == AuditElement.id)
             .outerjoin(moderated, and_(moderated.c.audit_id == AuditElementGrade.audit_id,
                                        moderated.c.element_id == AuditElementGrade.element_id))
             .where(AuditElementGrade.audit_id.in_(done_ids), standing.is_not(None))
             .group_by(AuditElement.number, AuditElement.report_label, standing))
    counts: dict[tuple[str, str], dict] = defaultdict(dict)
    for number, label, grade, count in db.session.execute(query):
        counts[(number, label)][Grade(grade)] = count
    return [(number, label, _shares(grades)) for (number, label), grades in sorted(counts.items())]


def _most_often_no(done_ids, limit: int = 10) -> list:
    answered = func.sum(case((AuditAnswer.answer != Answer.NOT_APPLICABLE, 1), else_=0))
    noes = func.sum(case((AuditAnswer.answer == Answer.NO, 1), else_=0))
    query = (select(AuditElement.number, AuditStandard.text, noes, answered).select_from(AuditAnswer)
             .join(AuditStandard, AuditAnswer.standard_id == AuditStandard.id)
             .join(AuditElement, AuditStandard.element_id == AuditElement.id)
             .where(AuditAnswer.audit_id.in_(done_ids))
             .group_by(AuditElement.number, AuditStandard.id, AuditStandard.text)
             .having(noes > 0).order_by((noes * 1.0 / answered).desc(), noes.desc()).limit(limit))
    return [(number, text, Share(no, total)) for number, text, no, total in db.session.execute(query)]


def _by_month(filters: FindingsFilter) -> list:
    standing = func.coalesce(Moderation.overall_grade, AuditRecord.overall_grade)
    good = func.sum(case((standing.in_([Grade.OUTSTANDING, Grade.GOOD]), 1), else_=0))
    query = (select(AuditRound.month, good, func.count(standing)).select_from(Audit)
             .join(AuditRound, Audit.round_id == AuditRound.id).join(PoolCase, Audit.case_id == PoolCase.id)
             .join(AuditRecord, AuditRecord.audit_id == Audit.id)
             .outerjoin(Moderation, and_(Moderation.audit_id == Audit.id, Moderation.completed_at.is_not(None)))
             .where(*filters.conditions(), Audit.state.in_(DONE)).group_by(AuditRound.month).order_by(AuditRound.month))
    return [(month, Share(n, total)) for month, n, total in db.session.execute(query)]


def _moderation_changes(done_ids) -> tuple[list, list]:
    changed = func.sum(case((ModerationGrade.grade != ModerationGrade.original_grade, 1), else_=0))
    base = (select().select_from(ModerationGrade).join(Moderation, ModerationGrade.moderation_id == Moderation.id)
            .where(Moderation.audit_id.in_(done_ids)))
    by_element = db.session.execute(
        base.add_columns(AuditElement.number, changed, func.count())
        .join(AuditElement, ModerationGrade.element_id == AuditElement.id)
        .group_by(AuditElement.number).order_by(AuditElement.number)).all()
    by_auditor = db.session.execute(
        base.add_columns(Person.name, changed, func.count()).join(Audit, Moderation.audit_id == Audit.id)
        .join(Person, Audit.auditor_id == Person.id).group_by(Person.name).order_by(Person.name)).all()
    return ([(number, Share(n, total)) for number, n, total in by_element],
            [(name, Share(n, total)) for name, n, total in by_auditor])


def _recommendations(done_ids, today: date) -> tuple[int, int]:
    open_items = and_(SmartRecommendation.audit_id.in_(done_ids), SmartRecommendation.status == RecommendationStatus.OPEN)
    open_count, overdue = db.session.execute(
        select(func.count(), func.sum(case((SmartRecommendation.due_on < today, 1), else_=0)))
        .where(open_items)).one()
    return open_count, overdue or 0


def _learning_points(done_ids, limit: int = 20) -> list:
    query = (select(LearningPoint, AuditRound.month).join(Audit, LearningPoint.audit_id == Audit.id)
             .join(AuditRound, Audit.round_id == AuditRound.id).where(LearningPoint.audit_id.in_(done_ids))
             .order_by(AuditRound.month.desc(), LearningPoint.id.desc()).limit(limit))
    return [LearningRow(point.id, month, point.text, point.action_id) for point, month in db.session.execute(query)]


@dataclass(frozen=True)
class LearningRow:
    id: int
    month: date
    text: str
    action_id: int | None  # the plan action it became, if a programme manager promoted it
