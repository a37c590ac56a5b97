"""Indexes for the overview's "changed since the last released report": the last released report read from an index
alone (a report's row holds its figures and document), and revised dates found by when they were proposed.

Revision ID: 8d3f1b6a2c57
Revises: 6e2b9d4c1a83
Create Date: 2026-12-06 19:10:00
"""
from alembic import op

revision = "8d3f1b6a2c57"
down_revision = "6e2b9d4c1a83"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_reports_latest_released", "reports",
                    ["plan_id", "kind", "state", "released_at", "id", "title"])
    op.create_index("ix_due_date_revisions_proposed_at", "due_date_revisions", ["proposed_at"])


def downgrade():
    op.drop_index("ix_due_date_revisions_proposed_at", table_name="due_date_revisions")
    op.drop_index("ix_reports_latest_released", table_name="reports")
