"""The scheduled jobs, as plain functions that the scheduler and the `flask reminders` commands both call. Each
run is written to scheduler_runs, for the administrators' page."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import perf_counter

from app.extensions import db
from app.models import SchedulerRun
from app.services.reminders import outbox
from app.services.reminders import sweep as reminder_sweep
from app.services.reminders.outbox import DeliveryResult
from app.services.reminders.sweep import SweepResult
from app.services.reminders.wording import Notice
from app.services.reports import scheduled as report_jobs
from app.services.reports.scheduled import ReportJobResult
from app.services.transaction import transaction


@dataclass
class SendDueResult:
    sweep: SweepResult
    delivery: DeliveryResult | None  # None on a dry run
    new_notices: list[Notice]  # on a dry run, those it would create (a real run's are in the outbox: not held, as a
    # first sweep of a large plan writes a quarter of a million)
    reports: ReportJobResult


def send_due(now: datetime, *, dry_run: bool = False) -> SendDueResult:
    """The sweep and the scheduled reports, then delivery of everything waiting. A dry run writes and sends
    nothing."""
    if dry_run:
        sweep, fresh = reminder_sweep.sweep(now, dry_run=True)
        return SendDueResult(sweep, None, fresh, report_jobs.prepare_due(now, dry_run=True))
    with _recorded("send-due", now) as run:
        sweep, _ = reminder_sweep.sweep(now)
        reports = report_jobs.prepare_due(now)
        delivery = outbox.deliver(now)
        run.record(sweep.created_total + sweep.digests + reports.notices, delivery)
    return SendDueResult(sweep, delivery, [], reports)


def deliver_waiting(now: datetime) -> DeliveryResult:
    """Send what is waiting: safeguarding alerts saved with an audit, and retries. Every minute, so that an alert
    leaves within a minute. Written to scheduler_runs only when something was sent, failed or skipped."""
    started = perf_counter()
    delivery = outbox.deliver(now)
    if delivery.sent or delivery.failed or delivery.skipped:
        _save(_Run("deliver", now, started, delivery=delivery))
    return delivery


@dataclass
class _Run:
    job: str
    now: datetime
    started: float
    created: int = 0
    delivery: DeliveryResult | None = None
    error: str | None = None

    def record(self, created: int, delivery: DeliveryResult) -> None:
        self.created, self.delivery = created, delivery


@contextmanager
def _recorded(job: str, now: datetime) -> Iterator[_Run]:
    run = _Run(job, now, perf_counter())
    try:
        yield run
    except Exception as error:
        db.session.rollback()  # the run's half-done work is dropped; its failure is recorded
        run.error = f"{type(error).__name__}: {error}"
        _save(run)
        raise
    _save(run)


@transaction("The scheduler run")
def _save(run: _Run) -> None:
    delivery = run.delivery or DeliveryResult()
    db.session.add(SchedulerRun(job=run.job, started_at=run.now,
                                finished_at=run.now + timedelta(seconds=perf_counter() - run.started),
                                created=run.created, sent=delivery.sent, failed=delivery.failed,
                                skipped=delivery.skipped, error=run.error or delivery.error))
