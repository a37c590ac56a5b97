"""What a person has to do about audits, for My work: audits to write, SMART recommendations they own,
and immediate safeguarding alerts not yet acknowledged."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Audit,
    AuditState,
    Person,
    RecommendationStatus,
    SafeguardingAlert,
    SmartRecommendation,
)


@dataclass
class AuditWork:
    audits_to_write: list[Audit]
    recommendations: list[SmartRecommendation]
    alerts: list[SafeguardingAlert]
    today: date

    def overdue(self, recommendation: SmartRecommendation) -> bool:
        return recommendation.due_on is not None and recommendation.due_on < self.today


def my_audit_work(person: Person, today: date) -> AuditWork:
    """My work's audit list: audits to write, open SMART recommendations owned, alerts not yet acknowledged."""
    to_write = db.session.scalars(
        select(Audit).where(Audit.auditor_id == person.id, Audit.state.in_([AuditState.ALLOCATED, AuditState.IN_PROGRESS]))
        .options(selectinload(Audit.case), selectinload(Audit.round)).order_by(Audit.allocated_at)).all()
    recommendations = db.session.scalars(
        select(SmartRecommendation)
        .where(SmartRecommendation.owner_id == person.id, SmartRecommendation.status == RecommendationStatus.OPEN)
        .order_by(SmartRecommendation.due_on.is_(None), SmartRecommendation.due_on)).all()
    alerts = db.session.scalars(
        select(SafeguardingAlert)
        .where(SafeguardingAlert.recipient_id == person.id, SafeguardingAlert.acknowledged_at.is_(None))
        .order_by(SafeguardingAlert.raised_at)).all()
    return AuditWork(list(to_write), list(recommendations), list(alerts), today)

