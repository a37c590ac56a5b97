"""`flask scheduler run`: the one process that runs the scheduled jobs."""

import click
from flask import current_app


@click.group("scheduler", help="The process that runs the scheduled jobs.")
def scheduler_group() -> None:
    pass


@scheduler_group.command("run", help="Run the reminder jobs until stopped (one such process per service).")
def scheduler_run() -> None:
    from app.scheduler import build_scheduler

    scheduler = build_scheduler(current_app._get_current_object())
    click.echo("Scheduler running: reminder sweep every 30 minutes, outbox delivery every minute. Ctrl+C stops it.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
