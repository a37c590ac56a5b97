"""The health check's look at the database."""

from sqlalchemy import text

from app.extensions import db


def check_database() -> None:
    """Ask the database a trivial question: raises when it cannot be reached, so the health check fails."""
    db.session.execute(text("SELECT 1"))
