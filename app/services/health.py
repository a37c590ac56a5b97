"""What the readiness check and the metrics read: whether the database answers, whether its schema is the one this
code expects (Alembic's head), whether the scheduler has run lately, and the outbox's depth.

Liveness (/health) reads none of this: a process that answers is alive, and restarting it would not mend a database
that is down. Readiness (/health/ready) is for the load balancer and monitoring: a host whose database is
unreachable, or behind the code, should get no traffic (decision 0013).
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import EmailState, Notification, SchedulerRun
from config import BASE_DIR

VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, Check]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks.values())

    def as_json(self) -> dict:
        return {"status": "ready" if self.ready else "not ready",
                "checks": {name: {"ok": check.ok, "detail": check.detail} for name, check in self.checks.items()}}


def readiness(now: datetime, *, scheduler_within: timedelta | None) -> Readiness:
    """Each check in turn; when the database does not answer, the others are not tried. `scheduler_within`: how
    recently the scheduler must have run, None when no scheduler is meant to run (the check is then left out)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        _forget_the_failed_transaction()
        return Readiness({"database": Check(False, f"not reachable: {type(error).__name__}")})
    checks = {"database": Check(True, "reachable"), "migrations": migrations_current()}
    if scheduler_within is not None:
        checks["scheduler"] = scheduler_seen(now, within=scheduler_within)
    return Readiness(checks)


def migrations_current() -> Check:
    expected, stored = code_heads(), database_heads()
    if stored == expected:
        return Check(True, f"at {', '.join(sorted(expected))}")
    found = ", ".join(sorted(stored)) or "no revision (never migrated)"
    return Check(False, f"database at {found}; the code expects {', '.join(sorted(expected))}: run flask db upgrade")


@cache
def code_heads() -> frozenset[str]:
    """The Alembic heads this code ships with (read once per process: they change only with the code)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_heads() -> frozenset[str]:
    """The revisions `flask db upgrade` recorded (read as Alembic keeps them, without Alembic's context, which logs
    two lines each time: once per probe would fill the logs)."""
    connection = db.session.connection()
    if not inspect(connection).has_table(VERSION_TABLE):
        return frozenset()
    return frozenset(db.session.scalars(text(f"SELECT version_num FROM {VERSION_TABLE}")))


def scheduler_seen(now: datetime, *, within: timedelta) -> Check:
    last = db.session.scalar(select(func.max(SchedulerRun.started_at)))
    if last is None:
        return Check(False, "no scheduler run recorded")
    minutes = int((now - last).total_seconds() // 60)
    return Check(now - last <= within, f"last run started {minutes} minutes ago (limit {_minutes(within)})")


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def outbox_and_scheduler(now: datetime) -> tuple[int, float | None, dict[str, float]] | None:
    """For the metrics: notices waiting to be e-mailed, the oldest one's age in seconds, and the seconds since each
    job's last run without an error. None when the database does not answer (the scrape still succeeds)."""
    try:
        depth, oldest = db.session.execute(select(func.count(), func.min(Notification.created_at))
                                           .where(Notification.email_state == EmailState.PENDING)).one()
        last_runs = db.session.execute(select(SchedulerRun.job, func.max(SchedulerRun.finished_at))
                                       .where(SchedulerRun.error.is_(None), SchedulerRun.finished_at.is_not(None))
                                       .group_by(SchedulerRun.job)).all()
    except SQLAlchemyError:
        _forget_the_failed_transaction()
        return None
    return (depth, _seconds_since(oldest, now),
            {job: _seconds_since(finished, now) for job, finished in last_runs})


def _seconds_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else max((now - moment).total_seconds(), 0.0)


def _forget_the_failed_transaction() -> None:
    with suppress(SQLAlchemyError):  # the connection is gone: the next request gets a new one (pool_pre_ping)
        db.session.rollback()
