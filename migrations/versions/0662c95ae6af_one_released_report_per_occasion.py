"""One released report per occasion: partial unique indexes on the released plan report for a plan and meeting,
and the released audit report for a month.

Revision ID: 0662c95ae6af
Revises: 6c003d7896a9
Create Date: 2026-12-01 22:25:05.117048

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0662c95ae6af'
down_revision = '6c003d7896a9'
branch_labels = None
depends_on = None

RELEASED_PLAN_REPORT = sa.text("state = 'released' AND kind = 'plan_progress'")
RELEASED_AUDIT_REPORT = sa.text("state = 'released' AND kind = 'audit_monthly'")


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('uq_reports_released_audit_report', ['month'], unique=True,
                              sqlite_where=RELEASED_AUDIT_REPORT, postgresql_where=RELEASED_AUDIT_REPORT)
        batch_op.create_index('uq_reports_released_plan_report', ['plan_id', 'meeting_id'], unique=True,
                              sqlite_where=RELEASED_PLAN_REPORT, postgresql_where=RELEASED_PLAN_REPORT)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('uq_reports_released_plan_report')
        batch_op.drop_index('uq_reports_released_audit_report')
