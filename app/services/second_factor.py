"""The second factor: a six-digit code from an authenticator app (TOTP, RFC 6238, with pyotp), and ten single-use
recovery codes for when the app is lost.

Setting it up: the page shows the app's secret as a QR code and as text; the person types a code from the app to
confirm it (only then is it on) and is shown their recovery codes once (only their SHA-256 hashes are kept).
Signing in: after the right password the person types a code (or a recovery code) before they are signed in. A code
is accepted within 30 seconds either side of now, and never twice (the last time step used is kept). Wrong codes are
limited like wrong passwords (services/sign_in.py's progressive delay and lock, counted from the
SECOND_FACTOR_FAILED events in the security event log), so guessing is never unlimited.

The app's secret is kept sealed (Fernet: AES and an HMAC) with SECOND_FACTOR_KEYS, or a key derived from SECRET_KEY,
so a copy of the database (a backup, a dump) does not give anyone the codes. A secret kept before secrets were
sealed is still read, and sealed by `flask users reseal-second-factors`, which also reseals every secret with the
first key after a new one is put first.

Administrators must have one when single sign-on is off (REQUIRE_SECOND_FACTOR_FOR_ADMINS, on by default): an
administrator without one is sent to set it up before any other page.
"""

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Person, RecoveryCode, Role, SecurityEvent, SecurityEventKind
from app.services import security_events, sign_in
from app.services.errors import DomainError
from app.services.plans import facts as milestone_facts
from app.services.transaction import transaction

RECOVERY_CODES = 10
STEP_SECONDS = 30
CODE_NOT_RIGHT = "The code is not right. Enter the 6-digit code your authenticator app shows now"
RECOVERY_NOT_RIGHT = "The recovery code is not right, or has been used already"
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy from paper
SEALED = "gAAAAA"  # how every Fernet token starts (its version, then the top of its timestamp); base32 never does
log = logging.getLogger(__name__)


def is_on(person: Person) -> bool:
    return person.totp_confirmed_at is not None


def required(person: Person) -> bool:
    """Whether this person must use a second factor: administrators, unless single sign-on is on (their provider
    then asks for one) or the setting is turned off."""
    config = current_app.config
    return bool(person.has_role(Role.ADMIN) and config["REQUIRE_SECOND_FACTOR_FOR_ADMINS"]
                and not config.get("OIDC_ISSUER"))


def must_set_up(person: Person) -> bool:
    return required(person) and not is_on(person)


@dataclass(frozen=True)
class Enrolment:
    key: str  # base32, as authenticator apps take it typed in
    uri: str  # otpauth://, what the QR code holds

    @property
    def grouped_key(self) -> str:
        return " ".join(self.key[i:i + 4] for i in range(0, len(self.key), 4))

    @property
    def qr_svg(self) -> Markup:
        return Markup(segno.make(self.uri, error="m").svg_inline(
            scale=4, border=4, dark="#0b0c0c", light="#ffffff",
            title="QR code for your authenticator app (the key below says the same)"))


@transaction("Your second factor")
def start(person: Person) -> Enrolment:
    """The secret to set up (kept until confirmed, so reloading the page shows the same QR code)."""
    if is_on(person):
        raise DomainError("You already have a second factor. Remove it first to set up a new one")
    secret = _opened(person)
    if secret is None:
        secret = pyotp.random_base32()
        person.totp_secret = _sealed(secret)
    issuer = current_app.config["SERVICE_NAME"]
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=person.email or person.name, issuer_name=issuer))


@transaction("Your second factor")
def confirm(person: Person, code: str, *, now: datetime) -> list[str]:
    """Turn the second factor on with a code from the app; the new recovery codes, to show once."""
    if is_on(person) or not person.totp_secret:
        raise DomainError("Start setting up your second factor again", "code")
    if not _code_accepted(person, code, now=now):
        raise DomainError(CODE_NOT_RIGHT, "code")
    person.totp_confirmed_at = now
    codes = _new_recovery_codes(person)
    security_events.record(SecurityEventKind.SECOND_FACTOR_SET_UP, person=person)
    return codes


def wait(person: Person, *, now: datetime) -> timedelta:
    """How long before this person's next code is checked (zero: now), after wrong codes."""
    limits = sign_in.Limits.configured()
    failures = list(db.session.scalars(select(SecurityEvent.at).where(
        SecurityEvent.person_id == person.id, SecurityEvent.kind == SecurityEventKind.SECOND_FACTOR_FAILED,
        SecurityEvent.at >= now - limits.look_back)))
    return sign_in.account_wait(failures, now=now, limits=limits)


def too_many_message(wait_for: timedelta) -> str:
    return (f"You have entered too many wrong codes. Wait {sign_in.how_long(wait_for)}, then try again. Until then, "
            "codes are refused even when they are right.")


@transaction("This sign-in")
def check_code(person: Person, code: str, *, now: datetime) -> bool:
    """A code typed at sign-in: right (and not used before), or a failure recorded."""
    if _code_accepted(person, code, now=now):
        return True
    security_events.record(SecurityEventKind.SECOND_FACTOR_FAILED, person=person, detail="authenticator code")
    return False


@transaction("This sign-in")
def use_recovery_code(person: Person, code: str, *, now: datetime) -> int | None:
    """A recovery code typed at sign-in: how many are left once it is used (None: not right, a failure recorded)."""
    used = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.person_id == person.id, RecoveryCode.code_hash == _recovery_hash(code),
        RecoveryCode.used_at.is_(None)).values(used_at=now))
    if used.rowcount != 1:
        security_events.record(SecurityEventKind.SECOND_FACTOR_FAILED, person=person, detail="recovery code")
        return None
    left = len(list(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.person_id == person.id, RecoveryCode.used_at.is_(None)))))
    security_events.record(SecurityEventKind.RECOVERY_CODE_USED, person=person, detail=f"{left} left")
    return left


@transaction("Your second factor")
def remove(person: Person, password: str, *, now: datetime) -> None:
    """Turn the second factor off (to set up a new one, for example on a new phone): the password is needed."""
    if not person.check_password(password):
        raise DomainError("Your password is not right", "password")
    _turn_off(person)
    security_events.record(SecurityEventKind.SECOND_FACTOR_REMOVED, person=person)


@transaction("This person's second factor")
def remove_for(person: Person, *, actor: Person) -> None:
    """An administrator turns off someone's second factor, when they have lost their phone and their recovery codes:
    they sign in with their password alone and set up a new one (an administrator must, before anything else)."""
    if not is_on(person):
        raise DomainError(f"{person.name} has no second factor to remove")
    _turn_off(person)
    security_events.record(SecurityEventKind.SECOND_FACTOR_REMOVED, person=person, actor=actor,
                           detail="By an administrator")


def _turn_off(person: Person) -> None:
    person.totp_secret = person.totp_confirmed_at = person.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person.id))


def _code_accepted(person: Person, code: str, *, now: datetime) -> bool:
    """The code is the app's for now, or 30 seconds either side, and for a later time step than any used before."""
    code, secret = "".join(code.split()), _opened(person)
    if not (secret and len(code) == 6 and code.isdigit()):
        return False
    totp, step = pyotp.TOTP(secret), int(now.timestamp()) // STEP_SECONDS
    for candidate in (step - 1, step, step + 1):
        if candidate > (person.totp_last_step or -1) and hmac.compare_digest(totp.at(candidate * STEP_SECONDS), code):
            return _used(person, candidate)
    return False


def _used(person: Person, step: int) -> bool:
    """Keep the time step as used, unless a code for it or a later one was accepted meanwhile (the same code typed in
    two places at once counts once). Written as a plain UPDATE, as a sign-in's time is: a sign-in is not an edit of
    the person, so it leaves their version alone and never turns an administrator's save into a false conflict."""
    used = db.session.execute(
        update(Person).where(Person.id == person.id,
                             or_(Person.totp_last_step.is_(None), Person.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False, **milestone_facts.UNSEEN_COLUMNS))
    set_committed_value(person, "totp_last_step", step)
    return used.rowcount == 1


def _new_recovery_codes(person: Person) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    codes = [f"{code[:5]}-{code[5:]}" for code in codes]
    db.session.add_all(RecoveryCode(person_id=person.id, code_hash=_recovery_hash(code)) for code in codes)
    return codes


def _recovery_hash(code: str) -> str:
    return hashlib.sha256("".join(ch for ch in code.lower() if ch.isalnum()).encode()).hexdigest()


# --- The secret, sealed ---------------------------------------------------------------------------------------


def _sealed(secret: str) -> str:
    return _keys().encrypt(secret.encode()).decode()


def _opened(person: Person) -> str | None:
    """The person's secret; None if they have none, or if no key opens it (the keys were changed without the old one
    kept: their codes are then refused, and a recovery code, or an administrator removing the second factor, lets
    them in)."""
    stored = person.totp_secret
    if not stored or not stored.startswith(SEALED):
        return stored or None  # kept before secrets were sealed: reseal_all() seals it
    try:
        return _keys().decrypt(stored.encode()).decode()
    except InvalidToken:
        log.warning("No key in SECOND_FACTOR_KEYS opens the second factor of person %s", person.id)
        return None


@transaction("Second factors")
def reseal_all() -> int:
    """Every secret sealed with the first key: those kept before secrets were sealed, and those sealed with another
    key. A plain UPDATE each (not an edit of the person: their version is left alone). How many were resealed; a
    secret no key opens is left as it is."""
    resealed = 0
    for person in db.session.scalars(select(Person).where(Person.totp_secret.is_not(None))):
        secret = _opened(person)
        if secret is None:
            continue
        db.session.execute(update(Person).where(Person.id == person.id).values(totp_secret=_sealed(secret))
                           .execution_options(synchronize_session=False, **milestone_facts.UNSEEN_COLUMNS))
        resealed += 1
    return resealed


def _keys() -> MultiFernet:
    config = current_app.config
    return _fernet(config["SECOND_FACTOR_KEYS"], config["SECRET_KEY"])


@cache
def _fernet(configured: str, secret_key: str) -> MultiFernet:
    """SECOND_FACTOR_KEYS' keys, the first sealing and each opening; without any, one derived from SECRET_KEY (HKDF)."""
    keys = [key.strip() for key in configured.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys] or [Fernet(_derived_key(secret_key))])


def _derived_key(secret_key: str) -> bytes:
    """The Fernet key derived from SECRET_KEY, used when SECOND_FACTOR_KEYS is not set."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"improvement-tracker second factor").derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)
