"""Sessions held on the server: one row per sign-in, from signing in until sign-out, a timeout or an end by someone
else (docs/security.md, "Sessions").

The browser's (signed) Flask session cookie carries a random session id; only its SHA-256 is stored here, so a
copy of this table opens no session. Every signed-in request looks its row up by that hash (one indexed query, with
the person): a row that is ended, idle too long or too old signs the browser out, on every web worker and host.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, enum_type

if TYPE_CHECKING:
    from app.models.people import Person


class SessionEnd(LabelledEnum):
    """Why a session ended."""

    SIGNED_OUT = "signed_out", "Signed out"
    IDLE = "idle", "Not used for too long"
    TOO_OLD = "too_old", "Signed in for too long"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", "Signed out everywhere"
    ENDED_BY_ADMINISTRATOR = "ended_by_administrator", "Ended by an administrator"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    ROLE_CHANGED = "role_changed", "Role changed"
    DEACTIVATED = "deactivated", "Account deactivated"
    SIGNED_IN_AGAIN = "signed_in_again", "Signed in again in the same browser"


class UserSession(db.Model):
    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_person_id_ended_at", "person_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the cookie's session id
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]  # updated at most once a minute (TOUCH_EVERY in app.services.sessions)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[SessionEnd | None] = mapped_column(enum_type(SessionEnd, "session_end"))
    client: Mapped[str | None] = mapped_column(String(45))  # the client address at sign-in (an IPv6 address at most)
    user_agent: Mapped[str] = mapped_column(String(200), default="")  # the browser as it names itself, shortened

    person: Mapped["Person"] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of person {self.person_id} from {self.started_at:%Y-%m-%d %H:%M}>"
