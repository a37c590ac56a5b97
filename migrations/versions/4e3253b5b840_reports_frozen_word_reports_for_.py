"""Reports: frozen Word reports for meetings and audit months

Revision ID: 4e3253b5b840
Revises: 0d26575f6944
Create Date: 2026-11-23 19:31:03.798011

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e3253b5b840'
down_revision = '0d26575f6944'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('plan_progress', 'audit_monthly', name='report_kind', native_enum=False, create_constraint=True, length=23), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.Date(), nullable=True),
    sa.Column('as_at', sa.Date(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('draft', 'released', 'superseded', name='report_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('released_at', sa.DateTime(), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind <> 'audit_monthly' OR month IS NOT NULL", name=op.f('ck_reports_audit_report_has_month')),
    sa.CheckConstraint("kind <> 'plan_progress' OR plan_id IS NOT NULL", name=op.f('ck_reports_plan_report_has_plan')),
    sa.CheckConstraint("state = 'draft' OR released_at IS NOT NULL", name=op.f('ck_reports_released_has_date')),
    sa.ForeignKeyConstraint(['generated_by_id'], ['people.id'], name=op.f('fk_reports_generated_by_id_people')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_reports_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_reports_plan_id_plans')),
    sa.ForeignKeyConstraint(['released_by_id'], ['people.id'], name=op.f('fk_reports_released_by_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_kind_state', ['kind', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_plan_id'), ['plan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_plan_id'))
        batch_op.drop_index(batch_op.f('ix_reports_meeting_id'))
        batch_op.drop_index('ix_reports_kind_state')

    op.drop_table('reports')
