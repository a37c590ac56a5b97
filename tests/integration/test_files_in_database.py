"""Files in the database (decision 0015): evidence and plans waiting for a confirm are kept in `stored_files`, never
on the web host's disk, so any host serves any file; downloads are streamed from the database with the headers
they always had; existing evidence files are moved in by the migration, a missing one noted."""

import hashlib
import os
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from app.extensions import db as _db
from app.models import Evidence, FileKind, SecurityEvent, SecurityEventKind, StoredFile
from app.services import storage
from app.services.importers import pending
from app.services.importers.uploads import Upload
from tests.integration.test_migrations import empty_app  # noqa: F401 (a fixture)
from tests.integration.test_no_false_conflicts import opened, signed_in

PDF = b"%PDF-1.4 " + os.urandom(2_500_000)  # larger than two chunks, so a download crosses chunk boundaries


def test_evidence_is_kept_in_the_database_and_downloaded_byte_for_byte(app, db, plan_tree, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "evidence")
    milestone, olive = plan_tree["milestone"], signed_in(app, plan_tree["owner"])
    url = f"/milestones/{milestone.id}/evidence/new"
    form = opened(olive, url)
    form.add("file", (BytesIO(PDF), "Board minutes – July.pdf"))
    assert olive.post(url, data=form, content_type="multipart/form-data").status_code == 302
    [item] = db.session.scalars(select(Evidence))
    kept = db.session.scalar(select(StoredFile).where(StoredFile.key == item.stored_name))
    assert (kept.kind, kept.size_bytes, kept.sha256) == (FileKind.EVIDENCE, len(PDF), hashlib.sha256(PDF).hexdigest())
    assert not (tmp_path / "evidence").exists()  # nothing on the web host's disk

    download = olive.get(f"/evidence/{item.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Board%20minutes%20%E2%80%93%20July.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    [event] = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.EXPORTED))
    assert event.detail == "Evidence file Board minutes – July.pdf"


def test_evidence_whose_bytes_are_missing_is_not_found(app, db, plan_tree):
    kept = storage.put(b"%PDF-1.4", kind=FileKind.EVIDENCE, filename="gone.pdf", content_type="application/pdf",
                       now=datetime(2020, 7, 31))
    kept.data = None  # as the migration leaves a file that was missing from the disk
    item = Evidence(milestone=plan_tree["milestone"], filename="gone.pdf", stored_name=kept.key,
                    content_type="application/pdf", size_bytes=8, uploaded_at=datetime(2020, 7, 31))
    db.session.add(item)
    db.session.commit()
    assert signed_in(app, plan_tree["owner"]).get(f"/evidence/{item.id}").status_code == 404


def _upload(data: bytes) -> Upload:
    return Upload("plan.docx", "docx", data, hashlib.sha256(data).hexdigest())


def test_a_waiting_import_expires_and_is_deleted_when_the_next_is_kept(app, db):
    start = datetime(2020, 7, 1, 9, 0)
    first = pending.keep(_upload(b"first plan"), now=start, title="First")
    assert pending.load(first, now=start + timedelta(days=6)).data == b"first plan"
    later = start + pending.KEEP_FOR
    assert pending.load(first, now=later) is None  # its time is up
    second = pending.keep(_upload(b"second plan"), now=later)
    assert set(db.session.scalars(select(StoredFile.key))) == {second}
    pending.discard(second)
    assert db.session.scalars(select(StoredFile)).all() == []


def test_only_a_waiting_import_is_found_by_its_key(app, db):
    evidence = storage.put(b"x", kind=FileKind.EVIDENCE, key="a" * 64, filename="x.txt", content_type="text/plain",
                           now=datetime(2020, 7, 1))
    db.session.commit()
    assert pending.load(evidence.key, now=datetime(2020, 7, 1)) is None
    assert pending.load("../../instance/x", now=datetime(2020, 7, 1)) is None


def test_an_unknown_storage_is_refused_by_name(app):
    app.config["FILE_STORAGE"] = "s3"
    with pytest.raises(RuntimeError, match="FILE_STORAGE='s3' is not available"):
        storage.backend()


def test_the_migration_moves_evidence_files_into_the_database_and_notes_a_missing_one(empty_app, tmp_path):  # noqa: F811
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "kept-file").write_bytes(b"%PDF-1.4 on disk")
    empty_app.config["UPLOAD_FOLDER"] = str(folder)
    upgrade(revision="3b8d2f6e1c47")
    with _db.engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO plans (id, title, version) VALUES (1, 'Plan', 1)")
        run("INSERT INTO areas (id, plan_id, number, title, summary, position, version) VALUES (1, 1, '1.0', 'A', '', 0, 1)")
        run("INSERT INTO actions (id, area_id, number, what, how, delivery_type, position, version) "
            "VALUES (1, 1, '1.1', 'Do', '', 'project', 0, 1)")
        run("INSERT INTO milestones (id, action_id, position, deliverable, status, due_kind, due_raw, due_note, "
            "version) VALUES (1, 1, 0, 'Audit', 'not_started', 'tbd', '', '', 1)")
        run("INSERT INTO evidence (id, milestone_id, filename, stored_name, content_type, size_bytes, description, "
            "uploaded_at) VALUES (1, 1, 'minutes.pdf', 'kept-file', 'application/pdf', 16, '', '2020-07-01 09:00:00'), "
            "(2, 1, 'lost.pdf', 'lost-file', 'application/pdf', 5, '', '2020-07-02 09:00:00')")
    upgrade()
    files = {row.key: row for row in _db.session.scalars(select(StoredFile))}
    assert storage.get(files["kept-file"]) == b"%PDF-1.4 on disk"
    assert files["kept-file"].sha256 == hashlib.sha256(b"%PDF-1.4 on disk").hexdigest()
    assert files["lost-file"].data is None
    assert files["lost-file"].details == {"missing_when_migrated": str(folder / "lost-file")}
