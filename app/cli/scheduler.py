"""`flask scheduler run`: the one process that runs the scheduled jobs (on PostgreSQL, a second one on another host
stands by and takes over if the first stops: app/scheduler.py)."""

import click
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app


@click.group("scheduler", help="The process that runs the scheduled jobs.")
def scheduler_group() -> None:
    pass


@scheduler_group.command("run", help="Run the reminder jobs until stopped (one such process per service).")
def scheduler_run() -> None:
    from app import long_running
    from app.scheduler import build_scheduler, still_holding, take_the_lock

    app = current_app._get_current_object()
    long_running.loaded()
    try:
        lock = take_the_lock(app, say=lambda words: click.echo(words, err=True))
    except KeyboardInterrupt:
        return
    scheduler = build_scheduler(app)
    if lock is not None:
        scheduler.add_job(still_holding(lock, scheduler), IntervalTrigger(seconds=30), id="lock", name="Scheduler lock")
    click.echo("Scheduler running: reminder sweep every 30 minutes, outbox delivery every minute. Ctrl+C stops it.",
               err=True)
    try:
        scheduler.start()  # returns only when the lock check stops it
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
        return
    finally:
        if lock is not None:
            lock.close()
    raise click.ClickException("The scheduler's lock on the database was lost; start it again to wait its turn.")
