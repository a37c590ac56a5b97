"""A backup of the whole service, and restoring it: every table (files included: they are in the database, decision
0015), in one portable file that any database the service runs on can restore (SQLite or PostgreSQL, either way).

The file is gzip-compressed JSON lines: a header (format, version, the database's migration revision, when), then
for each table in dependency order a line naming it and its columns, followed by one JSON array per row. Bytes are
base64, dates and times ISO 8601, choices their stored value. It is read in one consistent snapshot (a read-only
REPEATABLE READ transaction on PostgreSQL, one read transaction on SQLite), a row at a time, so a backup never
holds the database in memory.

Restoring checks the migration revision is the same, refuses a database holding data unless forced (then empties
it first), writes everything in one transaction (all or nothing), and sets PostgreSQL's id sequences after the
highest id restored. A column pointing at a row restored later (a person's line manager) is filled in at the end.
"""

import base64
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Enum,
    Float,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    bindparam,
    func,
    inspect,
    select,
    text,
)

FORMAT, VERSION = "improvement-tracker-backup", 1
BATCH = 500


class BackupError(Exception):
    """A backup that cannot be restored here: the message says why and what to do."""


@dataclass
class Outcome:
    revision: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def create(engine: Engine, metadata: MetaData, path: Path, *, now: datetime) -> Outcome:
    """Write every table's rows to `path`; what was written, table by table."""
    with _snapshot(engine) as connection:
        outcome = Outcome(_revision(connection))
        with gzip.open(path, "wt", encoding="utf-8") as out:
            _line(out, {"format": FORMAT, "version": VERSION, "revision": outcome.revision,
                        "created_at": now.isoformat(), "database": engine.dialect.name})
            for table in metadata.sorted_tables:
                columns = [column.name for column in table.columns]
                _line(out, {"table": table.name, "columns": columns})
                count = 0
                for row in connection.execution_options(yield_per=BATCH).execute(
                        select(table).order_by(*table.primary_key.columns)):
                    _line(out, [_dumped(value) for value in row])
                    count += 1
                outcome.rows[table.name] = count
    return outcome


def restore(engine: Engine, metadata: MetaData, path: Path, *, force: bool = False) -> Outcome:
    """Restore `path` into this database (emptied first when `force`); what was restored, table by table."""
    records = _records(path)
    header = next(records, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup made by `flask backup create`")
    with engine.begin() as connection:
        here = _revision(connection)
        if header.get("revision") != here:
            raise BackupError(f"The backup is of the database at migration {header.get('revision')}, this database "
                              f"is at {here}. Bring this database to the backup's migration first "
                              f"(`flask db upgrade {header.get('revision')}` on an empty database), then restore.")
        holding = {name: count for name, count in counts(connection, metadata).items() if count}
        if holding and not force:
            raise BackupError(f"This database holds data ({sum(holding.values())} rows, e.g. {next(iter(holding))}). "
                              "Restore into an empty database, or add --force to replace everything in it.")
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        outcome = Outcome(header.get("revision"))
        _write(connection, metadata, records, outcome)
        _reset_sequences(connection, metadata)
    return outcome


def counts(connection: Connection, metadata: MetaData) -> dict[str, int]:
    return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in metadata.sorted_tables}


def _snapshot(engine: Engine):
    if engine.dialect.name == "postgresql":
        connection = engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    else:
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN")  # SQLite: one read transaction, so every table is read as at one moment
    return connection


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _line(out, value) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


def _records(path: Path) -> Iterator:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)
    except (OSError, EOFError, ValueError) as error:
        raise BackupError(f"{path} cannot be read as a backup: {error}") from error


def _dumped(value):
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value  # a choice (enum member): its stored value
    return value


def _loaded(column_type, value):
    if value is None:
        return None
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Time):
        return time.fromisoformat(value)
    if isinstance(column_type, Numeric) and not isinstance(column_type, Float):
        return Decimal(value)
    if isinstance(column_type, Enum) and column_type.enum_class is not None:
        return column_type.enum_class(value)
    return value


def _write(connection: Connection, metadata: MetaData, records: Iterator, outcome: Outcome) -> None:
    """Insert each table's rows in batches; columns pointing at rows not yet restored are set afterwards."""
    later: list[tuple[Table, dict[str, list[dict]]]] = []
    restored: set[str] = set()
    table, columns, batch, ahead = None, [], [], []
    for record in records:
        if isinstance(record, dict):
            _flush(connection, table, batch, outcome)
            if table is not None:
                restored.add(table.name)
            table = metadata.tables.get(record["table"])
            if table is None:
                raise BackupError(f"The backup holds a table this version does not have: {record['table']}")
            columns, ahead = record["columns"], _pointing_ahead(table, restored)
            later.append((table, {name: [] for name in ahead}))
            outcome.rows[table.name] = 0
            continue
        row = {name: _loaded(table.columns[name].type, value) for name, value in zip(columns, record, strict=True)}
        for name in ahead:
            if row.get(name) is not None:
                later[-1][1][name].append({**_key(table, row), "_value": row[name]})
                row[name] = None
        batch.append(row)
        if len(batch) >= BATCH:
            _flush(connection, table, batch, outcome)
    _flush(connection, table, batch, outcome)
    for table, postponed in later:
        for name, values in postponed.items():
            _fill_in(connection, table, name, values)


def _pointing_ahead(table: Table, restored: set[str]) -> list[str]:
    """The table's columns referring to a table not restored before it (itself, or one later in a cycle)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table.name not in restored]


def _key(table: Table, row: dict) -> dict:
    return {f"_key_{column.name}": row[column.name] for column in table.primary_key.columns}


def _flush(connection: Connection, table: Table | None, batch: list[dict], outcome: Outcome) -> None:
    if table is not None and batch:
        connection.execute(table.insert(), batch)
        outcome.rows[table.name] += len(batch)
        batch.clear()


def _fill_in(connection: Connection, table: Table, name: str, values: list[dict]) -> None:
    if values:
        match = [column == bindparam(f"_key_{column.name}") for column in table.primary_key.columns]
        connection.execute(table.update().where(*match).values({name: bindparam("_value")}), values)


def _reset_sequences(connection: Connection, metadata: MetaData) -> None:
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the next id after the highest
    for table in metadata.sorted_tables:
        if len(table.primary_key.columns) != 1:
            continue  # no id sequence
        [key] = table.primary_key.columns
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                     {"table": table.name, "column": key.name})
        if sequence:
            connection.execute(text(f"SELECT setval('{sequence}', COALESCE((SELECT MAX({key.name}) FROM "
                                    f"{table.name}), 1), (SELECT MAX({key.name}) FROM {table.name}) IS NOT NULL)"))
