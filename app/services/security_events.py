"""The security event log: the one way an event is recorded (docs/security.md, "Security event log").

    security_events.record(SecurityEventKind.PASSWORD_CHANGED, person=person)

The event joins the caller's transaction (and is committed with it), or is committed at once when there is none. The
client address is the request's (after ProxyFix, where a proxy is trusted); the time is the service's clock.
"""

from datetime import datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import delete

from app.clock import now
from app.extensions import db
from app.models import Person, SecurityEvent, SecurityEventKind, UserSession
from app.services.transaction import transaction

DETAIL_LENGTH = 500


@transaction("This security event")
def record(kind: SecurityEventKind, *, person: Person | None = None, actor: Person | None = None,
           detail: str = "") -> SecurityEvent:
    event = SecurityEvent(kind=kind, at=now(), person_id=person.id if person else None,
                          actor_id=actor.id if actor else None, client=_client_address(),
                          detail=detail[:DETAIL_LENGTH])
    db.session.add(event)
    return event


@transaction("The security log's retention")
def forget_older_than(days: int, *, now: datetime) -> int:
    """Delete security events, and sessions that ended, more than `days` days ago (SECURITY_LOG_RETENTION_DAYS): they
    hold client addresses and browsers, kept only as long as the council needs them. How many rows went."""
    cut_off = now - timedelta(days=days)
    events = db.session.execute(delete(SecurityEvent).where(SecurityEvent.at < cut_off)).rowcount
    ended = db.session.execute(delete(UserSession).where(UserSession.ended_at < cut_off)).rowcount
    return events + ended


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None
