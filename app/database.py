"""Database connection settings that apply whatever the app (SQLite enforces foreign keys, uses WAL), and what
differs between the two databases."""

from sqlalchemy import Column, MetaData, Table, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.extensions import db


def insert_ignoring_duplicates(table: Table):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the database in use: a row another transaction wrote
    meanwhile is left as it is (PostgreSQL first waits for that transaction to end)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def add_rows_ignoring_duplicates(table: Table, rows: list[dict]) -> None:
    """Many rows (dicts with the same keys), as a job writes them, inserted in the session's transaction, leaving as it
    is any row another transaction wrote meanwhile. On PostgreSQL they are copied (COPY) into a temporary table and
    inserted from it in one statement: a first sweep's 25,000 notices took 0.37 s so, against 1.1 s as one INSERT
    each, however pipelined (the server runs each one alone). Elsewhere, one executemany. (A few rows, as a web
    request writes them, go as one executemany: insert_ignoring_duplicates.)"""
    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        db.session.execute(insert_ignoring_duplicates(table), rows)
        return
    names = list(rows[0])
    incoming = Table(f"incoming_{table.name}", MetaData(), *(Column(name, table.c[name].type) for name in names),
                     prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    connection = db.session.connection()
    incoming.create(connection)
    dialect = connection.dialect
    as_stored = [table.c[name].type.bind_processor(dialect) or (lambda value: value) for name in names]
    with connection.connection.cursor() as cursor, cursor.copy(
            f"COPY {dialect.identifier_preparer.format_table(incoming)} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([stored(row[name]) for stored, name in zip(as_stored, names, strict=True)])
    db.session.execute(insert_ignoring_duplicates(table).from_select(names, select(incoming)))
    incoming.drop(connection)  # now, not at the commit: the transaction may add more rows


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def refresh_statistics() -> None:
    """SQLite: gather the planner's statistics (ANALYZE; under a second on the bench's full-size data). Without them SQLite
    guesses, and at 200,000 milestones the dashboard's "most slipped" took 40 ms on a guessed plan where the right
    one takes 2. PostgreSQL's autovacuum does this by itself."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
