"""Files the service keeps: evidence attached to milestones and plans waiting between an import's preview and its
confirm. Every file has a row here, whatever holds its bytes, so that any web host serves any file and a backup
of the database holds everything (decision 0015). With the default storage ("database") the bytes are in `data`;
a later object-storage backend would keep `data` empty and the bytes under `key` in its bucket."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.extensions import db
from app.models.base import LabelledEnum, enum_type


class FileKind(LabelledEnum):
    EVIDENCE = "evidence"  # attached to a milestone; kept for good
    PENDING_IMPORT = "pending_import", "Plan waiting for an import's confirm"  # deleted at the confirm or expiry


class StoredFile(db.Model):
    __tablename__ = "stored_files"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
        Index("ix_stored_files_kind_expires_at", "kind", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # how the service and a storage backend name it
    kind: Mapped[FileKind] = mapped_column(enum_type(FileKind, "file_kind"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. a waiting import's plan title
    # The bytes; NULL when held elsewhere (object storage), or when a migrated file was missing from the disk.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]  # None: kept until deleted
