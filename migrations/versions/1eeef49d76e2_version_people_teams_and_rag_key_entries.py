"""Version people, teams and RAG key entries

Revision ID: 1eeef49d76e2
Revises: 53d75a94e68c
Create Date: 2026-11-23 15:01:40.723622

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1eeef49d76e2'
down_revision = '53d75a94e68c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('rag_key_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))



def downgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('rag_key_entries', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('version')

