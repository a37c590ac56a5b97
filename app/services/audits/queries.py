"""What a person has to do about audits, for My work: audits to write, SMART recommendations they own,
and immediate safeguarding alerts not yet acknowledged."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Audit,
    AuditState,
    EmailState,
    NoticeKind,
    Notification,
    Person,
    RecommendationStatus,
    SafeguardingAlert,
    SmartRecommendation,
    SubjectType,
)
from app.services.errors import NotAllowedError


@dataclass
class AuditWork:
    audits_to_write: list[Audit]
    recommendations: list[SmartRecommendation]
    alerts: list[SafeguardingAlert]
    today: date

    def overdue(self, recommendation: SmartRecommendation) -> bool:
        return recommendation.due_on is not None and recommendation.due_on < self.today


def audit_work_for(person: Person, today: date) -> AuditWork:
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


def acknowledge(alert: SafeguardingAlert, *, actor: Person, now: datetime) -> None:
    if alert.recipient_id != actor.id:
        raise NotAllowedError("Only the person alerted can acknowledge this alert")
    alert.acknowledged_at = alert.acknowledged_at or now
    db.session.commit()


@dataclass(frozen=True)
class AlertDelivery:
    """A safeguarding alert, and where its e-mail is: the scheduler's delivery job sends it within a minute."""

    recipient: str
    raised_at: datetime
    acknowledged_at: datetime | None
    email_state: EmailState | None  # None: no e-mail was written (the person is not an active user)
    sent_at: datetime | None
    last_error: str | None


def alert_deliveries(audit: Audit) -> list[AlertDelivery]:
    """The audit's safeguarding alerts with the state of their latest e-mail, in one query."""
    notice = and_(Notification.kind == NoticeKind.SAFEGUARDING, Notification.subject_type == SubjectType.AUDIT,
                  Notification.subject_id == SafeguardingAlert.audit_id,
                  Notification.recipient_id == SafeguardingAlert.recipient_id)
    rows = db.session.execute(
        select(SafeguardingAlert.id, Person.name, SafeguardingAlert.raised_at, SafeguardingAlert.acknowledged_at,
               Notification.email_state, Notification.sent_at, Notification.last_error)
        .join(Person, SafeguardingAlert.recipient_id == Person.id).outerjoin(Notification, notice)
        .where(SafeguardingAlert.audit_id == audit.id).order_by(Person.name, Notification.id))
    latest = {alert_id: AlertDelivery(*values) for alert_id, *values in rows}  # a later e-mail replaces an earlier
    return list(latest.values())
