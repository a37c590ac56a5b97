"""Credentials other than the password hash: e-mailed links that set a password, and second-factor recovery codes.

Only a hash of each link's token and of each recovery code is stored (SHA-256: both are long random values, so a
slow hash adds nothing); the values themselves are seen once, in the e-mail or on the page that shows the codes.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import LabelledEnum, enum_type


class TokenPurpose(LabelledEnum):
    RESET = "reset", "Reset a forgotten password"
    SET_UP = "set_up", "Set up an account"


class PasswordToken(db.Model):
    """A single-use link that lets a person choose a password, until it expires or is used."""

    __tablename__ = "password_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 (hex) of the link's secret
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # or made void by a newer link or a new password


class RecoveryCode(db.Model):
    """One of a person's single-use codes for signing in without their authenticator app."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]
