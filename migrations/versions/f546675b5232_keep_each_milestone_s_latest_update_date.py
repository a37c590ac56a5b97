"""Keep each milestone's latest update date

Revision ID: f546675b5232
Revises: caa584adc0cf
Create Date: 2026-11-23 15:27:02.145163

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f546675b5232'
down_revision = 'caa584adc0cf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latest_update_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE milestones SET latest_update_on = "
        "(SELECT max(written_on) FROM progress_updates WHERE progress_updates.milestone_id = milestones.id)"
    )


def downgrade():
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_column('latest_update_on')

