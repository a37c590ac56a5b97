"""Sign-in protection: the failed sign-in attempts still counting against an account or a client address.

One row per attempt, written before the password is checked (so attempts made at the same moment by several web
workers or hosts see each other) and deleted when the attempt succeeds or is refused unchecked; what is left is the
failures. The key is a keyed hash (HMAC-SHA-256 with SECRET_KEY) of the normalised e-mail address or the client
address: nothing typed is stored as typed, and never anything about a password. Rows older than the rules look
back are deleted as new attempts arrive.
"""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import LabelledEnum, enum_type


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
