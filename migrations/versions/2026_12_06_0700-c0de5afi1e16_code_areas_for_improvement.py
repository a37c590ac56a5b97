"""Code each Area for Improvement (AfI1, AfI2 … across its plan, in plan order), so reports and actions can refer
to it

Revision ID: c0de5afi1e16
Revises: 5b1c0e7d2a94
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c0de5afi1e16'
down_revision = '5b1c0e7d2a94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('improvement_areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=20), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT improvement_areas.id, areas.plan_id FROM improvement_areas JOIN areas ON areas.id = "
        "improvement_areas.area_id ORDER BY areas.plan_id, areas.position, areas.id, improvement_areas.position, "
        "improvement_areas.id")).all()
    numbers: dict[int, int] = {}
    for afi_id, plan_id in rows:
        numbers[plan_id] = numbers.get(plan_id, 0) + 1
        connection.execute(sa.text("UPDATE improvement_areas SET code = :code WHERE id = :id"),
                           {"code": f"AfI{numbers[plan_id]}", "id": afi_id})
    with op.batch_alter_table('improvement_areas', schema=None) as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=20), nullable=False)


def downgrade():
    with op.batch_alter_table('improvement_areas', schema=None) as batch_op:
        batch_op.drop_column('code')
