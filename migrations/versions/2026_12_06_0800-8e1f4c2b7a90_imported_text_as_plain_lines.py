"""Imported text as plain lines, and each update's date once

Text already stored from an imported plan is cleaned as the importers now clean it when they read it: HTML typed
into a cell (`<p>Phase 1 30/09/20</p> <p>Phase 2…`) becomes lines, and an update's opening "Update 20 July 2020"
is dropped when it only repeats the update's own date. Updates people wrote and signed in the service are left as
they wrote them. Nothing else changes, so downgrading leaves the text clean.

The cleaning rules are the application's own (app.services.plain_text, importers.plan_cells), so what is stored
reads exactly as newly imported text does.

Revision ID: 8e1f4c2b7a90
Revises: c0de5afi1e16
Create Date: 2026-12-06 08:00:00
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

from app.services.importers.plan_cells import without_its_own_date
from app.services.plain_text import plain_text

revision = "8e1f4c2b7a90"
down_revision = "c0de5afi1e16"
branch_labels = None
depends_on = None

IMPORTED_TEXT = {  # table: its text columns that can come from an imported plan
    "areas": ("title", "summary"),
    "actions": ("what", "how"),
    "milestones": ("deliverable", "sub_action", "due_raw", "due_note"),
    "recommendations": ("text",),
    "improvement_areas": ("text",),
}


def upgrade():
    connection = op.get_bind()
    for table, columns in IMPORTED_TEXT.items():
        for column in columns:
            _clean(connection, table, column)
    _updates_without_their_own_date(connection)


def _clean(connection, table: str, column: str) -> None:
    rows = connection.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} LIKE '%<%' "
                                      f"OR {column} LIKE '%&%'")).all()
    for row_id, value in rows:
        cleaned = plain_text(value)
        if cleaned != value:
            connection.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                               {"value": cleaned, "id": row_id})


def _updates_without_their_own_date(connection) -> None:
    """Imported updates only (no author): an update a person wrote and signed is kept exactly as they wrote it."""
    rows = connection.execute(sa.text("SELECT id, body, written_on FROM progress_updates WHERE author_id IS NULL")).all()
    for row_id, body, written_on in rows:
        day = written_on if isinstance(written_on, date) else date.fromisoformat(str(written_on)[:10])
        cleaned = without_its_own_date(plain_text(body), day)
        if cleaned != body:
            connection.execute(sa.text("UPDATE progress_updates SET body = :body WHERE id = :id"),
                               {"body": cleaned, "id": row_id})


def downgrade():
    pass  # the cleaned text is what the importers now store; there is nothing to put back
