"""Running totals of audit answers and grades for the findings, counted from the audits already done

Revision ID: febeb57e2ccb
Revises: 69c6bda064aa
Create Date: 2026-11-23 16:56:12.548060

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'febeb57e2ccb'
down_revision = '69c6bda064aa'
branch_labels = None
depends_on = None

# The same counts as app.services.audit_tallies.recount_all, written out so that this step never changes.
DONE = "a.state IN ('submitted', 'moderated', 'closed')"
COUNT_ANSWERS = f"""
INSERT INTO audit_standard_tallies (round_id, team_id, standard_id, yes, no, not_applicable)
SELECT a.round_id, c.team_id, x.standard_id,
       SUM(CASE WHEN x.answer = 'yes' THEN 1 ELSE 0 END),
       SUM(CASE WHEN x.answer = 'no' THEN 1 ELSE 0 END),
       SUM(CASE WHEN x.answer = 'not_applicable' THEN 1 ELSE 0 END)
FROM audit_answers x JOIN audits a ON x.audit_id = a.id JOIN pool_cases c ON a.case_id = c.id
WHERE {DONE}
GROUP BY a.round_id, c.team_id, x.standard_id
"""
COUNT_ELEMENT_GRADES = f"""
INSERT INTO audit_grade_tallies (round_id, team_id, element_id, grade, audits)
SELECT a.round_id, c.team_id, g.element_id, COALESCE(mg.grade, g.grade), COUNT(*)
FROM audit_element_grades g JOIN audits a ON g.audit_id = a.id JOIN pool_cases c ON a.case_id = c.id
LEFT JOIN (SELECT m.audit_id, mg.element_id, mg.grade FROM moderation_grades mg
           JOIN moderations m ON mg.moderation_id = m.id) mg
       ON mg.audit_id = g.audit_id AND mg.element_id = g.element_id
WHERE {DONE} AND COALESCE(mg.grade, g.grade) IS NOT NULL
GROUP BY a.round_id, c.team_id, g.element_id, COALESCE(mg.grade, g.grade)
"""
COUNT_OVERALL_GRADES = f"""
INSERT INTO audit_grade_tallies (round_id, team_id, element_id, grade, audits)
SELECT a.round_id, c.team_id, NULL, COALESCE(m.overall_grade, r.overall_grade), COUNT(*)
FROM audit_records r JOIN audits a ON r.audit_id = a.id JOIN pool_cases c ON a.case_id = c.id
LEFT JOIN moderations m ON m.audit_id = a.id AND m.completed_at IS NOT NULL
WHERE {DONE} AND COALESCE(m.overall_grade, r.overall_grade) IS NOT NULL
GROUP BY a.round_id, c.team_id, COALESCE(m.overall_grade, r.overall_grade)
"""


def upgrade():
    op.create_table('audit_grade_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.Enum('outstanding', 'good', 'requires_improvement', 'inadequate', name='tally_grade', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('audits', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['audit_elements.id'], name=op.f('fk_audit_grade_tallies_element_id_audit_elements')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_rounds.id'], name=op.f('fk_audit_grade_tallies_round_id_audit_rounds')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_audit_grade_tallies_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_grade_tallies'))
    )
    with op.batch_alter_table('audit_grade_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_audit_grade_tallies_round_team', ['round_id', 'team_id'], unique=False)

    op.create_table('audit_standard_tallies',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('standard_id', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.Column('no', sa.Integer(), nullable=False),
    sa.Column('not_applicable', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['audit_rounds.id'], name=op.f('fk_audit_standard_tallies_round_id_audit_rounds')),
    sa.ForeignKeyConstraint(['standard_id'], ['audit_standards.id'], name=op.f('fk_audit_standard_tallies_standard_id_audit_standards')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_audit_standard_tallies_team_id_teams')),
    sa.PrimaryKeyConstraint('round_id', 'team_id', 'standard_id', name=op.f('pk_audit_standard_tallies'))
    )
    op.execute(COUNT_ANSWERS)
    op.execute(COUNT_ELEMENT_GRADES)
    op.execute(COUNT_OVERALL_GRADES)


def downgrade():
    op.drop_table('audit_standard_tallies')
    with op.batch_alter_table('audit_grade_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_grade_tallies_round_team')

    op.drop_table('audit_grade_tallies')
