"""Passwords for local accounts, by the NCSC's guidance: long enough, not common, and no composition rules.

A password must be at least 12 characters and may be up to 256 (a pass phrase of several words fits easily; the
hash costs the same whatever the length, see docs/security.md). It is refused when it is one of the 20,000 most
common passwords (Django's list, shipped in app/data: compared ignoring case, and ignoring digits and punctuation
added before or after it, so "Password2024!" is refused as "password"), when it is the person's e-mail address or
name, or when it is one character, or a few, repeated. Nothing else: no required digits, capitals or symbols.

Every place a password is set checks it here (the change, reset and set-up pages, and `flask users create`).
"""

import gzip
import re
from datetime import datetime
from functools import cache
from pathlib import Path

from app.models import Person, SecurityEventKind, SessionEnd
from app.services import history, security_events, sessions
from app.services.errors import DomainError
from app.services.transaction import transaction

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
_ADDED = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits and punctuation put before or after a word
_REPEATED = re.compile(r"^(.{1,3})\1+$", re.DOTALL)  # "aaaaaaaaaaaa", "abababababab", "abcabcabcabc"

TOO_SHORT = f"Choose a password of at least {MIN_LENGTH} characters"
TOO_LONG = f"Choose a password of {MAX_LENGTH} characters or fewer"
COMMON = "Choose a password that is harder to guess: this one is among the most common passwords"
PERSONAL = "Choose a password that is not your email address or name"
REPEATED = "Choose a password that is not one character, or a few, repeated"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def problem(password: str, *, email: str | None = None, name: str | None = None) -> str | None:
    """What is wrong with this password for the person with this e-mail address and name (None: nothing)."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if _REPEATED.match(password):
        return REPEATED
    if _is_common(password.lower()):
        return COMMON
    if _is_personal(password.lower(), email=email, name=name):
        return PERSONAL
    return None


def check(password: str, *, email: str | None = None, name: str | None = None, field: str = "password") -> None:
    """Refuse a password that breaks a rule, with the message for the field it was typed in."""
    message = problem(password, email=email, name=name)
    if message:
        raise DomainError(message, field)


def _is_common(password: str) -> bool:
    listed = common_passwords()
    return password in listed or _ADDED.sub("", password) in listed


def _is_personal(password: str, *, email: str | None, name: str | None) -> bool:
    def squeezed(text: str) -> str:
        return re.sub(r"[\W_]+", "", text.lower())

    mine = {squeezed(value) for value in (email, (email or "").split("@")[0], name) if value}
    return squeezed(password) in mine or squeezed(_ADDED.sub("", password)) in mine


def set_password(person: Person, password: str, *, how: str, actor: Person | None, now: datetime,
                 field: str = "password") -> None:
    """Set a password that meets the rules; its history row says how it was set (never the password)."""
    check(password, email=person.email, name=person.name, field=field)
    person.set_password(password)
    history.record(person, "password", None, how, actor=actor, now=now, action_id=None)


@transaction("Your password")
def change_password(person: Person, *, current: str, new: str, now: datetime) -> None:
    """A person changes their own password: the current one is needed, and the new one must meet the rules."""
    if not person.check_password(current):
        raise DomainError("Your current password is not right", "current_password")
    if new == current:
        raise DomainError("Choose a new password that is not the same as your current one", "new_password")
    set_password(person, new, how="changed by its owner", actor=person, now=now, field="new_password")
    security_events.record(SecurityEventKind.PASSWORD_CHANGED, person=person)
    sessions.end_all(person, reason=SessionEnd.PASSWORD_CHANGED, now=now, keep_current=True)
