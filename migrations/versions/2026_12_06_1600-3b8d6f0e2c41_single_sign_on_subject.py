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
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("sso_subject", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_people_sso_subject"), ["sso_subject"])


def downgrade():
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_people_sso_subject"), type_="unique")
        batch_op.drop_column("sso_subject")
