"""A plan brought in through the pages: upload and check, the dry run of the file kept waiting, confirm.

Nothing is written to the plan until the confirm. Between the preview and the confirm the uploaded file waits in
the service's file storage (the database by default) under its SHA-256 (pending.py).
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import BinaryIO

from app.models import Person
from app.services.errors import DomainError
from app.services.importers import pending, plan_files, plan_import, plan_write, uploads
from app.services.importers.pending import PendingImport
from app.services.importers.plan_docx import PlanDocument
from app.services.importers.plan_import import ImportPreview


def keep_upload(stream: BinaryIO | None, *, filename: str, title: str | None, max_bytes: int, now: datetime) -> str:
    """Check an uploaded plan and keep it for the preview; return its key. A file that is not a plan is refused
    before it is kept: a format problem is the file's, a missing title the title's."""
    try:
        upload = uploads.read_upload(stream, filename=filename, allowed=plan_files.EXTENSIONS, max_bytes=max_bytes)
        plan_files.read_document(upload, title=title)
    except DomainError as error:
        raise DomainError(error.message, field="title" if error.field == "title" else "file") from error
    return pending.keep(upload, now=now, title=(title or "").strip())


@dataclass(frozen=True)
class WaitingImport:
    kept: PendingImport
    document: PlanDocument
    result: ImportPreview

    def near_matches(self) -> list[tuple[str, str]]:
        """The names the file gives that are probably people the service knows: (as written, as known)."""
        return [(person.written, person.known_as) for person in self.result.people if person.outcome == "near"]

    def previewed_again(self) -> "WaitingImport":
        return replace(self, result=plan_import.preview(self.document))


def waiting(sha256: str, *, now: datetime) -> WaitingImport | None:
    """The upload waiting under this key with its plan and dry run, or None when nothing waits under it. The file
    passed its checks when it was uploaded, so a failure to read it now is the service's fault."""
    kept = pending.load(sha256, now=now)
    if kept is None:
        return None
    document = plan_files.read_document(kept.as_upload(), title=kept.title)
    return WaitingImport(kept, document, plan_import.preview(document))


def confirm(waiting_import: WaitingImport, *, same_people: set[str], actor: Person, now: datetime) -> ImportPreview:
    """Import the waiting file (all of it or nothing: the import is its own transaction, committed before the
    file is let go). Returns what was done."""
    kept = waiting_import.kept
    done = plan_write.import_plan(waiting_import.document, same_people=same_people, actor=actor, now=now,
                                  source_name=f"{kept.filename} (uploaded by {actor.name})")
    pending.discard(kept.sha256)
    return done
