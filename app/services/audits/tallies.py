"""Running totals of the audits, per round and team, for the findings: how many were allocated and completed, and
of the completed ones the answers, the grades that stand, the grades changed in moderation, the recommendations still
open and the learning themes.

Counting every answer, moderated grade, recommendation and learning point of every audit on each visit to the findings
would read rows for every audit ever done. Instead, each time an audit is allocated or changes state (submitted,
returned to the auditor, moderated, closed), one of its recommendations is closed, one of its learning points becomes
a plan action, or its case moves to another team, the totals for its round and team are counted again from the audits
themselves: a round holds some tens of audits per team, so this takes milliseconds, and the totals can never drift
from what the audits say. The findings then read a few rows per round and team, however many audits there are.
`flask audits recount` counts them all again.
"""

from sqlalchemy import and_, case, delete, func, insert, null, select

from app.extensions import db
from app.models import (
    Answer,
    Audit,
    AuditAnswer,
    AuditCountTally,
    AuditElementGrade,
    AuditGradeTally,
    AuditLearningTally,
    AuditModerationTally,
    AuditRecommendationTally,
    AuditRecord,
    AuditRound,
    AuditStandardTally,
    AuditState,
    LearningPoint,
    Moderation,
    ModerationGrade,
    PoolCase,
    RecommendationStatus,
    SmartRecommendation,
)
from app.services.transaction import transaction

DONE = (AuditState.SUBMITTED, AuditState.MODERATED, AuditState.CLOSED)


def recount_for(audit: Audit, *, allocated_only: bool = False) -> None:
    """Count the totals of the audit's round and team again, in the caller's transaction (allocated_only: only how
    many audits there are, for a new audit, which is not completed yet)."""
    team_id = db.session.scalar(select(PoolCase.team_id).where(PoolCase.id == audit.case_id))
    recount(audit.round_id, team_id, only=(AuditCountTally,) if allocated_only else TALLIES)


def recount_if_done(audit: Audit) -> None:
    """After a change to what the totals count of a completed audit (a recommendation closed, a learning point made a
    plan action): count its round and team again. An audit still being written is not counted yet."""
    if audit.state in DONE:
        recount_for(audit)


def recount_case_teams(case: PoolCase, *team_ids: int) -> None:
    """Count again the totals of every round that audited the case, for each of the teams given (the case's team
    before and after a correction), in the caller's transaction."""
    for round_id in db.session.scalars(select(Audit.round_id).where(Audit.case_id == case.id).distinct()):
        for team_id in sorted(set(team_ids)):
            recount(round_id, team_id)


def recount(round_id: int, team_id: int, only: tuple = ()) -> None:
    """Count the totals of one round and team again (or only those of the tables given), in the caller's
    transaction."""
    # Hold the round's row until the transaction ends, so two audits of one round submitted at the same time
    # are counted one after the other (a no-op on SQLite, which writes one transaction at a time anyway).
    db.session.execute(select(AuditRound.id).where(AuditRound.id == round_id).with_for_update())
    db.session.flush()
    for model in only or TALLIES:
        db.session.execute(delete(model).where(model.round_id == round_id, model.team_id == team_id))
        _count(model, [Audit.round_id == round_id, PoolCase.team_id == team_id])


@transaction("The findings' running totals")
def recount_all() -> None:
    """Count every round's and team's totals again."""
    for model in TALLIES:
        db.session.execute(delete(model))
        _count(model, [])


def _count(model, conditions: list) -> None:
    """Fill one table of totals for the audits that meet the conditions."""
    done = [Audit.state.in_(DONE), *conditions]
    for columns, query in COUNTS[model](conditions, done):
        db.session.execute(insert(model).from_select(columns, query))


def _by_bucket(query, conditions: list):
    """The query, which has Audit among its tables, narrowed to the conditions and grouped by round and team."""
    return (query.join(PoolCase, Audit.case_id == PoolCase.id).where(*conditions)
            .group_by(Audit.round_id, PoolCase.team_id))


def _audits(conditions: list):
    completed = func.sum(case((Audit.state.in_(DONE), 1), else_=0))
    return _by_bucket(select(Audit.round_id, PoolCase.team_id, func.count(), completed).select_from(Audit), conditions)


def _moderated(done: list, by):
    """Moderated element grades, and how many of them the moderator changed, by element or by auditor."""
    changed = func.sum(case((ModerationGrade.grade != ModerationGrade.original_grade, 1), else_=0))
    query = (select(Audit.round_id, PoolCase.team_id, by, changed, func.count()).select_from(ModerationGrade)
             .join(Moderation, ModerationGrade.moderation_id == Moderation.id)
             .join(Audit, Moderation.audit_id == Audit.id))
    return _by_bucket(query, done).group_by(by)


def _open_recommendations(done: list):
    query = (select(Audit.round_id, PoolCase.team_id, SmartRecommendation.due_on, func.count())
             .select_from(SmartRecommendation).join(Audit, SmartRecommendation.audit_id == Audit.id)
             .where(SmartRecommendation.status == RecommendationStatus.OPEN))
    return _by_bucket(query, done).group_by(SmartRecommendation.due_on)


def _learning(done: list):
    """Learning points with the same words (ignoring case and spaces at the ends) as one theme."""
    words = func.lower(func.trim(LearningPoint.text))
    newest_open = func.max(case((LearningPoint.action_id.is_(None), LearningPoint.id)))
    query = (select(Audit.round_id, PoolCase.team_id, words, func.min(func.trim(LearningPoint.text)),
                    func.count(func.distinct(LearningPoint.audit_id)), newest_open, func.max(LearningPoint.action_id))
             .select_from(LearningPoint).join(Audit, LearningPoint.audit_id == Audit.id).where(words != ""))
    return _by_bucket(query, done).group_by(words)


def _answered(answer: Answer):
    return func.sum(case((AuditAnswer.answer == answer, 1), else_=0))


def _answers(done: list):
    return (select(Audit.round_id, PoolCase.team_id, AuditAnswer.standard_id, _answered(Answer.YES),
                   _answered(Answer.NO), _answered(Answer.NOT_APPLICABLE))
            .select_from(AuditAnswer).join(Audit, AuditAnswer.audit_id == Audit.id)
            .join(PoolCase, Audit.case_id == PoolCase.id).where(*done)
            .group_by(Audit.round_id, PoolCase.team_id, AuditAnswer.standard_id))


def _element_grades(done: list):
    """The grade that stands for each element: the moderator's where there is one, otherwise the auditor's."""
    moderated = (select(ModerationGrade.element_id, ModerationGrade.grade, Moderation.audit_id)
                 .join(Moderation, ModerationGrade.moderation_id == Moderation.id).subquery())
    standing = func.coalesce(moderated.c.grade, AuditElementGrade.grade)
    return (select(Audit.round_id, PoolCase.team_id, AuditElementGrade.element_id, standing, func.count())
            .select_from(AuditElementGrade).join(Audit, AuditElementGrade.audit_id == Audit.id)
            .join(PoolCase, Audit.case_id == PoolCase.id)
            .outerjoin(moderated, and_(moderated.c.audit_id == AuditElementGrade.audit_id,
                                       moderated.c.element_id == AuditElementGrade.element_id))
            .where(*done, standing.is_not(None))
            .group_by(Audit.round_id, PoolCase.team_id, AuditElementGrade.element_id, standing))


def _overall_grades(done: list):
    standing = func.coalesce(Moderation.overall_grade, AuditRecord.overall_grade)
    return (select(Audit.round_id, PoolCase.team_id, null(), standing, func.count())
            .select_from(AuditRecord).join(Audit, AuditRecord.audit_id == Audit.id)
            .join(PoolCase, Audit.case_id == PoolCase.id)
            .outerjoin(Moderation, and_(Moderation.audit_id == Audit.id, Moderation.completed_at.is_not(None)))
            .where(*done, standing.is_not(None))
            .group_by(Audit.round_id, PoolCase.team_id, standing))



GRADE_COLUMNS = ["round_id", "team_id", "element_id", "grade", "audits"]
COUNTS = {  # each table of totals: its (columns, query) pairs, from the conditions and those narrowed to completed audits
    AuditCountTally: lambda conditions, done: [(["round_id", "team_id", "allocated", "completed"],
                                                _audits(conditions))],
    AuditStandardTally: lambda conditions, done: [(["round_id", "team_id", "standard_id", "yes", "no", "not_applicable"],
                                                   _answers(done))],
    AuditGradeTally: lambda conditions, done: [(GRADE_COLUMNS, _element_grades(done)),
                                               (GRADE_COLUMNS, _overall_grades(done))],
    AuditModerationTally: lambda conditions, done: [
        (["round_id", "team_id", by.key, "changed", "moderated"], _moderated(done, by))
        for by in (ModerationGrade.element_id, Audit.auditor_id)],
    AuditRecommendationTally: lambda conditions, done: [(["round_id", "team_id", "due_on", "open"],
                                                         _open_recommendations(done))],
    AuditLearningTally: lambda conditions, done: [
        (["round_id", "team_id", "theme", "text", "audits", "open_point_id", "action_id"], _learning(done))],
}
TALLIES = tuple(COUNTS)
