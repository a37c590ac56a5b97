"""Plan files waiting between the dry run and the confirm: kept on disk, named by their SHA-256.

An uploaded plan (Word or spreadsheet) that passed every check is kept as `<sha256>.upload` in the import folder,
with `<sha256>.json` beside it holding the name it was uploaded with, its type, and the title given for a
spreadsheet. The preview page reads it again from there, and the confirm
imports it and discards both files. Only a name of 64 lowercase hex digits is ever turned into a path, so a
web address can never reach another file. A plan nobody confirmed is cleared away after `KEEP_FOR`, when the
next plan is kept.
"""

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from app.services.importers.uploads import Upload

SHA256 = re.compile(r"[0-9a-f]{64}")
KEEP_FOR = timedelta(days=7)


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


def keep(upload: Upload, folder: str | Path, *, now: datetime, title: str = "") -> str:
    """Keep a checked upload until it is confirmed; return its key (the SHA-256)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _clear_old(folder, now)
    _write(folder / f"{upload.sha256}.upload", upload.data)
    details = {"filename": upload.filename, "extension": upload.extension, "title": title}
    _write(folder / f"{upload.sha256}.json", json.dumps(details).encode())
    return upload.sha256


def load(sha256: str, folder: str | Path) -> PendingImport | None:
    """The plan kept under this key, or None when the key is malformed or nothing is kept under it."""
    if not is_key(sha256):
        return None
    folder = Path(folder)
    try:
        data = (folder / f"{sha256}.upload").read_bytes()
        details = json.loads((folder / f"{sha256}.json").read_text())
        extension, title = str(details["extension"]), str(details.get("title") or "")
        filename = str(details.get("filename") or "the uploaded plan")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return PendingImport(sha256, filename, data, extension, title)


def discard(sha256: str, folder: str | Path) -> None:
    if not is_key(sha256):
        return
    for suffix in (".upload", ".json"):
        (Path(folder) / f"{sha256}{suffix}").unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _clear_old(folder: Path, now: datetime) -> None:
    oldest = (now - KEEP_FOR).timestamp()
    for path in folder.iterdir():
        if is_key(path.stem) and path.suffix in (".upload", ".json"):
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink(missing_ok=True)
            except OSError:
                pass
