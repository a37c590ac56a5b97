"""`flask backup create PATH` and `flask backup restore PATH [--force]`: the whole service (every table, and so every
file: they are in the database) in one portable file (app/services/backup.py, docs/operations.md)."""

from pathlib import Path

import click

from app.clock import now
from app.extensions import db
from app.services import backup


@click.group("backup", help="Back up the whole service to one file, or restore it.")
def backup_group() -> None:
    pass


@backup_group.command("create", help="Write every table, files included, to PATH (gzip-compressed JSON lines).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create(path: Path) -> None:
    outcome = backup.create(db.engine, db.metadata, path, now=now())
    _report(f"Backed up to {path}", outcome)


@backup_group.command("restore", help="Restore PATH into this database (empty, or emptied first with --force).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace everything this database holds.")
def restore(path: Path, force: bool) -> None:
    try:
        outcome = backup.restore(db.engine, db.metadata, path, force=force)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    _report(f"Restored from {path}", outcome)


def _report(done: str, outcome: backup.Outcome) -> None:
    click.echo(f"{done}: {outcome.total} rows in {len(outcome.rows)} tables (migration {outcome.revision}).")
    for table, count in outcome.rows.items():
        if count:
            click.echo(f"  {table}: {count}")
