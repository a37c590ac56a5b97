"""Tokens for the read API: made by an administrator (`flask api-tokens create`), shown once, stored only as a
SHA-256; revoked by name; each use noted at most once a minute (docs/api.md, "Tokens")."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, Person, Role
from app.services.errors import DomainError
from app.services.transaction import transaction

TOKEN_PREFIX = "itk_"  # so a token pasted in the wrong place is recognisable (and secret scanners can find it)
LAST_USE_GRANULARITY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    record: ApiToken
    token: str  # shown once, never stored


@transaction("This token")
def create(name: str, role: Role, *, created_by: Person | None, now: datetime) -> NewToken:
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name: what will read with it, such as 'Power BI board pack'.")
    if db.session.scalar(select(ApiToken.id).where(ApiToken.name == name)):
        raise DomainError(f"There is already a token called '{name}'. Choose another name, or revoke that one.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(name=name, role=role, token_hash=token_hash(token), created_at=now, created_by=created_by)
    db.session.add(record)
    return NewToken(record, token)


def every_token() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.name)))


@transaction("This token")
def revoke(name: str, *, now: datetime) -> ApiToken:
    record = db.session.scalar(select(ApiToken).where(ApiToken.name == name.strip()))
    if record is None:
        raise DomainError(f"There is no token called '{name}'.")
    if record.revoked_at is None:
        record.revoked_at = now
    return record


def holder(presented: str | None, *, now: datetime) -> ApiToken | None:
    """The live token presented (a bearer token's value), or None when it is missing, unknown or revoked. Its last
    use is written when it was last written a minute or more ago, so a busy refresh writes once a minute."""
    if not presented:
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(presented),
                                                      ApiToken.revoked_at.is_(None)))
    if record is not None and (record.last_used_at is None or now - record.last_used_at >= LAST_USE_GRANULARITY):
        _note_use(record, now)
    return record


@transaction("This token")
def _note_use(record: ApiToken, now: datetime) -> None:
    record.last_used_at = now
