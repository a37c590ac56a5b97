"""Retention of the child's identity in audits (docs/security.md, "Retention of children's identity").

With AUDIT_IDENTITY_RETENTION_DAYS set (empty or 0: kept), the child's full name and date of birth are cleared from
every audit completed more than that many days ago (its completion date, or the day it was submitted when no
completion date was given). The case reference and everything else stay. Each clearing is in the audit's history
(by the service, no person), with the day and the period, and the audit's page says so to those who may read it;
the scheduler's log and `flask audits clear-identities` say how many were cleared. The pool holds no child's name
or date of birth (models.PoolCase).
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from app.extensions import db
from app.models import Audit, AuditRecord, ChangeRecord
from app.services import history
from app.services.transaction import transaction

CLEARED = "child's name and date of birth"


def cut_off(today: date, days: int | None) -> date | None:
    """Audits completed before this day have their child's identity cleared (None: kept, no period set)."""
    return today - timedelta(days=days) if days and days > 0 else None


@transaction("The child's identity retention")
def clear_identities(*, days: int | None, today: date, now: datetime) -> int:
    """Clear the child's name and date of birth from audits completed before the cut-off; how many were cleared."""
    before = cut_off(today, days)
    if before is None:
        return 0
    completed_before = or_(Audit.completed_on < before,
                           and_(Audit.completed_on.is_(None), Audit.submitted_at < datetime.combine(before, time.min)))
    records = db.session.scalars(select(AuditRecord).join(Audit, AuditRecord.audit_id == Audit.id).where(
        completed_before, or_(AuditRecord.child_name.is_not(None), AuditRecord.child_date_of_birth.is_not(None))))
    cleared = 0
    for record in records:
        record.child_name = record.child_date_of_birth = None
        history.record(db.session.get(Audit, record.audit_id), CLEARED, None,
                       f"cleared on {today.isoformat()}, {days} days after completion", actor=None, now=now,
                       action_id=None)
        cleared += 1
    return cleared


def cleared_at(audit: Audit) -> datetime | None:
    """When the retention rule cleared this audit's child's identity (None: never)."""
    return db.session.scalar(select(ChangeRecord.changed_at).where(
        ChangeRecord.entity_type == "audit", ChangeRecord.entity_id == audit.id, ChangeRecord.field == CLEARED,
        ChangeRecord.changed_by_id.is_(None)).order_by(ChangeRecord.changed_at.desc()).limit(1))
