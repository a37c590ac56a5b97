"""Version Areas for Improvement

Revision ID: 53d75a94e68c
Revises: 3d17c2aabfbf
Create Date: 2026-11-23 14:55:21.218755

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '53d75a94e68c'
down_revision = '3d17c2aabfbf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('improvement_areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))



def downgrade():
    with op.batch_alter_table('improvement_areas', schema=None) as batch_op:
        batch_op.drop_column('version')

