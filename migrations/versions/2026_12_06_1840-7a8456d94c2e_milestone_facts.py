"""Each milestone's facts and each action's counts of them, kept up to date (decision 0017). The tables start empty:
the first page that reads facts works them all out (services/plans/facts.py).

Revision ID: 7a8456d94c2e
Revises: 7f3a2c9e5d11
Create Date: 2026-12-06 12:31:28
"""
import sqlalchemy as sa
from alembic import op

revision = "7a8456d94c2e"
down_revision = "7f3a2c9e5d11"
branch_labels = None
depends_on = None

RATINGS = ("RED", "AMBER", "GREEN", "NOT_RATED")
COUNTS = ("milestones", "red", "amber", "green", "not_rated", "overdue", "slipped", "unassigned", "stale", "later", "days",
          "passed", "unknown", "completed_since", "better", "worse")


def upgrade():
    op.create_table(
        "milestone_facts_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("stale_after_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_facts_date")),
    )
    op.create_table(
        "action_tallies",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_action_tallies_action_id_actions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_action_tallies")),
    )
    op.create_index(op.f("ix_action_tallies_area_id"), "action_tallies", ["area_id"])
    op.create_table(
        "milestone_facts",
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Enum(*RATINGS, name="facts_rating", native_enum=False, create_constraint=True,
                                    length=19), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("slipped", sa.Boolean(), nullable=False),
        sa.Column("awaiting", sa.Boolean(), nullable=False),
        sa.Column("pending_from", sa.Date(), nullable=True),
        sa.Column("unassigned", sa.Boolean(), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=True),
        sa.Column("days_later", sa.Integer(), nullable=False),
        sa.Column("revised_passed", sa.Boolean(), nullable=False),
        sa.Column("completed_since", sa.Boolean(), nullable=False),
        sa.Column("better", sa.Boolean(), nullable=False),
        sa.Column("worse", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"],
                                name=op.f("fk_milestone_facts_milestone_id_milestones"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("milestone_id", name=op.f("pk_milestone_facts")),
    )
    op.create_index(op.f("ix_milestone_facts_action_id"), "milestone_facts", ["action_id"])
    op.create_index(op.f("ix_milestone_facts_rating"), "milestone_facts", ["rating"])
    op.create_index(op.f("ix_milestone_facts_days_later"), "milestone_facts", ["days_later"])
    op.create_table(
        "released_ratings",
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("milestone_id", name=op.f("pk_released_ratings")),
    )
    op.create_index(op.f("ix_released_ratings_plan_id"), "released_ratings", ["plan_id"])


def downgrade():
    op.drop_table("released_ratings")
    op.drop_table("milestone_facts")
    op.drop_table("action_tallies")
    op.drop_table("milestone_facts_date")
