"""Progress updates and revised dates added since the plan's last released report, kept as milestone facts and
counted per action, so the overview adds them up instead of counting every update since. The facts are worked out
again at the next read (the stored day is cleared).

Revision ID: 2f7c4e9b8a16
Revises: 8d3f1b6a2c57
Create Date: 2026-12-06 19:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "2f7c4e9b8a16"
down_revision = "8d3f1b6a2c57"
branch_labels = None
depends_on = None

ADDED = ("updates_since", "revised_since")


def upgrade():
    for table in ("milestone_facts", "action_tallies"):
        with op.batch_alter_table(table) as batch_op:
            for column in ADDED:
                batch_op.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE milestone_facts_date SET as_of = NULL")  # the next read works out every milestone's facts


def downgrade():
    for table in ("milestone_facts", "action_tallies"):
        with op.batch_alter_table(table) as batch_op:
            for column in ADDED:
                batch_op.drop_column(column)
