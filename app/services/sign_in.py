"""Signing in with a password, protected against guessing: the rules, and the one place they are applied.

Per account (the normalised e-mail address, known or not): after each failure the next attempt waits a little
longer (a progressive delay: none after the first failure, then 2, 4, 8 seconds by default), and after 5 failures
within 15 minutes the account is locked for 15 minutes, refused even with the right password. Per client address:
after 30 failures within 15 minutes, every attempt from it waits until the oldest drops out of the window. A refused
attempt is answered with how long to wait and nothing more: it is never checked, never counted, and never
extends a lock. A successful sign-in clears the account's failures; an administrator may lift a lock early (lift_lock).

The security event log (docs/security.md, "Security event log") gets one SIGN_IN_FAILED row for each checked
failure (the person when the address is known; for an unknown address no person and the detail "unknown e-mail
address", never the text typed, and never anything about the password) and one LOCKED_OUT row for the failure that
starts a lock (once per lock). An attempt refused unchecked while the account or address waits is not recorded:
it is never checked, so a flood of them (27 of the security review's 30 guesses in 4 s) adds nothing to the log
beyond the failures and the one lock that caused the wait. Signing in is recorded where sessions begin.

Known and unknown e-mail addresses cost the same: each attempt checks one password hash (an unknown address, or a
person who cannot sign in, is checked against a dummy hash made the way passwords are), and both write and read the
same rows (the event log's rows included). The failure message never says which part was wrong.

The counts are rows in the database (app.models.security), so every web worker and host sees the same ones.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import AttemptScope, Person, SecurityEventKind, SignInAttempt
from app.services import security_events, single_sign_on
from app.services.plans import facts as milestone_facts
from app.services.transaction import transaction
from app.services.wording import plural

NOT_RIGHT = "The email address or password is not right"


@dataclass(frozen=True)
class Limits:
    """The sign-in protection's settings (docs/operations.md)."""

    lock_after: int = 5  # failures within `window` that lock the account
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)
    first_delay: timedelta = timedelta(seconds=2)  # after the 2nd failure; doubled after each one more
    address_limit: int = 30  # failures from one client address within `window`

    @classmethod
    def configured(cls) -> "Limits":
        config = current_app.config
        return cls(lock_after=config["SIGN_IN_LOCK_AFTER"], window=timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"]),
                   lock_for=timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"]),
                   first_delay=timedelta(seconds=config["SIGN_IN_FIRST_DELAY_SECONDS"]),
                   address_limit=config["SIGN_IN_ADDRESS_LIMIT"])

    @property
    def look_back(self) -> timedelta:
        """How far back a failure can still matter (a lock started by failures a window long, and the lock)."""
        return self.window + self.lock_for


@dataclass(frozen=True)
class Outcome:
    person: Person | None = None
    wait: timedelta = timedelta(0)  # more than zero: refused unchecked, try again after this long

    @property
    def message(self) -> str:
        if self.wait:
            return (f"You have tried to sign in too many times. Wait {how_long(self.wait)}, then try again. Until "
                    "then, signing in is refused even with the right password.")
        return NOT_RIGHT


def how_long(wait: timedelta) -> str:
    """'8 seconds' up to a minute, then whole minutes rounded up ('15 minutes')."""
    seconds = math.ceil(wait.total_seconds())
    return plural(seconds, "second") if seconds <= 60 else plural(math.ceil(seconds / 60), "minute")


def account_wait(failures: list[datetime], *, now: datetime, limits: Limits) -> timedelta:
    """How long the account must wait before its next attempt is checked (zero: now)."""
    counting, locked_until = _since_last_lock(sorted(failures), limits)
    if locked_until and now < locked_until:
        return locked_until - now
    recent = [failure for failure in counting if now - failure < limits.window]
    if len(recent) < 2:
        return timedelta(0)
    return max(recent[-1] + limits.first_delay * 2 ** (len(recent) - 2) - now, timedelta(0))


def _since_last_lock(failures: list[datetime], limits: Limits) -> tuple[list[datetime], datetime | None]:
    """The failures counting towards the next lock, and when the last lock ends (None: never locked)."""
    counting, locked_until = [], None
    for failure in failures:
        if locked_until and failure < locked_until:
            continue  # made at the same moment as the one that locked it: it does not lock it again
        counting = [*(earlier for earlier in counting if failure - earlier < limits.window), failure]
        if len(counting) >= limits.lock_after:
            counting, locked_until = [], failure + limits.lock_for
    return counting, locked_until


def address_wait(failures: list[datetime], *, now: datetime, limits: Limits) -> timedelta:
    """How long a client address must wait: until its failures within the window are fewer than the limit."""
    recent = sorted(failure for failure in failures if now - failure < limits.window)
    if len(recent) < limits.address_limit:
        return timedelta(0)
    return recent[-limits.address_limit] + limits.window - now


def attempt(email: str, password: str, *, client: str | None, now: datetime, limits: Limits | None = None) -> Outcome:
    """Try to sign in: the person signed in, or no one, with how long to wait when the attempt was refused unchecked."""
    limits = limits or Limits.configured()
    email = email.strip().lower()
    keys = {AttemptScope.ACCOUNT: _key(email), AttemptScope.ADDRESS: _key(client or "unknown")}
    claimed = _claim(keys, now=now, limits=limits)
    earlier = _failures(keys, AttemptScope.ACCOUNT, claimed, now - limits.look_back)
    wait = max(account_wait(earlier, now=now, limits=limits),
               address_wait(_failures(keys, AttemptScope.ADDRESS, claimed, now - limits.window), now=now,
                            limits=limits))
    if wait:
        _forget(claimed)
        return Outcome(wait=wait)
    found, right = _checked(email, password)
    if right:
        _signed_in(found, keys[AttemptScope.ACCOUNT], claimed, now=now)
        return Outcome(person=found)
    _failed(found, locks=locks(earlier, now=now, limits=limits))
    return Outcome()


def locks(earlier: list[datetime], *, now: datetime, limits: Limits) -> bool:
    """Whether a failure now, after these earlier ones, starts a lock (so a lock is recorded once)."""
    _, locked_until = _since_last_lock(sorted([*earlier, now]), limits)
    return locked_until == now + limits.lock_for


@transaction("This sign-in")
def _failed(person: Person | None, *, locks: bool) -> None:
    """Record the failure (and the lock it starts): the same rows for a known and an unknown address."""
    detail = "" if person else "unknown e-mail address"
    security_events.record(SecurityEventKind.SIGN_IN_FAILED, person=person, detail=detail)
    if locks:
        security_events.record(SecurityEventKind.LOCKED_OUT, person=person, detail=detail)


def _key(value: str) -> str:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), value.encode(), hashlib.sha256).hexdigest()


@transaction("This sign-in")
def _claim(keys: dict[AttemptScope, str], *, now: datetime, limits: Limits) -> dict[AttemptScope, int]:
    """Record the attempt before its password is checked, so attempts made at the same moment see each other; and
    forget attempts too old to matter."""
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - limits.look_back))
    rows = {scope: SignInAttempt(scope=scope, key=key, at=now) for scope, key in keys.items()}
    db.session.add_all(rows.values())
    db.session.flush()
    return {scope: row.id for scope, row in rows.items()}


def _failures(keys: dict[AttemptScope, str], scope: AttemptScope, claimed: dict[AttemptScope, int],
              since: datetime) -> list[datetime]:
    """The times of the failures (and attempts under way) recorded before this attempt."""
    return list(db.session.scalars(select(SignInAttempt.at).where(
        SignInAttempt.scope == scope, SignInAttempt.key == keys[scope], SignInAttempt.at >= since,
        SignInAttempt.id < claimed[scope])))


@transaction("This sign-in")
def _forget(claimed: dict[AttemptScope, int]) -> None:
    """A refused attempt is not a failure: it was never checked, so it does not count or extend a lock."""
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.id.in_(claimed.values())))


def _checked(email: str, password: str) -> tuple[Person | None, bool]:
    """The person with this address (None: unknown), and whether the password signs them in; one password hash
    checked either way."""
    person = db.session.scalar(select(Person).where(Person.email == email)) if email else None
    if person and person.is_active and single_sign_on.password_sign_in_allowed(person):
        return person, person.check_password(password)
    _dummy().check_password(password)  # the same work as for a real person, so the time says nothing
    return person, False


@cache
def _dummy() -> Person:
    """A person never saved, whose password hash is made exactly as real ones are (same algorithm and cost)."""
    dummy = Person(name="No one")
    dummy.set_password(hashlib.sha256(b"no one signs in with this").hexdigest())
    return dummy


@transaction("This sign-in")
def _signed_in(person: Person, account_key: str, claimed: dict[AttemptScope, int], *, now: datetime) -> None:
    """Clear the account's failures (and this attempt), and record the sign-in. A plain UPDATE: signing in is not
    an edit, so it must not bump the version administrators edit."""
    db.session.execute(delete(SignInAttempt).where(
        (SignInAttempt.scope == AttemptScope.ACCOUNT) & (SignInAttempt.key == account_key)
        | SignInAttempt.id.in_(claimed.values())))
    db.session.execute(update(Person).where(Person.id == person.id).values(last_login_at=now)
                       .execution_options(synchronize_session=False, **milestone_facts.UNSEEN_COLUMNS))


def is_locked(person: Person, *, now: datetime, limits: Limits | None = None) -> bool:
    """Whether the person's account is locked now (for the administrator's "Lift the sign-in lock")."""
    limits = limits or Limits.configured()
    failures = list(db.session.scalars(select(SignInAttempt.at).where(
        SignInAttempt.scope == AttemptScope.ACCOUNT, SignInAttempt.key == _account_key(person),
        SignInAttempt.at >= now - limits.look_back)))
    _, locked_until = _since_last_lock(sorted(failures), limits)
    return bool(locked_until and now < locked_until)


@transaction("This sign-in lock")
def lift_lock(person: Person, *, actor: Person) -> None:
    """Clear the account's failures, so the person may sign in at once (their client address keeps its count)."""
    db.session.execute(delete(SignInAttempt).where(
        SignInAttempt.scope == AttemptScope.ACCOUNT, SignInAttempt.key == _account_key(person)))
    security_events.record(SecurityEventKind.LOCK_LIFTED, person=person, actor=actor)


def _account_key(person: Person) -> str:
    return _key((person.email or "").strip().lower())
