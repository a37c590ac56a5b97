"""People, teams and roles.

A Person is anyone the plan names: a member of staff or partner officer (who may have a login), a group
("Heads of Service") or a placeholder ("tbd", "Programme Lead to be identified"). Work owned only by
groups or placeholders counts as unassigned.
"""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import LabelledEnum, Versioned, enum_type


class Role(LabelledEnum):
    ADMIN = "admin", "Administrator"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    QA_LEAD = "qa_lead", "QA lead"
    AUDITOR = "auditor", "Auditor"
    VIEWER = "viewer", "Action owner or viewer"  # decision 0001 §11: sees the plan, updates what they own


class PersonKind(LabelledEnum):
    INDIVIDUAL = "individual", "Person"
    GROUP = "group", "Group or role"
    PLACEHOLDER = "placeholder", "Placeholder"


class Team(Versioned, db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    members: Mapped[list["Person"]] = relationship(back_populates="team", order_by="Person.name")


class EmailPreference(LabelledEnum):
    EACH = "each", "An e-mail for each reminder"  # an e-mail for each notice
    WEEKLY = "weekly", "One e-mail a week, on Monday morning"  # one digest on Monday morning
    NONE = "none", "No e-mails: I will look in the service"  # escalations and safeguarding alerts are still e-mailed


class Person(UserMixin, Versioned, db.Model):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("kind = 'individual' OR password_hash IS NULL", name="only_individuals_log_in"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[PersonKind] = mapped_column(enum_type(PersonKind, "person_kind"), default=PersonKind.INDIVIDUAL)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    job_title: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), default=Role.VIEWER)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    line_manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # escalations go here too
    email_preference: Mapped[EmailPreference] = mapped_column(enum_type(EmailPreference, "email_preference"),
                                                              default=EmailPreference.EACH)
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # SHA-256 of the feed's secret
    # The identity provider's stable id for this person (OIDC_SUBJECT_CLAIM: `sub`, or `oid` for Entra ID), stored at
    # their first single sign-on (app/services/single_sign_on.py)
    sso_subject: Mapped[str | None] = mapped_column(String(255), unique=True, index=True)
    # The second factor (app/services/second_factor.py): the authenticator app's secret, sealed (a Fernet token), on
    # once confirmed; the last time step a code was accepted for, so a code is never accepted twice
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    team: Mapped[Team | None] = relationship(back_populates="members")
    line_manager: Mapped["Person | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Person {self.name!r}>"

    @property
    def is_individual(self) -> bool:
        return self.kind == PersonKind.INDIVIDUAL

    @property
    def is_active(self) -> bool:  # Flask-Login: only active individuals with a password or single sign-on can sign in
        return bool(self.active and self.is_individual and (self.password_hash or self.sso_subject))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        return Role(self.role) in roles
