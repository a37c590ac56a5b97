"""The authenticator apps' secrets kept sealed (Fernet tokens, about 140 characters) instead of as base32: the
column is widened. Secrets already kept are still read as they are; `flask users reseal-second-factors` seals them
(docs/operations.md, "Upgrading").

Revision ID: 5c1e8a3f7d29
Revises: 2f7c4e9b8a16
Create Date: 2026-12-06 19:00:00
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "5c1e8a3f7d29"
down_revision = "2f7c4e9b8a16"
branch_labels = None
depends_on = None


def upgrade():
    with _people_rebuilt_on_sqlite():
        with op.batch_alter_table("people") as batch_op:
            batch_op.alter_column("totp_secret", existing_type=sa.String(64), type_=sa.String(255))


def downgrade():
    # A sealed secret does not fit the narrower column: downgrading turns those second factors off (each person sets
    # theirs up again).
    op.execute("UPDATE people SET totp_secret = NULL, totp_confirmed_at = NULL, totp_last_step = NULL "
               "WHERE totp_secret IS NOT NULL AND length(totp_secret) > 64")
    with _people_rebuilt_on_sqlite():
        with op.batch_alter_table("people") as batch_op:
            batch_op.alter_column("totp_secret", existing_type=sa.String(255), type_=sa.String(64))


@contextmanager
def _people_rebuilt_on_sqlite():
    """SQLite changes a column's type by copying the table to a new one and dropping the old: with foreign keys
    enforced, dropping `people` (which nearly every table refers to) would fail, so they are off meanwhile, and every
    reference is checked afterwards (the rows are copied with their ids: none breaks)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    yield
    if sqlite:
        broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"References broken while the people table was rebuilt: {broken[:5]}")
        op.execute("PRAGMA foreign_keys=ON")
