"""Sign-in attempts: the failures counting towards a delay or lock, per e-mail address and per client address

Revision ID: 5a1c9e7b3d20
Revises: 8e1f4c2b7a90
Create Date: 2026-12-06 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "5a1c9e7b3d20"
down_revision = "8e1f4c2b7a90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Enum("account", "address", name="attempt_scope", native_enum=False,
                                   create_constraint=True, length=17), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
    )
    op.create_index("ix_sign_in_attempts_scope_key_at", "sign_in_attempts", ["scope", "key", "at"])
    op.create_index(op.f("ix_sign_in_attempts_at"), "sign_in_attempts", ["at"])


def downgrade():
    op.drop_table("sign_in_attempts")
