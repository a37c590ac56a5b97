"""Plan files waiting between the dry run and the confirm: kept by services/storage.py (in the database by default,
so the confirm may reach any web host), under their SHA-256.

An uploaded plan (Word or spreadsheet) that passed every check is kept with the name it was uploaded with, its type,
and the title given for a spreadsheet. The preview page reads it again from there, and the confirm imports it and
deletes it. Only a key of 64 lowercase hex digits is ever looked up. A plan nobody confirmed expires after
`KEEP_FOR`: it is no longer found, and is deleted when the next plan is kept.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.models import FileKind
from app.services import storage
from app.services.importers.uploads import Upload
from app.services.transaction import transaction

SHA256 = re.compile(r"[0-9a-f]{64}")
KEEP_FOR = timedelta(days=7)
CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class PendingImport:
    sha256: str
    filename: str
    data: bytes = field(repr=False)
    extension: str = "docx"
    title: str = ""  # a spreadsheet's plan title, as given with the upload

    def as_upload(self) -> Upload:
        return Upload(self.filename, self.extension, self.data, self.sha256)


def is_key(sha256: str) -> bool:
    return bool(SHA256.fullmatch(sha256 or ""))


@transaction("This import")
def keep(upload: Upload, *, now: datetime, title: str = "") -> str:
    """Keep a checked upload until it is confirmed; return its key (the SHA-256)."""
    storage.delete_expired(FileKind.PENDING_IMPORT, now)
    storage.put(upload.data, kind=FileKind.PENDING_IMPORT, key=upload.sha256, filename=upload.filename,
                content_type=CONTENT_TYPE, now=now, expires_at=now + KEEP_FOR,
                details={"extension": upload.extension, "title": title})
    return upload.sha256


def load(sha256: str, *, now: datetime) -> PendingImport | None:
    """The plan kept under this key, or None when the key is malformed, or nothing (still) waits under it."""
    if not is_key(sha256):
        return None
    kept = storage.find(sha256, now=now)
    if kept is None or kept.kind != FileKind.PENDING_IMPORT:
        return None
    details = kept.details or {}
    return PendingImport(sha256, kept.filename or "the uploaded plan", storage.get(kept),
                         str(details.get("extension") or "docx"), str(details.get("title") or ""))


@transaction("This import")
def discard(sha256: str) -> None:
    if is_key(sha256):
        storage.delete_key(sha256)
