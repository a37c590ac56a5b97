"""Audit content: answers, grades, parties, SMART recommendations, learning points, alerts, access log

Revision ID: b673c80e115c
Revises: e0c6d98f9562
Create Date: 2026-11-23 15:36:45.471824

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b673c80e115c'
down_revision = 'e0c6d98f9562'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_access_log_audit_id_audits')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_audit_access_log_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_access_log'))
    )
    with op.batch_alter_table('audit_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_access_log_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_access_log_person_id'), ['person_id'], unique=False)

    op.create_table('audit_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('yes', 'no', 'not_applicable', name='answer', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_answers_audit_id_audits')),
    sa.ForeignKeyConstraint(['standard_id'], ['audit_standards.id'], name=op.f('fk_audit_answers_standard_id_audit_standards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_answers')),
    sa.UniqueConstraint('audit_id', 'standard_id', name=op.f('uq_audit_answers_audit_id_standard_id'))
    )
    with op.batch_alter_table('audit_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_answers_standard_id'), ['standard_id'], unique=False)

    op.create_table('audit_element_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', name='grade', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_element_grades_audit_id_audits')),
    sa.ForeignKeyConstraint(['element_id'], ['audit_elements.id'], name=op.f('fk_audit_element_grades_element_id_audit_elements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_element_grades')),
    sa.UniqueConstraint('audit_id', 'element_id', name=op.f('uq_audit_element_grades_audit_id_element_id'))
    )
    with op.batch_alter_table('audit_element_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_element_grades_element_id'), ['element_id'], unique=False)

    op.create_table('audit_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('household', 'significant', name='party_kind', native_enum=False, create_constraint=True, length=21), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('relationship_to_child', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=60), nullable=False),
    sa.Column('ethnicity', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_parties_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_parties'))
    )
    with op.batch_alter_table('audit_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_parties_audit_id'), ['audit_id'], unique=False)

    op.create_table('audit_records',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('allocated_worker', sa.String(length=200), nullable=False),
    sa.Column('team_manager', sa.String(length=200), nullable=False),
    sa.Column('service_team', sa.String(length=200), nullable=False),
    sa.Column('cp_chair_iro', sa.String(length=200), nullable=False),
    sa.Column('child_name', sa.String(length=200), nullable=True),
    sa.Column('child_date_of_birth', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=60), nullable=False),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('ethnicity', sa.String(length=100), nullable=False),
    sa.Column('primary_language', sa.String(length=100), nullable=False),
    sa.Column('plan_types', sa.String(length=200), nullable=False),
    sa.Column('has_disability', sa.Boolean(), nullable=True),
    sa.Column('disability_identified_on', sa.Date(), nullable=True),
    sa.Column('disability_nature', sa.Text(), nullable=False),
    sa.Column('disability_impact', sa.Text(), nullable=False),
    sa.Column('case_overview', sa.Text(), nullable=False),
    sa.Column('overall_grade', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', name='overall_grade', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('good_practice', sa.Text(), nullable=False),
    sa.Column('learning', sa.Text(), nullable=False),
    sa.Column('immediate_actions', sa.Text(), nullable=False),
    sa.Column('worker_reflections', sa.Text(), nullable=False),
    sa.Column('completed_with_worker', sa.Boolean(), nullable=True),
    sa.Column('sent_to_team_manager_on', sa.Date(), nullable=True),
    sa.Column('sent_to_service_manager_on', sa.Date(), nullable=True),
    sa.Column('sent_to_cp_coordinator_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_records_audit_id_audits')),
    sa.PrimaryKeyConstraint('audit_id', name=op.f('pk_audit_records'))
    )
    op.create_table('learning_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_learning_points_action_id_actions')),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_learning_points_audit_id_audits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_points')),
    sa.UniqueConstraint('action_id', name=op.f('uq_learning_points_action_id'))
    )
    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_points_audit_id'), ['audit_id'], unique=False)

    op.create_table('safeguarding_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_safeguarding_alerts_audit_id_audits')),
    sa.ForeignKeyConstraint(['recipient_id'], ['people.id'], name=op.f('fk_safeguarding_alerts_recipient_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_alerts')),
    sa.UniqueConstraint('audit_id', 'recipient_id', name=op.f('uq_safeguarding_alerts_audit_id_recipient_id'))
    )
    with op.batch_alter_table('safeguarding_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_alerts_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safeguarding_alerts_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('smart_recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('how', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('who', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='recommendation_status', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status <> 'done' OR done_on IS NOT NULL", name=op.f('ck_smart_recommendations_done_has_date')),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_smart_recommendations_audit_id_audits')),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_smart_recommendations_owner_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_smart_recommendations'))
    )
    with op.batch_alter_table('smart_recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_smart_recommendations_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_smart_recommendations_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_smart_recommendations_owner_id'), ['owner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('smart_recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_smart_recommendations_owner_id'))
        batch_op.drop_index(batch_op.f('ix_smart_recommendations_due_on'))
        batch_op.drop_index(batch_op.f('ix_smart_recommendations_audit_id'))

    op.drop_table('smart_recommendations')
    with op.batch_alter_table('safeguarding_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safeguarding_alerts_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_safeguarding_alerts_audit_id'))

    op.drop_table('safeguarding_alerts')
    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_points_audit_id'))

    op.drop_table('learning_points')
    op.drop_table('audit_records')
    with op.batch_alter_table('audit_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_parties_audit_id'))

    op.drop_table('audit_parties')
    with op.batch_alter_table('audit_element_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_element_grades_element_id'))

    op.drop_table('audit_element_grades')
    with op.batch_alter_table('audit_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_answers_standard_id'))

    op.drop_table('audit_answers')
    with op.batch_alter_table('audit_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_access_log_person_id'))
        batch_op.drop_index(batch_op.f('ix_audit_access_log_audit_id'))
        batch_op.drop_index(batch_op.f('ix_audit_access_log_at'))

    op.drop_table('audit_access_log')
