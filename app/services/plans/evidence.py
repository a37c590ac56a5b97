"""Evidence attachments: size and type checked against the file's content (an Office file as carefully as an
import: uploads.check_office_file), its name as uploads.file_name keeps it, its bytes kept by services/storage.py
(in the database by default: decision 0015)."""

from datetime import datetime
from pathlib import Path

from app.extensions import db
from app.models import Evidence, FileKind, Milestone, Person, StoredFile
from app.services import history, storage
from app.services.errors import DomainError
from app.services.importers import uploads
from app.services.transaction import transaction

ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "pptx": (ZIP,),
    "odt": (ZIP,),
    "ods": (ZIP,),
    "doc": (OLE,),
    "xls": (OLE,),
    "ppt": (OLE,),
    "msg": (OLE,),
}
TEXT_TYPES = {"txt", "csv", "eml"}
CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
    "msg": "application/vnd.ms-outlook", "txt": "text/plain", "csv": "text/csv", "eml": "message/rfc822",
}
ALLOWED_EXTENSIONS = sorted(CONTENT_TYPES)


def check_file(filename: str, content: bytes, max_bytes: int) -> str:
    """Return the file's content type, or raise DomainError saying what is wrong with it."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in CONTENT_TYPES:
        raise DomainError(f"The file must be one of: {', '.join(ALLOWED_EXTENSIONS)}", field="file")
    if not content:
        raise DomainError("The selected file is empty", field="file")
    if len(content) > max_bytes:
        raise DomainError(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB", field="file")
    if not _content_matches(extension, content):
        raise DomainError(f"The file's content is not a .{extension} file", field="file")
    if extension in uploads.FORMATS and extension != "csv":
        uploads.check_office_file(filename, content, extension)
    return CONTENT_TYPES[extension]


def _content_matches(extension: str, content: bytes) -> bool:
    if extension in TEXT_TYPES:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in content
    return content.startswith(SIGNATURES[extension])


@transaction("This milestone")
def add_evidence(milestone: Milestone, *, filename: str, content: bytes, description: str, max_bytes: int,
                 actor: Person, now: datetime) -> Evidence:
    filename = uploads.file_name(filename)
    content_type = check_file(filename, content, max_bytes)
    kept = storage.put(content, kind=FileKind.EVIDENCE, filename=filename, content_type=content_type, now=now)
    evidence = Evidence(milestone=milestone, filename=filename, stored_name=kept.key,
                        content_type=content_type, size_bytes=len(content), description=description.strip(),
                        uploaded_by=actor, uploaded_at=now)
    db.session.add(evidence)
    db.session.flush()
    history.record(milestone, "evidence", None, evidence.filename, actor=actor, now=now, action_id=milestone.action_id)
    return evidence


def evidence_file(evidence: Evidence) -> StoredFile | None:
    """The evidence's file, or None when its bytes are not there (missing from the disk when it was migrated)."""
    kept = storage.find(evidence.stored_name)
    return kept if kept is not None and storage.held(kept) else None
