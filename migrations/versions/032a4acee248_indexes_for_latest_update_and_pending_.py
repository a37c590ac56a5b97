"""Indexes for latest update and pending revisions per milestone

Revision ID: 032a4acee248
Revises: d8d7a1c473da
Create Date: 2026-11-23 14:49:27.407612

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '032a4acee248'
down_revision = 'd8d7a1c473da'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('due_date_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_due_date_revisions_milestone_id'))
        batch_op.create_index('ix_due_date_revisions_milestone_decision', ['milestone_id', 'decision'], unique=False)

    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_updates_milestone_id'))
        batch_op.create_index('ix_progress_updates_milestone_written_on', ['milestone_id', 'written_on'], unique=False)



def downgrade():
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_updates_milestone_written_on')
        batch_op.create_index(batch_op.f('ix_progress_updates_milestone_id'), ['milestone_id'], unique=False)

    with op.batch_alter_table('due_date_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_due_date_revisions_milestone_decision')
        batch_op.create_index(batch_op.f('ix_due_date_revisions_milestone_id'), ['milestone_id'], unique=False)

