"""Running totals of the completed audits' answers and grades, per round and team, for the findings.

Counting every answer of every audit on each visit to the findings would read 68 rows per audit. Instead, each
time an audit changes state (submitted, returned to the auditor, moderated, closed), the totals for its round and
team are counted again from the audits themselves: a round holds some tens of audits per team, so this takes
milliseconds, and the totals can never drift from what the audits say. `flask audits recount` counts them all again.
"""

from sqlalchemy import and_, case, delete, func, insert, null, select

from app.extensions import db
from app.models import (
    Answer,
    Audit,
    AuditAnswer,
    AuditElementGrade,
    AuditGradeTally,
    AuditRecord,
    AuditRound,
    AuditStandardTally,
    AuditState,
    Moderation,
    ModerationGrade,
    PoolCase,
)
from app.services.transaction import transaction

DONE = (AuditState.SUBMITTED, AuditState.MODERATED, AuditState.CLOSED)


def recount_for(audit: Audit) -> None:
    """Count the totals of the audit's round and team again, in the caller's transaction."""
    # Hold the round's row until the transaction ends, so two audits of one round submitted at the same time
    # are counted one after the other (a no-op on SQLite, which writes one transaction at a time anyway).
    db.session.execute(select(AuditRound.id).where(AuditRound.id == audit.round_id).with_for_update())
    team_id = db.session.scalar(select(PoolCase.team_id).where(PoolCase.id == audit.case_id))
    bucket = [Audit.round_id == audit.round_id, PoolCase.team_id == team_id]
    db.session.execute(delete(AuditStandardTally).where(AuditStandardTally.round_id == audit.round_id,
                                                        AuditStandardTally.team_id == team_id))
    db.session.execute(delete(AuditGradeTally).where(AuditGradeTally.round_id == audit.round_id,
                                                     AuditGradeTally.team_id == team_id))
    _count(bucket)


@transaction("The findings' running totals")
def recount_all() -> None:
    """Count every round's and team's totals again."""
    db.session.execute(delete(AuditStandardTally))
    db.session.execute(delete(AuditGradeTally))
    _count([])


def _count(conditions: list) -> None:
    done = [Audit.state.in_(DONE), *conditions]
    db.session.execute(insert(AuditStandardTally).from_select(
        ["round_id", "team_id", "standard_id", "yes", "no", "not_applicable"], _answers(done)))
    columns = ["round_id", "team_id", "element_id", "grade", "audits"]
    db.session.execute(insert(AuditGradeTally).from_select(columns, _element_grades(done)))
    db.session.execute(insert(AuditGradeTally).from_select(columns, _overall_grades(done)))


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

