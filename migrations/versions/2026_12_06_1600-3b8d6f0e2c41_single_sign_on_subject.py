"""Single sign-on: each person's stable id at the council's identity provider, stored at their first sign-in

Revision ID: 3b8d6f0e2c41
Revises: 7e5c1a9d4b62
Create Date: 2026-12-06 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "3b8d6f0e2c41"
down_revision = "7e5c1a9d4b62"
branch_labels = None
depends_on = None


def upgrade():
    # A unique index, not a constraint: no table rebuild on SQLite (the people table is referenced everywhere)
    op.add_column("people", sa.Column("sso_subject", sa.String(length=255), nullable=True))
    op.create_index(op.f("ix_people_sso_subject"), "people", ["sso_subject"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_people_sso_subject"), table_name="people")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("sso_subject")
