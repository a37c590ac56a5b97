"""The security event log: the one way an event is recorded (docs/security.md, "Security event log").

    security_events.record(SecurityEventKind.PASSWORD_CHANGED, person=person)

The event joins the caller's transaction (and is committed with it), or is committed at once when there is none. The
client address is the request's (after ProxyFix, where a proxy is trusted); the time is the service's clock.
"""

from flask import has_request_context, request

from app.clock import now
from app.extensions import db
from app.models import Person, SecurityEvent, SecurityEventKind
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


def _client_address() -> str | None:
    return request.remote_addr if has_request_context() else None
