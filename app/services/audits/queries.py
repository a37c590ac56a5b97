"""What the audit pages read: the audits a person may see, the rounds, one audit with everything
recorded, a moderation; and for My work, the safeguarding alerts a person has not yet acknowledged."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import (
    Audit,
    AuditElement,
    AuditRound,
    AuditTool,
    EmailState,
    Moderation,
    NoticeKind,
    Notification,
    Person,
    Plan,
    PoolCase,
    RoundSelection,
    SafeguardingAlert,
    SmartRecommendation,
    SubjectType,
)
from app.services import permissions
from app.services.listing import ListPage, ListQuery, paged

AUDIT_SORTS = {
    "allocated": (Audit.allocated_at, Audit.id),
    "case": (PoolCase.reference, Audit.id),
    "round": (AuditRound.month, AuditRound.title, Audit.id),
    "state": (Audit.state, Audit.id),
}


def visible_audits(person: Person, query: ListQuery) -> ListPage:
    """A page of the audits a person may see listed: the ones they write, and those of cases they manage; searched
    by case ID or round."""
    managed_cases = select(PoolCase.id).where(or_(PoolCase.team_manager_id == person.id,
                                                  PoolCase.service_manager_id == person.id))
    statement = (select(Audit).join(Audit.case).join(Audit.round)
                 .where(or_(Audit.auditor_id == person.id, Audit.case_id.in_(managed_cases)))
                 .options(contains_eager(Audit.case), contains_eager(Audit.round)))
    return paged(statement, query, sorts=AUDIT_SORTS, searched=(PoolCase.reference, AuditRound.title))


def rounds_for(person: Person) -> list:
    """Every round with its cases chosen, audits allocated and submitted, newest first: for QA leads (and admins)
    only. One query, however many rounds (about twelve a year)."""
    if not permissions.sees_audit_contents(person):
        return []
    chosen = (select(func.count()).where(RoundSelection.round_id == AuditRound.id)
              .correlate(AuditRound).scalar_subquery())
    return db.session.execute(
        select(AuditRound, chosen, func.count(Audit.id), func.count(Audit.submitted_at))
        .outerjoin(Audit, Audit.round_id == AuditRound.id).group_by(AuditRound.id)
        .order_by(AuditRound.month.desc(), AuditRound.id.desc())).all()


def round_with_cases(round_id: int) -> AuditRound | None:
    """A round with its chosen cases (and their teams) and its audits (with auditor and case)."""
    return db.session.scalar(select(AuditRound).where(AuditRound.id == round_id).options(
        selectinload(AuditRound.selections).selectinload(RoundSelection.case).selectinload(PoolCase.team),
        selectinload(AuditRound.audits).selectinload(Audit.auditor),
        selectinload(AuditRound.audits).selectinload(Audit.case)))


def round_moderations(audit_round: AuditRound) -> dict[int, Moderation]:
    """The round's moderations (with their moderator), by audit id."""
    return {moderation.audit_id: moderation for moderation in db.session.scalars(
        select(Moderation).join(Audit).where(Audit.round_id == audit_round.id)
        .options(selectinload(Moderation.moderator)))}


def load_audit(audit_id: int) -> Audit | None:
    """The audit with its tool (elements, standards) and everything recorded, in a fixed number of queries (none
    per row): for the audit's pages and its Word document."""
    return db.session.scalar(select(Audit).where(Audit.id == audit_id).options(
        joinedload(Audit.round), joinedload(Audit.case), joinedload(Audit.auditor), joinedload(Audit.record),
        joinedload(Audit.tool).selectinload(AuditTool.elements).selectinload(AuditElement.standards),
        selectinload(Audit.answers), selectinload(Audit.element_grades), selectinload(Audit.parties),
        selectinload(Audit.recommendations).joinedload(SmartRecommendation.owner),
        selectinload(Audit.learning_points), selectinload(Audit.shared_with),
        selectinload(Audit.moderation).selectinload(Moderation.grades),
        selectinload(Audit.moderation).joinedload(Moderation.moderator)))


def load_moderation(moderation_id: int) -> Moderation | None:
    """A moderation with its audit's grades, record, case and tool: all the moderation page shows."""
    return db.session.scalar(select(Moderation).where(Moderation.id == moderation_id).options(
        selectinload(Moderation.audit).selectinload(Audit.element_grades),
        selectinload(Moderation.audit).selectinload(Audit.record),
        selectinload(Moderation.audit).selectinload(Audit.case),
        selectinload(Moderation.audit).selectinload(Audit.tool).selectinload(AuditTool.elements)
        .selectinload(AuditElement.standards),
        selectinload(Moderation.grades)))


def latest_plan() -> Plan | None:
    """The plan a learning point becomes an action of: the newest."""
    return db.session.scalar(select(Plan).order_by(Plan.id.desc()).limit(1))


def unacknowledged_alerts(person: Person) -> list[SafeguardingAlert]:
    """The immediate safeguarding actions sent to a person and not yet acknowledged, oldest first (for My work)."""
    return list(db.session.scalars(
        select(SafeguardingAlert)
        .where(SafeguardingAlert.recipient_id == person.id, SafeguardingAlert.acknowledged_at.is_(None))
        .options(selectinload(SafeguardingAlert.audit).selectinload(Audit.case))
        .order_by(SafeguardingAlert.raised_at)))


@dataclass(frozen=True)
class AlertDelivery:
    """A safeguarding alert, and where its e-mail is: the scheduler's delivery job sends it within a minute."""

    recipient: str
    raised_at: datetime
    acknowledged_at: datetime | None
    email_state: EmailState | None  # None: no e-mail was written (the person is not an active user)
    sent_at: datetime | None
    last_error: str | None

    @property
    def email(self) -> str:
        """Where the e-mail is, in words: "Waiting to be sent", "Sent …", "Failed, will retry: …"."""
        if self.email_state == EmailState.SENT:
            return f"Sent {self.sent_at:%d/%m/%Y %H:%M}"
        if self.email_state in (EmailState.PENDING, EmailState.SENDING):
            return f"Failed, will retry: {self.last_error}" if self.last_error else "Waiting to be sent"
        if self.email_state == EmailState.NOT_EMAILED:
            return "Not e-mailed: no e-mail address"
        return "Not e-mailed"


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
