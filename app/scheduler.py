"""The one process that owns the scheduled jobs: `flask scheduler run` starts it. Web workers never do.

APScheduler 3.x BlockingScheduler, with these jobs, each in the app's context:
- the reminder sweep and delivery (`flask reminders send-due`), every SWEEP_MINUTES minutes and once at start;
- delivery of what is waiting, every minute: safeguarding alerts (which web requests only write to the outbox, so
  that a page never waits on the mail server), notices written between sweeps, and retries;
- the milestones' facts (overdue, stale, the suggested rating) for the new day, just after midnight and once at start;
- on SQLite, the planner's statistics (ANALYZE), at 3am and once at start;
- clearing the child's identity from audits older than AUDIT_IDENTITY_RETENTION_DAYS (`flask audits
  clear-identities`), daily and once at start, when that is set.
The jobs are safe to run twice, or from two processes: each notice is created and sent once. Missed runs are
coalesced into one (misfire_grace_time), and a sweep catches up with what is still relevant.

Two hosts may each run a scheduler (decision 0015). On PostgreSQL the one that starts first takes a session-level
advisory lock (`pg_try_advisory_lock(SCHEDULER_LOCK_KEY)`) on a connection it holds for its whole life, and runs the
jobs; the other stands by, trying again every SCHEDULER_STANDBY_SECONDS, and takes over when the first dies (its
connection closes, so PostgreSQL releases the lock). If the lock's connection is lost (the database restarted), the
scheduler stops with an error, for systemd to start it again to wait its turn. On SQLite there is one host by
definition (the database is a file on it): no lock.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from sqlalchemy import Connection, text

from app import clock, database
from app.clock import as_of_now
from app.extensions import db
from app.services import security_events, submissions
from app.services.audits import retention
from app.services.plans import facts as milestone_facts
from app.services.reminders import jobs as reminder_jobs

SWEEP_MINUTES = 30
SCHEDULER_LOCK_KEY = 7_318_462_105  # fixed: every scheduler of this service asks for the same advisory lock
log = logging.getLogger(__name__)


def take_the_lock(app: Flask, *, say: Callable[[str], None] = log.info) -> Connection | None:
    """On PostgreSQL, wait until this process holds the scheduler's advisory lock and return the connection holding
    it (keep it open: closing it lets another scheduler take over). On SQLite, None at once."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return None
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    standing_by = False
    while not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK_KEY}):
        if not standing_by:
            say("Another scheduler is running the jobs: standing by, to take over if it stops.")
            standing_by = True
        time.sleep(app.config["SCHEDULER_STANDBY_SECONDS"])
    if standing_by:
        say("The other scheduler has stopped: this one runs the jobs now.")
    return connection


def still_holding(connection: Connection, scheduler: BlockingScheduler) -> Callable[[], None]:
    """A job that stops the scheduler when the connection holding its lock has gone."""
    def check() -> None:
        try:
            connection.scalar(text("SELECT 1"))
        except Exception:
            log.error("The scheduler's lock on the database was lost: stopping, so that only one scheduler runs")
            scheduler.shutdown(wait=False)

    return check


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    scheduler.add_job(_in_app(app, _sweep), IntervalTrigger(minutes=SWEEP_MINUTES), id="send-due",
                      name="Reminder sweep and delivery", next_run_time=datetime.now())
    scheduler.add_job(_in_app(app, _deliver), IntervalTrigger(minutes=1), id="deliver", name="Outbox delivery")
    scheduler.add_job(_in_app(app, _forget_old_form_posts), IntervalTrigger(days=1), id="forget-form-posts",
                      name="Saved form posts older than a day")
    scheduler.add_job(_in_app(app, _forget_old_security_events), IntervalTrigger(days=1), id="security-log-retention",
                      name="Security log retention", next_run_time=datetime.now())
    scheduler.add_job(_in_app(app, _facts_for_the_new_day), CronTrigger(hour=0, minute=0, second=30),
                      id="milestone-facts", name="Milestone facts for the new day", next_run_time=datetime.now())
    scheduler.add_job(_in_app(app, database.refresh_statistics), CronTrigger(hour=3), id="database-statistics",
                      name="The database's statistics for its planner", next_run_time=datetime.now())
    if app.config["AUDIT_IDENTITY_RETENTION_DAYS"]:
        scheduler.add_job(_in_app(app, _clear_identities), IntervalTrigger(days=1), id="clear-identities",
                          name="Child's identity retention", next_run_time=datetime.now())
    return scheduler


def _in_app(app: Flask, job):
    def run() -> None:
        with app.app_context():
            try:
                job()
            except Exception:  # logged and recorded; the next run tries again
                log.exception("Scheduled job %s failed", job.__name__)

    run.__name__ = job.__name__
    return run


def _sweep() -> None:
    result = reminder_jobs.send_due(as_of_now())
    delivery = result.delivery
    log.info("Sweep: %d new notices, %d digests; sent %d in %d e-mails, %d failed, %d skipped",
             result.sweep.created_total, result.sweep.digests, delivery.sent, delivery.messages, delivery.failed,
             delivery.skipped)


def _deliver() -> None:
    reminder_jobs.deliver_waiting(as_of_now())


def _facts_for_the_new_day() -> None:
    """Overdue, stale and the suggested rating depend on the date: work them out for the new day before anyone asks
    (the first page of the day would otherwise do it)."""
    milestone_facts.current(clock.window())


def _forget_old_form_posts() -> None:
    """A form posted twice comes within seconds or minutes: a day's submission ids are more than enough."""
    forgotten = submissions.forget_older_than(as_of_now() - timedelta(days=1))
    log.info("Deleted %d saved form posts older than a day", forgotten)


def _forget_old_security_events() -> None:
    days = current_app.config["SECURITY_LOG_RETENTION_DAYS"]
    forgotten = security_events.forget_older_than(days, now=as_of_now())
    log.info("Security log retention: deleted %d events and ended sessions older than %d days", forgotten, days)


def _clear_identities() -> None:
    now = as_of_now()
    days = current_app.config["AUDIT_IDENTITY_RETENTION_DAYS"]
    cleared = retention.clear_identities(days=days, today=now.date(), now=now)
    log.info("Identity retention: cleared the child's name and date of birth from %d audits (%d days)", cleared, days)
