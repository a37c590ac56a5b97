"""The plan's data version: a number changed by every transaction that writes what the plan's pages show, so a drawn
page can be kept until the data under it changes.

Revision ID: 6e2b9d4c1a83
Revises: 4d2b8e6a1f57
Create Date: 2026-12-06 19:00:00
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "6e2b9d4c1a83"
down_revision = "4d2b8e6a1f57"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("milestone_facts_date") as batch_op:
        batch_op.add_column(sa.Column("version", sa.BigInteger(), nullable=True))
    op.execute(sa.text("UPDATE milestone_facts_date SET version = :version").bindparams(version=secrets.randbits(62)))
    with op.batch_alter_table("milestone_facts_date") as batch_op:
        batch_op.alter_column("version", existing_type=sa.BigInteger(), nullable=False)


def downgrade():
    with op.batch_alter_table("milestone_facts_date") as batch_op:
        batch_op.drop_column("version")
