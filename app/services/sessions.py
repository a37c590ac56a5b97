"""Sessions held on the server: the one place a session begins and ends (docs/security.md, "Sessions").

    sessions.begin(person, method="password", now=now())      # where someone has proved who they are
    sessions.end(SessionEnd.SIGNED_OUT, now=now())            # sign-out, on this browser
    sessions.end_all(person, reason=SessionEnd.ROLE_CHANGED, actor=administrator, now=now())

The browser's Flask session cookie (signed with SECRET_KEY) carries a random session id; the database keeps its
SHA-256 (app.models.sessions), so state is shared by every web worker and host. Each signed-in request checks the row
(`current`): it must exist, be for the person the cookie names, not be ended, have been used within the idle limit
(SESSION_IDLE_MINUTES) and be younger than the absolute limit (SESSION_ABSOLUTE_HOURS). Otherwise the browser is
signed out. The last use is written at most once a minute (TOUCH_EVERY), so most requests only read.
"""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask import session as cookie
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from ua_parser import parse as parse_user_agent

from app.extensions import db
from app.models import Person, SecurityEventKind, SessionEnd, UserSession
from app.services import security_events
from app.services.transaction import transaction
from app.services.wording import plural

COOKIE_KEY = "session_id"  # the key of the session id in the Flask session cookie
TOUCH_EVERY = timedelta(seconds=60)
USER_AGENT_LENGTH = 200
TIMED_OUT = (SessionEnd.IDLE, SessionEnd.TOO_OLD)


@dataclass(frozen=True)
class Limits:
    """The session timeouts (docs/operations.md)."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)

    @classmethod
    def configured(cls) -> "Limits":
        config = current_app.config
        return cls(idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                   absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))

    @property
    def warning(self) -> timedelta:
        """How long before the idle limit the page warns: 2 minutes, or half the limit when it is shorter."""
        return min(timedelta(minutes=2), self.idle / 2)


# --- The rule ---------------------------------------------------------------------------------------------------


def expired(started_at: datetime, last_seen_at: datetime, *, now: datetime, limits: Limits) -> SessionEnd | None:
    """Why a session still open at `now` has timed out (too old, or idle), or None while it may go on."""
    if now - started_at >= limits.absolute:
        return SessionEnd.TOO_OLD
    if now - last_seen_at >= limits.idle:
        return SessionEnd.IDLE
    return None


def time_left(started_at: datetime, last_seen_at: datetime, *, now: datetime, limits: Limits) -> timedelta:
    """How long until the session times out if it is not used again."""
    return min(last_seen_at + limits.idle, started_at + limits.absolute) - now


def timed_out_message(reason: SessionEnd, limits: Limits) -> str:
    """What the sign-in page says to someone signed out by a timeout."""
    if reason == SessionEnd.TOO_OLD:
        hours = limits.absolute.total_seconds() / 3600
        return f"You were signed out because you had been signed in for {_amount(hours, 'hour')}. Sign in again."
    minutes = limits.idle.total_seconds() / 60
    return (f"You were signed out because you had not used the service for {_amount(minutes, 'minute')}. "
            "Sign in again.")


def _amount(count: float, unit: str) -> str:
    return plural(math.ceil(count), unit) if count >= 1 else plural(math.ceil(count * 60), "second")


# --- Beginning and ending ---------------------------------------------------------------------------------------


def begin(person: Person, *, method: str, now: datetime) -> None:
    """Sign `person` in on this browser, once they have proved who they are: a new session with a new id (the old
    Flask session, and any session it held, is ended first, so no id chosen before sign-in survives it), the
    event SIGNED_IN with `method` ("password", "single sign-on", ...), and Flask-Login's current_user. Never a
    "remember me" cookie."""
    token = secrets.token_urlsafe(32)
    _start(person, _hash(token), method=method, replacing=_cookie_hash(), now=now)
    cookie.clear()
    cookie[COOKIE_KEY] = token
    login_user(person, remember=False)


def end(reason: SessionEnd = SessionEnd.SIGNED_OUT, *, now: datetime) -> None:
    """End this browser's session (sign-out): the row is ended, the event SIGNED_OUT recorded, the cookie emptied."""
    token_hash = _cookie_hash()
    if token_hash:
        _end_one(token_hash, reason, now=now)
    logout_user()
    cookie.clear()


@transaction("These sessions")
def end_all(person: Person, *, reason: SessionEnd, now: datetime, actor: Person | None = None,
            keep_current: bool = False) -> int:
    """End every open session of `person` (sign out everywhere, a password or role change, deactivation), recorded
    as SESSIONS_ENDED with `actor` when someone else did it. `keep_current`: not this browser's own (a person who
    changes their password stays signed in where they changed it). How many were ended."""
    ending = update(UserSession).where(UserSession.person_id == person.id, UserSession.ended_at.is_(None))
    if keep_current and _cookie_hash():
        ending = ending.where(UserSession.token_hash != _cookie_hash())
    count = db.session.execute(ending.values(ended_at=now, end_reason=reason)
                               .execution_options(synchronize_session=False)).rowcount
    security_events.record(SecurityEventKind.SESSIONS_ENDED, person=person, actor=actor,
                           detail=f"{reason.label}: {plural(count, 'session')} ended")
    return count


# --- Each request -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """What a request's session check found: the person signed in (None: nobody), or why it just timed out."""

    person: Person | None = None
    timed_out: SessionEnd | None = None
    time_left: timedelta = timedelta(0)


def current(person_id: str, *, now: datetime, limits: Limits) -> Check:
    """The person this browser's session signs in, checked against its row (one indexed query, with the person).
    A session that has just timed out is ended and recorded; the last use is written at most once a minute."""
    token_hash = _cookie_hash()
    row = token_hash and db.session.scalar(select(UserSession).options(joinedload(UserSession.person))
                                           .where(UserSession.token_hash == token_hash))
    if not row or row.ended_at or str(row.person_id) != person_id or not row.person.is_active:
        return Check()
    reason = expired(row.started_at, row.last_seen_at, now=now, limits=limits)
    if reason:
        _time_out(row, reason, now=now)
        return Check(timed_out=reason)
    person, started_at, last_seen_at = row.person, row.started_at, row.last_seen_at
    if now - last_seen_at >= TOUCH_EVERY:
        _touch(row.id, now=now)
        last_seen_at = now
    return Check(person=person, time_left=time_left(started_at, last_seen_at, now=now, limits=limits))


@transaction("This session")
def touch(*, now: datetime, limits: Limits) -> timedelta:
    """This browser's session was used now ("Stay signed in"): how long it has left."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _cookie_hash(),
                                                      UserSession.ended_at.is_(None)))
    if not row:
        return timedelta(0)
    row.last_seen_at = now
    return time_left(row.started_at, now, now=now, limits=limits)


def open_sessions(person: Person, *, now: datetime, limits: Limits | None = None) -> list[UserSession]:
    """A person's sessions that still sign them in (not ended, not timed out unseen), the latest first."""
    limits = limits or Limits.configured()
    return list(db.session.scalars(select(UserSession).where(
        UserSession.person_id == person.id, UserSession.ended_at.is_(None),
        UserSession.last_seen_at > now - limits.idle, UserSession.started_at > now - limits.absolute)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def is_this_browser(row: UserSession) -> bool:
    return row.token_hash == _cookie_hash()


# --- Rows -------------------------------------------------------------------------------------------------------


@transaction("This session")
def _start(person: Person, token_hash: str, *, method: str, replacing: str | None, now: datetime) -> None:
    if replacing:
        _end_one(replacing, SessionEnd.SIGNED_IN_AGAIN, now=now, recorded=False)
    client, agent = (request.remote_addr, request.user_agent.string) if has_request_context() else (None, "")
    db.session.add(UserSession(token_hash=token_hash, person_id=person.id, started_at=now, last_seen_at=now,
                               client=client, user_agent=agent[:USER_AGENT_LENGTH]))
    security_events.record(SecurityEventKind.SIGNED_IN, person=person, detail=f"With {method}")


@transaction("This session")
def _end_one(token_hash: str, reason: SessionEnd, *, now: datetime, recorded: bool = True) -> None:
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == token_hash,
                                                      UserSession.ended_at.is_(None)))
    if row:
        row.ended_at, row.end_reason = now, reason
        if recorded:
            security_events.record(SecurityEventKind.SIGNED_OUT, person=row.person)


@transaction("This session")
def _time_out(row: UserSession, reason: SessionEnd, *, now: datetime) -> None:
    row.ended_at, row.end_reason = now, reason
    security_events.record(SecurityEventKind.SESSION_TIMED_OUT, person=row.person, detail=reason.label)


@transaction("This session")
def _touch(session_id: int, *, now: datetime) -> None:
    db.session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now)
                       .execution_options(synchronize_session=False))


def _cookie_hash() -> str | None:
    token = cookie.get(COOKIE_KEY) if has_request_context() else None
    return _hash(token) if isinstance(token, str) else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def browser_named(user_agent: str) -> str:
    """The browser and system a session was started from, as a person names them ("Chrome 131 on Windows",
    "Mobile Safari 17 on iOS"), read from its User-Agent by ua-parser; the text as sent when it says nothing known."""
    if not user_agent:
        return "Unknown browser"
    parsed = parse_user_agent(user_agent)
    if parsed.user_agent is None or parsed.user_agent.family == "Other":
        return user_agent
    browser = " ".join(part for part in (parsed.user_agent.family, parsed.user_agent.major) if part)
    system = parsed.os.family if parsed.os and parsed.os.family != "Other" else None
    return f"{browser} on {system}" if system else browser
