"""Two schedulers on one PostgreSQL database (two hosts): only one runs the jobs, the other stands by; when the first
is killed, the other takes over (the advisory lock goes with the dead process's connection). On SQLite there is
one host by definition, and no lock."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.models import SchedulerRun
from app.scheduler import SCHEDULER_LOCK_KEY, take_the_lock

ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def start_scheduler(log: Path) -> subprocess.Popen:
    env = {**os.environ, "FLASK_CONFIG": "testing", "SCHEDULER_STANDBY_SECONDS": "0.5"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app:create_app('testing')", "scheduler", "run"],
                            env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))


def wait_until(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def runs(db) -> int:
    db.session.rollback()  # a new transaction: see what the schedulers committed
    return db.session.scalar(select(func.count()).select_from(SchedulerRun).where(SchedulerRun.job == "send-due"))


def lock_holders(db) -> list[int]:
    db.session.rollback()
    return list(db.session.scalars(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                                        "objid = :low"), {"low": SCHEDULER_LOCK_KEY & 0xFFFFFFFF}))


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the scheduler's lock is PostgreSQL's: set TEST_DATABASE_URL to a "
                                              "PostgreSQL database to run this test")
def test_one_of_two_schedulers_runs_the_jobs_and_the_other_takes_over_when_it_dies(app, db, tmp_path):
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_scheduler(first_log)
    second = None
    try:
        wait_until(lambda: "Scheduler running" in first_log.read_text())
        wait_until(lambda: runs(db) == 1)  # its sweep at start
        second = start_scheduler(second_log)
        wait_until(lambda: "standing by" in second_log.read_text())
        time.sleep(2)  # the second has tried again a few times by now
        assert "Scheduler running" not in second_log.read_text() and runs(db) == 1
        assert len(lock_holders(db)) == 1

        first.send_signal(signal.SIGKILL)  # no goodbye: only its connection closing releases the lock
        first.wait(timeout=10)
        wait_until(lambda: "Scheduler running" in second_log.read_text())
        assert "this one runs the jobs now" in second_log.read_text()
        wait_until(lambda: runs(db) == 2)  # the second's sweep
        assert len(lock_holders(db)) == 1
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def test_on_sqlite_there_is_no_lock_to_wait_for(app):
    if ON_POSTGRESQL:
        pytest.skip("on PostgreSQL the lock is tried by the test above")
    assert take_the_lock(app) is None
