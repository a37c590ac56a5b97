"""Case-file audits: tool versions, rounds, case pool, audits

Revision ID: e0c6d98f9562
Revises: f546675b5232
Create Date: 2026-11-23 15:33:48.192704

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e0c6d98f9562'
down_revision = 'f546675b5232'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_tools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_tools')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_audit_tools_fingerprint')),
    sa.UniqueConstraint('version', name=op.f('uq_audit_tools_version'))
    )
    op.create_table('audit_elements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('report_label', sa.Text(), nullable=False),
    sa.Column('comment_prompt', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tool_id'], ['audit_tools.id'], name=op.f('fk_audit_elements_tool_id_audit_tools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_elements')),
    sa.UniqueConstraint('tool_id', 'number', name=op.f('uq_audit_elements_tool_id_number'))
    )
    op.create_table('audit_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('routine', 'themed', name='round_kind', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=True),
    sa.Column('selection_criteria', sa.Text(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind = 'routine' OR theme IS NOT NULL", name=op.f('ck_audit_rounds_themed_has_theme')),
    sa.CheckConstraint('sample_size > 0', name=op.f('ck_audit_rounds_sample_size_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_audit_rounds_created_by_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_rounds'))
    )
    with op.batch_alter_table('audit_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_rounds_month'), ['month'], unique=False)

    op.create_table('audit_standards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['audit_elements.id'], name=op.f('fk_audit_standards_element_id_audit_elements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_standards')),
    sa.UniqueConstraint('element_id', 'position', name=op.f('uq_audit_standards_element_id_position'))
    )
    op.create_table('pool_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('allocated_worker', sa.String(length=200), nullable=False),
    sa.Column('team_manager_id', sa.Integer(), nullable=True),
    sa.Column('service_manager_id', sa.Integer(), nullable=True),
    sa.Column('plan_type', sa.String(length=40), nullable=False),
    sa.Column('closed_recently', sa.Boolean(), nullable=False),
    sa.Column('step_up', sa.Boolean(), nullable=False),
    sa.Column('neglect', sa.Boolean(), nullable=False),
    sa.Column('under_two', sa.Boolean(), nullable=False),
    sa.Column('domestic_abuse', sa.Boolean(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['service_manager_id'], ['people.id'], name=op.f('fk_pool_cases_service_manager_id_people')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pool_cases_team_id_teams')),
    sa.ForeignKeyConstraint(['team_manager_id'], ['people.id'], name=op.f('fk_pool_cases_team_manager_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_pool_cases_reference'))
    )
    with op.batch_alter_table('pool_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_cases_team_id'), ['team_id'], unique=False)

    op.create_table('audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=False),
    sa.Column('auditor_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('allocated', 'in_progress', 'submitted', 'moderated', 'closed', name='audit_state', native_enum=False, create_constraint=True, length=21), nullable=False),
    sa.Column('allocated_by_id', sa.Integer(), nullable=True),
    sa.Column('allocated_at', sa.DateTime(), nullable=False),
    sa.Column('allocation_override_reason', sa.Text(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('allocation_override_reason IS NULL OR length(allocation_override_reason) > 0', name=op.f('ck_audits_override_reason_not_empty')),
    sa.ForeignKeyConstraint(['allocated_by_id'], ['people.id'], name=op.f('fk_audits_allocated_by_id_people')),
    sa.ForeignKeyConstraint(['auditor_id'], ['people.id'], name=op.f('fk_audits_auditor_id_people')),
    sa.ForeignKeyConstraint(['case_id'], ['pool_cases.id'], name=op.f('fk_audits_case_id_pool_cases')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_rounds.id'], name=op.f('fk_audits_round_id_audit_rounds')),
    sa.ForeignKeyConstraint(['tool_id'], ['audit_tools.id'], name=op.f('fk_audits_tool_id_audit_tools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audits')),
    sa.UniqueConstraint('round_id', 'case_id', name=op.f('uq_audits_round_id_case_id'))
    )
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audits_auditor_id'), ['auditor_id'], unique=False)
        batch_op.create_index('ix_audits_case_completed', ['case_id', 'completed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_audits_round_id'), ['round_id'], unique=False)

    op.create_table('round_selections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['pool_cases.id'], name=op.f('fk_round_selections_case_id_pool_cases')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_rounds.id'], name=op.f('fk_round_selections_round_id_audit_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_selections')),
    sa.UniqueConstraint('round_id', 'case_id', name=op.f('uq_round_selections_round_id_case_id')),
    sa.UniqueConstraint('round_id', 'position', name=op.f('uq_round_selections_round_id_position'))
    )
    with op.batch_alter_table('round_selections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_selections_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('round_selections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_selections_case_id'))

    op.drop_table('round_selections')
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audits_round_id'))
        batch_op.drop_index('ix_audits_case_completed')
        batch_op.drop_index(batch_op.f('ix_audits_auditor_id'))

    op.drop_table('audits')
    with op.batch_alter_table('pool_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_cases_team_id'))

    op.drop_table('pool_cases')
    op.drop_table('audit_standards')
    with op.batch_alter_table('audit_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_rounds_month'))

    op.drop_table('audit_rounds')
    op.drop_table('audit_elements')
    op.drop_table('audit_tools')
