"""Version revised-date decisions

Revision ID: 3d17c2aabfbf
Revises: 032a4acee248
Create Date: 2026-11-23 14:53:04.944222

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d17c2aabfbf'
down_revision = '032a4acee248'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('due_date_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))



def downgrade():
    with op.batch_alter_table('due_date_revisions', schema=None) as batch_op:
        batch_op.drop_column('version')

