"""The security event log: sign-ins, failures, locks, second factor, passwords, roles, exports

Revision ID: 7e5c1a9d4b62
Revises: 5a1c9e7b3d20
Create Date: 2026-12-06 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "7e5c1a9d4b62"
down_revision = "5a1c9e7b3d20"
branch_labels = None
depends_on = None

KINDS = ("signed_in", "sign_in_failed", "locked_out", "lock_lifted", "signed_out", "sessions_ended",
         "session_timed_out", "sso_signed_in", "sso_refused", "account_provisioned", "second_factor_set_up",
         "second_factor_failed", "second_factor_removed", "recovery_code_used", "password_changed",
         "password_reset_requested", "password_reset", "set_up_link_sent", "role_changed", "account_deactivated",
         "exported")


def upgrade():
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="security_event_kind", native_enum=False, create_constraint=True,
                                  length=34), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("client", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_security_events_person_id_people")),
        sa.ForeignKeyConstraint(["actor_id"], ["people.id"], name=op.f("fk_security_events_actor_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    op.create_index(op.f("ix_security_events_at"), "security_events", ["at"])
    op.create_index(op.f("ix_security_events_kind"), "security_events", ["kind"])
    op.create_index(op.f("ix_security_events_person_id"), "security_events", ["person_id"])


def downgrade():
    op.drop_table("security_events")
