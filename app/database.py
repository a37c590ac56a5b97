"""Database connection settings that apply whatever the app (SQLite enforces foreign keys, uses WAL), and what
differs between the two databases."""

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from app.extensions import db


def insert_ignoring_duplicates(table: Table):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the database in use: a row another transaction wrote
    meanwhile is left as it is (PostgreSQL first waits for that transaction to end)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


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
