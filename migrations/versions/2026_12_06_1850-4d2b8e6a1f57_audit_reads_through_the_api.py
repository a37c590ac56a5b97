"""The audit access log records reads through the API: the token that read (api_token_id), with no person, since
tokens are made on the server's command line by no one in the service. Every row still names a reader.

Revision ID: 4d2b8e6a1f57
Revises: 7a8456d94c2e
Create Date: 2026-12-06 18:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "4d2b8e6a1f57"
down_revision = "7a8456d94c2e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_access_log") as batch_op:
        batch_op.add_column(sa.Column("api_token_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_audit_access_log_api_token_id_api_tokens"), "api_tokens",
                                    ["api_token_id"], ["id"])
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint("someone_read_it", "person_id IS NOT NULL OR api_token_id IS NOT NULL")


def downgrade():
    op.execute("DELETE FROM audit_access_log WHERE person_id IS NULL")  # reads through the API: no person to keep
    with op.batch_alter_table("audit_access_log") as batch_op:
        batch_op.drop_constraint("someone_read_it", type_="check")
        batch_op.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("fk_audit_access_log_api_token_id_api_tokens"), type_="foreignkey")
        batch_op.drop_column("api_token_id")
