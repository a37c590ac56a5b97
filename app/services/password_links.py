"""E-mailed links that let a person choose a password: "Forgotten your password?" (reset) and an administrator's
set-up link for a new account (set-up).

Each link holds a long random token; only its SHA-256 is stored. A link works once, until it expires (reset: 60
minutes, set-up: 7 days, by configuration), and a newer link of the same kind, or a new password, makes it void.
Asking for a reset answers the same whether or not the address is known, and e-mails a person at most once in
PASSWORD_RESET_EMAIL_INTERVAL_MINUTES. The e-mail is sent at once, not through the notices outbox: a link that
arrives after the scheduler's next run would already be on its way to expiring.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from sqlalchemy import select, update

from app.extensions import db
from app.models import PasswordToken, Person, PersonKind, SecurityEvent, SecurityEventKind, SessionEnd, TokenPurpose
from app.services import passwords, security_events, sessions
from app.services.errors import DomainError
from app.services.reminders import mailer
from app.services.transaction import transaction

log = logging.getLogger(__name__)

LINK_NOT_WORKING = ("This link has expired or has already been used. Ask for a new one: use “Forgotten your "
                    "password?” on the sign-in page, or ask an administrator for a new set-up link.")


def lifetime(purpose: TokenPurpose) -> timedelta:
    config = current_app.config
    if purpose == TokenPurpose.SET_UP:
        return timedelta(days=config["SET_UP_LINK_DAYS"])
    return timedelta(minutes=config["PASSWORD_RESET_MINUTES"])


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email: str, *, now: datetime) -> None:
    """Someone asks for a reset link for this address: e-mailed if it is a person who may sign in and who has not
    been sent one in the last few minutes. Nothing is said either way."""
    person = _reset_candidate(email.strip().lower())
    if person is None or _recently_sent(person, now):
        _hash(secrets.token_urlsafe(32))  # the same small work as making a link
        return
    token = _issue(person, TokenPurpose.RESET, now=now)
    security_events.record(SecurityEventKind.PASSWORD_RESET_REQUESTED, person=person)
    _send(person, token, TokenPurpose.RESET, now=now)


def _reset_candidate(email: str) -> Person | None:
    person = db.session.scalar(select(Person).where(Person.email == email)) if email else None
    return person if person and person.active and person.kind == PersonKind.INDIVIDUAL else None


def _recently_sent(person: Person, now: datetime) -> bool:
    since = now - timedelta(minutes=current_app.config["PASSWORD_RESET_EMAIL_INTERVAL_MINUTES"])
    return db.session.scalar(select(SecurityEvent.id).where(
        SecurityEvent.person_id == person.id, SecurityEvent.kind == SecurityEventKind.PASSWORD_RESET_REQUESTED,
        SecurityEvent.at > since).limit(1)) is not None


def can_be_sent_set_up_link(person: Person) -> bool:
    return bool(person.kind == PersonKind.INDIVIDUAL and person.email and person.active)


def send_set_up_link(person: Person, *, actor: Person, now: datetime) -> bool:
    """An administrator sends a person a link to choose their password (a new account, or a lost link). False: the
    e-mail could not be sent (the link is void then: send another)."""
    if not can_be_sent_set_up_link(person):
        raise DomainError("Only a person with an email address who can sign in can be sent a set-up link. Add their "
                          "email address and tick “Can sign in” first")
    token = _issue(person, TokenPurpose.SET_UP, now=now)
    security_events.record(SecurityEventKind.SET_UP_LINK_SENT, person=person, actor=actor)
    return _send(person, token, TokenPurpose.SET_UP, now=now)


def set_up_token(email: str, *, now: datetime) -> str:
    """A set-up link's token for the person with this address, to hand over without e-mail (`flask users
    set-up-link`): recorded as sent by no one (the command line)."""
    person = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None or not can_be_sent_set_up_link(person):
        raise DomainError(f"No one who can sign in has the email address {email.strip()}")
    token = _issue(person, TokenPurpose.SET_UP, now=now)
    security_events.record(SecurityEventKind.SET_UP_LINK_SENT, person=person, detail="printed by flask users set-up-link")
    return token


@transaction("This link")
def _issue(person: Person, purpose: TokenPurpose, *, now: datetime) -> str:
    """A new link's token (returned once, never stored); earlier unused links of the same kind become void."""
    _void(person, now=now, purpose=purpose)
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordToken(person_id=person.id, purpose=purpose, token_hash=_hash(token), created_at=now,
                                 expires_at=now + lifetime(purpose)))
    return token


def _void(person: Person, *, now: datetime, purpose: TokenPurpose | None = None) -> None:
    statement = update(PasswordToken).where(PasswordToken.person_id == person.id, PasswordToken.used_at.is_(None))
    if purpose:
        statement = statement.where(PasswordToken.purpose == purpose)
    db.session.execute(statement.values(used_at=now))


def _send(person: Person, token: str, purpose: TokenPurpose, *, now: datetime) -> bool:
    context = {"person": person, "purpose": purpose, "link": current_app.config["BASE_URL"] + url_for(
        "auth.new_password", token=token), "hours": lifetime(purpose).total_seconds() / 3600,
        "service_name": current_app.config["SERVICE_NAME"]}
    subject = (f"Set up your {context['service_name']} account" if purpose == TokenPurpose.SET_UP
               else f"Reset your {context['service_name']} password")
    email = mailer.Email(to=person.email, subject=subject, text=render_template("emails/password_link.txt", **context),
                         html=render_template("emails/password_link.html", **context))
    try:
        with mailer.connection(now) as send:
            send(email)
    except mailer.MailError as error:
        log.warning("A %s link for person %s could not be e-mailed: %s", purpose.value, person.id, error)
        _void_unsent(person, purpose, now=now)
        return False
    return True


@transaction("This link")
def _void_unsent(person: Person, purpose: TokenPurpose, *, now: datetime) -> None:
    _void(person, now=now, purpose=purpose)


def open_link(token: str, *, now: datetime) -> PasswordToken | None:
    """The link this token is, while it works (unused, unexpired, for a person who may sign in)."""
    link = db.session.scalar(select(PasswordToken).where(PasswordToken.token_hash == _hash(token)))
    if link is None or link.used_at or link.expires_at <= now:
        return None
    person = db.session.get(Person, link.person_id)
    return link if person.active and person.kind == PersonKind.INDIVIDUAL else None


@transaction("This link")
def choose_password(token: str, password: str, *, now: datetime) -> Person:
    """Use a link: the new password is set, the link and every other one for the person become void."""
    link = open_link(token, now=now)
    if link is None:
        raise DomainError(LINK_NOT_WORKING)
    person = db.session.get(Person, link.person_id)
    claimed = db.session.execute(update(PasswordToken).where(PasswordToken.id == link.id,
                                                             PasswordToken.used_at.is_(None)).values(used_at=now))
    if claimed.rowcount != 1:  # used at the same moment by another request
        raise DomainError(LINK_NOT_WORKING)
    how = "set with a set-up link" if link.purpose == TokenPurpose.SET_UP else "reset with an e-mailed link"
    passwords.set_password(person, password, how=how, actor=person, now=now)
    _void(person, now=now)
    security_events.record(SecurityEventKind.PASSWORD_RESET if link.purpose == TokenPurpose.RESET
                           else SecurityEventKind.PASSWORD_CHANGED, person=person, detail=how)
    sessions.end_all(person, reason=SessionEnd.PASSWORD_CHANGED, now=now)  # signed out everywhere
    return person
