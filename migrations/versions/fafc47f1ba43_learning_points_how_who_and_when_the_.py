"""Learning points' how, who and when; the other parties an audit was shared with

Revision ID: fafc47f1ba43
Revises: febeb57e2ccb
Create Date: 2026-11-23 17:01:05.584806

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fafc47f1ba43'
down_revision = 'febeb57e2ccb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_sharing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('shared_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_sharing_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_sharing'))
    )
    with op.batch_alter_table('audit_sharing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_sharing_audit_id'), ['audit_id'], unique=False)

    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('how', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('who', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.drop_column('due_on')
        batch_op.drop_column('who')
        batch_op.drop_column('how')

    with op.batch_alter_table('audit_sharing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_sharing_audit_id'))

    op.drop_table('audit_sharing')
