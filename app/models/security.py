"""Security: the failed sign-in attempts (sign-in protection), and the security event log.

Sign-in protection: the failed sign-in attempts still counting against an account or a client address.

One row per attempt, written before the password is checked (so attempts made at the same moment by several web
workers or hosts see each other) and deleted when the attempt succeeds or is refused unchecked; what is left is the
failures. The key is a keyed hash (HMAC-SHA-256 with SECRET_KEY) of the normalised e-mail address or the client
address: nothing typed is stored as typed, and never anything about a password. Rows older than the rules look
back are deleted as new attempts arrive.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_type

if TYPE_CHECKING:
    from app.models.people import Person


class AttemptScope(LabelledEnum):
    ACCOUNT = "account", "E-mail address"  # known or not: unknown addresses are counted too, so a lock reveals nothing
    ADDRESS = "address", "Client address"


class SignInAttempt(db.Model):
    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[AttemptScope] = mapped_column(enum_type(AttemptScope, "attempt_scope"))
    key: Mapped[str] = mapped_column(String(64))  # hex HMAC-SHA-256 of the e-mail address or client address
    at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<SignInAttempt {self.scope} at {self.at:%Y-%m-%d %H:%M:%S}>"


class SecurityEventKind(LabelledEnum):
    """What the security event log records (docs/security.md, "Security event log")."""

    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Sign-in locked"
    LOCK_LIFTED = "lock_lifted", "Sign-in lock lifted"
    SIGNED_OUT = "signed_out", "Signed out"
    SESSIONS_ENDED = "sessions_ended", "Sessions ended"
    SESSION_TIMED_OUT = "session_timed_out", "Session timed out"
    SSO_SIGNED_IN = "sso_signed_in", "Signed in with single sign-on"
    SSO_REFUSED = "sso_refused", "Single sign-on refused"
    ACCOUNT_PROVISIONED = "account_provisioned", "Account created at first single sign-on"
    SECOND_FACTOR_SET_UP = "second_factor_set_up", "Second factor set up"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor code wrong"
    SECOND_FACTOR_REMOVED = "second_factor_removed", "Second factor removed"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset"
    SET_UP_LINK_SENT = "set_up_link_sent", "Set-up link sent"
    ROLE_CHANGED = "role_changed", "Role changed"
    ACCOUNT_DEACTIVATED = "account_deactivated", "Account deactivated"
    EXPORTED = "exported", "Data exported"


class SecurityEvent(db.Model):
    """One row of the security event log: append-only, never edited (docs/security.md, "Security event log").

    `person` is whom the event is about (None: an unknown e-mail address); `actor` who caused it when that is someone
    else (an administrator changing a role). `client` is the client address the request came from.
    """

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[SecurityEventKind] = mapped_column(enum_type(SecurityEventKind, "security_event_kind"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    client: Mapped[str | None] = mapped_column(String(45))  # an IPv6 address at most
    detail: Mapped[str] = mapped_column(String(500), default="")

    person: Mapped["Person | None"] = relationship(foreign_keys=[person_id])
    actor: Mapped["Person | None"] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<SecurityEvent {self.kind} at {self.at:%Y-%m-%d %H:%M:%S}>"
