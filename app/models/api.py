"""Tokens for the read API (/api/v1): each made by an administrator for a BI tool, with the role whose view of the
data it reads. Only the token's SHA-256 is stored; the token itself is printed once when it is made."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_type
from app.models.people import Person, Role


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # what reads with it, e.g. "Power BI board pack"
    role: Mapped[Role] = mapped_column(enum_type(Role, "api_token_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token, hex
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    last_used_at: Mapped[datetime | None]  # kept to the minute: written at most once a minute
    revoked_at: Mapped[datetime | None]

    created_by: Mapped[Person | None] = relationship()

    def has_role(self, *roles: Role) -> bool:
        """As Person.has_role, so the permission rules (app/services/permissions.py) apply to a token as to a person."""
        return Role(self.role) in roles
