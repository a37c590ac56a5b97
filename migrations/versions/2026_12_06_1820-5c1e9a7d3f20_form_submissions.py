"""Form posts already acted on: a retried or double-clicked post is answered with the first one's redirect

Revision ID: 5c1e9a7d3f20
Revises: 9c4e2a7f5b13
Create Date: 2026-12-07 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "5c1e9a7d3f20"
down_revision = "9c4e2a7f5b13"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_form_submissions_person_id_people"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_form_submissions")),
    )
    op.create_index(op.f("ix_form_submissions_person_id"), "form_submissions", ["person_id"])


def downgrade():
    op.drop_table("form_submissions")
