"""The one process that owns the scheduled jobs: `flask scheduler run` starts it. Web workers never do.

APScheduler 3.x BlockingScheduler, with two jobs, each in the app's context:
- the reminder sweep and delivery (`flask reminders send-due`), every SWEEP_MINUTES minutes and once at start;
- delivery of what is waiting, every minute: safeguarding alerts (which web requests only write to the outbox, so
  that a page never waits on the mail server), notices written between sweeps, and retries.
The jobs are safe to run twice, or from two processes: each notice is created and sent once. Missed runs are
coalesced into one (misfire_grace_time), and a sweep catches up with what is still relevant.
"""

import logging
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from app.clock import as_of_now
from app.services.reminders import jobs as reminder_jobs

SWEEP_MINUTES = 30
log = logging.getLogger(__name__)


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    scheduler.add_job(_in_app(app, _sweep), IntervalTrigger(minutes=SWEEP_MINUTES), id="send-due",
                      name="Reminder sweep and delivery", next_run_time=datetime.now())
    scheduler.add_job(_in_app(app, _deliver), IntervalTrigger(minutes=1), id="deliver", name="Outbox delivery")
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
