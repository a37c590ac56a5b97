"""Sessions held on the server: one row per sign-in (its id stored only as a SHA-256), ended at sign-out or timeout

Revision ID: 3b8d2f6e1c47
Revises: b3f1d2c4e5a6
Create Date: 2026-12-06 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "3b8d2f6e1c47"
down_revision = "b3f1d2c4e5a6"
branch_labels = None
depends_on = None

ENDS = ("signed_out", "idle", "too_old", "signed_out_everywhere", "ended_by_administrator", "password_changed",
        "role_changed", "deactivated", "signed_in_again")


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.Enum(*ENDS, name="session_end", native_enum=False, create_constraint=True,
                                        length=32), nullable=True),
        sa.Column("client", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_user_sessions_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index("ix_user_sessions_person_id_ended_at", "user_sessions", ["person_id", "ended_at"])


def downgrade():
    op.drop_table("user_sessions")
