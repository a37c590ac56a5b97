"""`flask backup create` → wipe → `flask backup restore`: every table's rows and every file come back equal, on the
database the tests run on (SQLite, and PostgreSQL when TEST_DATABASE_URL is one; CI runs both). A database holding
data is refused unless --force, and a backup of another migration is refused."""

import gzip
import json
from datetime import datetime

from sqlalchemy import select

from app.extensions import db as _db
from app.models import Evidence, FileKind, Person, StoredFile
from app.services import storage
from app.services.importers import pending
from app.services.importers.uploads import Upload

NOW = datetime(2020, 7, 31, 12, 0)
BYTES = bytes(range(256)) * 5000  # every byte value, larger than a chunk


def every_row() -> dict[str, list[tuple]]:
    _db.session.rollback()
    return {table.name: [tuple(row) for row in _db.session.execute(
        select(table).order_by(*table.primary_key.columns))] for table in _db.metadata.sorted_tables}


def wipe() -> None:
    _db.session.rollback()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())


def some_of_everything(db, plan_tree, make_person):
    manager = make_person("Mo Manager")
    plan_tree["owner"].line_manager = manager  # a row pointing at a row made after it
    kept = storage.put(BYTES, kind=FileKind.EVIDENCE, filename="minutes.pdf", content_type="application/pdf", now=NOW)
    db.session.add(Evidence(milestone=plan_tree["milestone"], filename="minutes.pdf", stored_name=kept.key,
                            content_type="application/pdf", size_bytes=len(BYTES), uploaded_at=NOW))
    db.session.commit()
    pending.keep(Upload("plan.docx", "docx", b"PK waiting", "b" * 64), now=NOW, title="Waiting")


def test_backup_wipe_restore_gives_back_every_row_and_file(app, db, plan_tree, make_person, tmp_path):
    some_of_everything(db, plan_tree, make_person)
    before = every_row()
    assert before["stored_files"] and before["evidence"] and before["people"]
    runner, path = app.test_cli_runner(), tmp_path / "service.backup.gz"
    made = runner.invoke(args=["backup", "create", str(path)])
    assert made.exit_code == 0, made.output
    assert "stored_files: 2" in made.output

    wipe()
    assert all(rows == [] for rows in every_row().values())
    restored = runner.invoke(args=["backup", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert f"{sum(map(len, before.values()))} rows" in restored.output
    assert every_row() == before
    [evidence] = db.session.scalars(select(Evidence))
    assert storage.get(db.session.scalar(select(StoredFile).where(StoredFile.key == evidence.stored_name))) == BYTES

    fresh = Person(name="New Person", email="new.person@test.example")  # ids go on after the restored ones
    db.session.add(fresh)
    db.session.commit()
    assert fresh.id > max(row[0] for row in before["people"])


def test_a_database_holding_data_is_refused_unless_forced(app, db, plan_tree, make_person, tmp_path):
    some_of_everything(db, plan_tree, make_person)
    before, runner, path = every_row(), app.test_cli_runner(), tmp_path / "service.backup.gz"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    make_person("Added Afterwards")
    refused = runner.invoke(args=["backup", "restore", str(path)])
    assert refused.exit_code == 1 and "This database holds data" in refused.output and "--force" in refused.output
    forced = runner.invoke(args=["backup", "restore", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert every_row() == before  # "Added Afterwards" is gone: the database is as backed up


def test_a_backup_of_another_migration_or_not_a_backup_is_refused(app, db, tmp_path):
    path = tmp_path / "other.backup.gz"
    with gzip.open(path, "wt") as out:
        out.write(json.dumps({"format": "improvement-tracker-backup", "version": 1, "revision": "0000aaaa"}) + "\n")
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert refused.exit_code == 1 and "at migration 0000aaaa" in refused.output
    (tmp_path / "notes.txt").write_text("not a backup")
    refused = app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "notes.txt")])
    assert refused.exit_code == 1 and "cannot be read as a backup" in refused.output
