"""Where the service keeps files (evidence, plans waiting for an import's confirm): one small interface, put / get /
delete / chunks, so that every web host serves every file and a database backup holds them all (decision 0015).

Every file has a `StoredFile` row (name, type, size, SHA-256, expiry). Where its bytes live is the storage
backend's business, chosen by FILE_STORAGE:
- "database" (the default, and today the only one): the bytes are in `stored_files.data`.
- Extension point: an S3-compatible backend would implement `Backend` (write, read, read_range, remove) against a
  bucket under the same keys, leave `data` NULL, and be chosen here by FILE_STORAGE="s3" with its own settings.
  Nothing outside this module would change.

The functions run in the caller's transaction (they flush, never commit)."""

import hashlib
import io
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import FileKind, StoredFile

CHUNK = 1024 * 1024  # a download is read from the database a megabyte at a time
BACKENDS = ("database",)


class Backend(Protocol):
    def write(self, row: StoredFile, data: bytes) -> None: ...
    def read_range(self, file_id: int, start: int, length: int) -> bytes: ...
    def held(self, row: StoredFile) -> bool: ...
    def remove(self, rows: list[StoredFile]) -> None: ...


class DatabaseBackend:
    """The bytes in the row itself."""

    def write(self, row: StoredFile, data: bytes) -> None:
        row.data = data

    def read_range(self, file_id: int, start: int, length: int) -> bytes:
        # substr() counts from 1 on SQLite and PostgreSQL alike, and works on BLOB and bytea
        part = db.session.scalar(select(func.substr(StoredFile.data, start + 1, length)).where(StoredFile.id == file_id))
        return bytes(part or b"")

    def held(self, row: StoredFile) -> bool:
        return db.session.scalar(select(StoredFile.data.is_not(None)).where(StoredFile.id == row.id)) or False

    def remove(self, rows: list[StoredFile]) -> None:
        pass  # the bytes go with the row


def backend() -> Backend:
    name = current_app.config.get("FILE_STORAGE", "database")
    if name != "database":
        raise RuntimeError(f"FILE_STORAGE={name!r} is not available: choose one of {', '.join(BACKENDS)}")
    return DatabaseBackend()


def put(data: bytes, *, kind: FileKind, filename: str, content_type: str, now: datetime, key: str | None = None,
        expires_at: datetime | None = None, details: dict | None = None) -> StoredFile:
    """Keep these bytes under `key` (a new random one when None), replacing any file already kept under it."""
    key = key or uuid.uuid4().hex
    delete_key(key)
    row = StoredFile(key=key, kind=kind, filename=filename, content_type=content_type, size_bytes=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), details=details or {}, created_at=now,
                     expires_at=expires_at)
    backend().write(row, data)
    db.session.add(row)
    db.session.flush()
    return row


def find(key: str, *, now: datetime | None = None) -> StoredFile | None:
    """The file kept under `key`, if any (and not expired, when `now` is given)."""
    row = db.session.scalar(select(StoredFile).where(StoredFile.key == key))
    if row is None or (now is not None and row.expires_at is not None and row.expires_at <= now):
        return None
    return row


def held(row: StoredFile) -> bool:
    """Whether the file's bytes are there (a file missing from the disk when it was migrated is not)."""
    return backend().held(row)


def get(row: StoredFile) -> bytes:
    return b"".join(chunks(row))


def chunks(row: StoredFile, size: int = CHUNK) -> Iterator[bytes]:
    """The file's bytes a chunk at a time."""
    store = backend()
    for start in range(0, row.size_bytes, size):
        yield store.read_range(row.id, start, size)


def reader(row: StoredFile) -> io.BufferedReader:
    """The file as a file object for `send_file`, read from storage a chunk at a time while the response is sent
    (after the request's own session is gone: each chunk in an application context of its own), so a download
    never holds the whole file in memory."""
    return io.BufferedReader(_ChunkReader(current_app._get_current_object(), row.id, row.size_bytes),
                             buffer_size=CHUNK)


class _ChunkReader(io.RawIOBase):
    def __init__(self, app: Flask, file_id: int, size: int):
        self.app, self.file_id, self.size, self.position = app, file_id, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        length = min(len(buffer), CHUNK, self.size - self.position)
        if length <= 0:
            return 0
        with self.app.app_context():
            part = backend().read_range(self.file_id, self.position, length)
        buffer[:len(part)] = part
        self.position += len(part)
        return len(part)


def delete_key(key: str) -> None:
    rows = list(db.session.scalars(select(StoredFile).where(StoredFile.key == key)))
    _delete(rows)


def delete_expired(kind: FileKind, now: datetime) -> int:
    """Delete the files of this kind whose time is up; how many."""
    rows = list(db.session.scalars(select(StoredFile).where(StoredFile.kind == kind, StoredFile.expires_at <= now)))
    _delete(rows)
    return len(rows)


def _delete(rows: list[StoredFile]) -> None:
    if not rows:
        return
    backend().remove(rows)
    db.session.execute(delete(StoredFile).where(StoredFile.id.in_([row.id for row in rows])))
