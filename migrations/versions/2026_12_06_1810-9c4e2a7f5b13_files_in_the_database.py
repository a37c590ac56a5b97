"""Files in the database: evidence and plans waiting for an import's confirm in stored_files, so any web host serves
any file and a database backup holds them all. Existing evidence files are copied from UPLOAD_FOLDER; a file missing
there is noted (in the log, and in its row's details) and its download stays "not found", as before. The files on
disk are left where they are: delete them once the service is checked. Plans waiting for a confirm are not moved
(they wait at most 7 days): upload them again.

Revision ID: 9c4e2a7f5b13
Revises: 5c1e7a9d2b40
Create Date: 2026-12-07 09:00:00
"""
import hashlib
import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "9c4e2a7f5b13"
down_revision = "5c1e7a9d2b40"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

stored_files = sa.table(
    "stored_files", sa.column("key", sa.String), sa.column("kind", sa.String), sa.column("filename", sa.String),
    sa.column("content_type", sa.String), sa.column("size_bytes", sa.Integer), sa.column("sha256", sa.String),
    sa.column("details", sa.JSON), sa.column("data", sa.LargeBinary), sa.column("created_at", sa.DateTime),
    sa.column("expires_at", sa.DateTime))
evidence = sa.table("evidence", sa.column("stored_name", sa.String), sa.column("filename", sa.String),
                    sa.column("content_type", sa.String), sa.column("size_bytes", sa.Integer),
                    sa.column("uploaded_at", sa.DateTime))


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.Enum("evidence", "pending_import", name="file_kind", native_enum=False,
                                  create_constraint=True, length=24), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_stored_files_size_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("key", name=op.f("uq_stored_files_key")),
    )
    op.create_index("ix_stored_files_kind_expires_at", "stored_files", ["kind", "expires_at"])
    _copy_evidence_files_in()
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.create_foreign_key(op.f("fk_evidence_stored_name_stored_files"), "stored_files", ["stored_name"],
                                    ["key"])


def _copy_evidence_files_in() -> None:
    connection, folder = op.get_bind(), _folder()
    rows = connection.execute(sa.select(evidence)).mappings().all()
    missing = []
    for row in rows:  # one at a time: a file is at most EVIDENCE_MAX_MB
        path = folder / row["stored_name"]
        data = path.read_bytes() if path.is_file() else None
        if data is None:
            missing.append(str(path))
            log.warning("Evidence file missing, noted in stored_files.details: %s (%s)", path, row["filename"])
        connection.execute(sa.insert(stored_files).values(
            key=row["stored_name"], kind="evidence", filename=row["filename"], content_type=row["content_type"],
            size_bytes=len(data) if data is not None else row["size_bytes"],
            sha256=hashlib.sha256(data).hexdigest() if data is not None else "",
            details={"missing_when_migrated": str(path)} if data is None else {}, data=data,
            created_at=row["uploaded_at"], expires_at=None))
    log.info("Moved %d evidence files into the database from %s; %d missing", len(rows) - len(missing), folder,
             len(missing))


def downgrade():
    with op.batch_alter_table("evidence") as batch_op:
        batch_op.drop_constraint(op.f("fk_evidence_stored_name_stored_files"), type_="foreignkey")
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    kept = op.get_bind().execute(sa.select(stored_files.c.key, stored_files.c.data).where(
        stored_files.c.kind == "evidence", stored_files.c.data.is_not(None)))
    for key, data in kept:
        (folder / key).write_bytes(data)
    op.drop_index("ix_stored_files_kind_expires_at", table_name="stored_files")
    op.drop_table("stored_files")
