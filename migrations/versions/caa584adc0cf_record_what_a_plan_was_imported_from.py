"""Record what a plan was imported from

Revision ID: caa584adc0cf
Revises: 1eeef49d76e2
Create Date: 2026-11-23 15:10:55.100867

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'caa584adc0cf'
down_revision = '1eeef49d76e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_source', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_plans_import_source'), ['import_source'])
    # The demo plan loaded before this revision: recognise it, so `flask demo load` does not load it twice.
    op.execute(
        "UPDATE plans SET import_source = '002_e7564ae32a02def2.txt' "
        "WHERE title = 'Children''s Services Improvement Plan' AND revision = 'April 2020' AND import_source IS NULL"
    )

def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_plans_import_source'), type_='unique')
        batch_op.drop_column('import_source')

