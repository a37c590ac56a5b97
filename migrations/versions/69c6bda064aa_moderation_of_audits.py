"""Moderation of audits

Revision ID: 69c6bda064aa
Revises: b673c80e115c
Create Date: 2026-11-23 15:40:34.990993

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '69c6bda064aa'
down_revision = 'b673c80e115c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=False),
    sa.Column('selected_by_id', sa.Integer(), nullable=True),
    sa.Column('selected_at', sa.DateTime(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('overall_grade', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', name='moderated_overall_grade', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('overall_reason', sa.Text(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_moderations_audit_id_audits')),
    sa.ForeignKeyConstraint(['moderator_id'], ['people.id'], name=op.f('fk_moderations_moderator_id_people')),
    sa.ForeignKeyConstraint(['selected_by_id'], ['people.id'], name=op.f('fk_moderations_selected_by_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderations')),
    sa.UniqueConstraint('audit_id', name=op.f('uq_moderations_audit_id'))
    )
    with op.batch_alter_table('moderations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderations_moderator_id'), ['moderator_id'], unique=False)

    op.create_table('moderation_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('moderation_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.Column('original_grade', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', name='original_grade', native_enum=False, create_constraint=True, length=30), nullable=True),
    sa.Column('grade', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', name='moderated_grade', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['audit_elements.id'], name=op.f('fk_moderation_grades_element_id_audit_elements')),
    sa.ForeignKeyConstraint(['moderation_id'], ['moderations.id'], name=op.f('fk_moderation_grades_moderation_id_moderations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_grades')),
    sa.UniqueConstraint('moderation_id', 'element_id', name=op.f('uq_moderation_grades_moderation_id_element_id'))
    )
    with op.batch_alter_table('moderation_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_grades_element_id'), ['element_id'], unique=False)



def downgrade():
    with op.batch_alter_table('moderation_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_grades_element_id'))

    op.drop_table('moderation_grades')
    with op.batch_alter_table('moderations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderations_moderator_id'))

    op.drop_table('moderations')
