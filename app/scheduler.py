"""The one process that owns the scheduled jobs: `flask scheduler run` starts it. Web workers never do.

APScheduler 3.x BlockingScheduler, with three jobs, each in the app's context:
- the reminder sweep and delivery (`flask reminders send-due`), every SWEEP_MINUTES minutes and once at start;
- delivery of what is waiting, every minute: safeguarding alerts (which web requests only write to the outbox, so
  that a page never waits on the mail server), notices written between sweeps, and retries;
- clearing the child's identity from audits older than AUDIT_IDENTITY_RETENTION_DAYS (`flask audits
  clear-identities`), daily and once at start, when that is set.
The jobs are safe to run twice, or from two processes: each notice is created and sent once. Missed runs are
coalesced into one (misfire_grace_time), and a sweep catches up with what is still relevant.
"""

import logging
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app

from app.clock import as_of_now
from app.services import security_events
from app.services.audits import retention
from app.services.reminders import jobs as reminder_jobs

SWEEP_MINUTES = 30
log = logging.getLogger(__name__)


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    scheduler.add_job(_in_app(app, _sweep), IntervalTrigger(minutes=SWEEP_MINUTES), id="send-due",
                      name="Reminder sweep and delivery", next_run_time=datetime.now())
    scheduler.add_job(_in_app(app, _deliver), IntervalTrigger(minutes=1), id="deliver", name="Outbox delivery")
    scheduler.add_job(_in_app(app, _forget_old_security_events), IntervalTrigger(days=1), id="security-log-retention",
                      name="Security log retention", next_run_time=datetime.now())
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


def _forget_old_security_events() -> None:
    days = current_app.config["SECURITY_LOG_RETENTION_DAYS"]
    forgotten = security_events.forget_older_than(days, now=as_of_now())
    log.info("Security log retention: deleted %d events and ended sessions older than %d days", forgotten, days)


def _clear_identities() -> None:
    now = as_of_now()
    days = current_app.config["AUDIT_IDENTITY_RETENTION_DAYS"]
    cleared = retention.clear_identities(days=days, today=now.date(), now=now)
    log.info("Identity retention: cleared the child's name and date of birth from %d audits (%d days)", cleared, days)
