"""/health says the process is alive whatever the database; /health/ready says whether this host should get traffic:
the database answers, its schema is the code's (Alembic head), and the scheduler ran lately."""

from datetime import timedelta

import pytest
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app import create_app
from app.clock import as_of_now
from app.models import SchedulerRun
from app.scheduler import SWEEP_MINUTES
from config import BASE_DIR, Config, TestingConfig


def _scripts() -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    return ScriptDirectory.from_config(config)


@pytest.fixture
def stamp(db):
    """Mark the test database as migrated to a revision (as `flask db stamp` does), and unmark it afterwards."""
    def at(revision: str) -> None:
        with db.engine.begin() as connection:
            MigrationContext.configure(connection).stamp(_scripts(), revision)
    yield at
    db.session.rollback()  # the check read alembic_version in the session's transaction: let go of it first
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _scheduler_ran(db, minutes_ago: int) -> None:
    started = as_of_now() - timedelta(minutes=minutes_ago)
    db.session.add(SchedulerRun(job="send-due", started_at=started, finished_at=started + timedelta(seconds=2)))
    db.session.commit()


def _ready(client) -> tuple[int, dict]:
    response = client.get("/health/ready")
    return response.status_code, response.get_json()


def test_ready_when_migrated_to_head_and_the_scheduler_ran_lately(client, db, stamp):
    stamp("heads")
    _scheduler_ran(db, minutes_ago=10)
    status, body = _ready(client)
    assert (status, body["status"]) == (200, "ready")
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "migrations": True, "scheduler": True}
    assert body["checks"]["scheduler"]["detail"] == "last run started 10 minutes ago (limit 60)"


def test_not_ready_when_the_database_is_behind_the_code(client, db, stamp):
    head, = _scripts().get_heads()
    older = _scripts().get_revision(head).down_revision
    stamp(older)
    _scheduler_ran(db, minutes_ago=1)
    status, body = _ready(client)
    assert (status, body["status"]) == (503, "not ready")
    migrations = body["checks"]["migrations"]
    assert migrations["ok"] is False
    assert migrations["detail"] == f"database at {older}; the code expects {head}: run flask db upgrade"
    assert body["checks"]["database"]["ok"] and body["checks"]["scheduler"]["ok"]


def test_not_ready_when_the_database_was_never_migrated(client, db):
    _scheduler_ran(db, minutes_ago=1)
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["migrations"]["detail"].startswith("database at no revision (never migrated)")


def test_not_ready_when_the_scheduler_has_not_run_lately_or_ever(client, db, stamp):
    stamp("heads")
    status, body = _ready(client)
    assert (status, body["checks"]["scheduler"]) == (503, {"ok": False, "detail": "no scheduler run recorded"})
    _scheduler_ran(db, minutes_ago=61)
    status, body = _ready(client)
    assert status == 503
    assert body["checks"]["scheduler"] == {"ok": False, "detail": "last run started 61 minutes ago (limit 60)"}


def test_the_scheduler_check_follows_its_settings(app, client, db, stamp):
    stamp("heads")
    _scheduler_ran(db, minutes_ago=61)
    app.config["SCHEDULER_SEEN_MINUTES"] = 90
    assert _ready(client)[0] == 200
    app.config["SCHEDULER_SEEN_MINUTES"] = 60
    app.config["SCHEDULER_EXPECTED"] = False  # no scheduler meant to run here: not checked at all
    status, body = _ready(client)
    assert status == 200 and set(body["checks"]) == {"database", "migrations"}


def test_the_scheduler_is_expected_within_two_sweeps_by_default():
    assert Config.SCHEDULER_SEEN_MINUTES == 2 * SWEEP_MINUTES


def test_liveness_does_not_need_the_database_and_readiness_says_it_is_unreachable(monkeypatch, tmp_path):
    monkeypatch.setattr(TestingConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/no-such-folder/db.sqlite")
    client = create_app("testing").test_client()
    health = client.get("/health")
    assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
    status, body = _ready(client)
    assert status == 503
    assert body == {"status": "not ready",
                    "checks": {"database": {"ok": False, "detail": "not reachable: OperationalError"}}}


def test_both_checks_are_open_without_signing_in(client, db, stamp):
    stamp("heads")
    _scheduler_ran(db, minutes_ago=0)
    assert client.get("/health").status_code == 200
    assert client.get("/health/ready").status_code == 200
