"""Version pool cases, so a correction made from a stale page is refused

Revision ID: 5b1c0e7d2a94
Revises: 0662c95ae6af
Create Date: 2026-12-06 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1c0e7d2a94'
down_revision = '0662c95ae6af'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pool_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('pool_cases', schema=None) as batch_op:
        batch_op.drop_column('version')
