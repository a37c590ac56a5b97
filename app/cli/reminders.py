"""`flask reminders send-due`: the reminder sweep and outbox delivery, as the scheduler runs them."""

from datetime import datetime

import click
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Person
from app.services.reminders import jobs as reminder_jobs


@click.group("reminders", help="Reminders, escalations and update requests.")
def reminders_group() -> None:
    pass


@reminders_group.command("send-due", help="Create the notices due now and send everything waiting in the outbox.")
@click.option("--dry-run", is_flag=True, help="Only list the notices that would be created; write and send nothing.")
@click.option("--now", "at", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Run as at this date and time (for testing), e.g. 2021-03-10T07:00. Default: now.")
def reminders_send_due(dry_run: bool, at: datetime | None) -> None:
    now = at or clock.as_of_now()
    result = reminder_jobs.send_due(now, dry_run=dry_run)
    sweep = result.sweep
    if not sweep.working_day:
        click.echo(f"{now:%A %d/%m/%Y} is not a working day: nothing is due.")
    verb = "Would create" if dry_run else "Created"
    kinds = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in sorted(sweep.created.items()))
    click.echo(f"{verb} {sweep.created_total} notices ({kinds or 'none'}) of {sweep.candidates} relevant today"
               + (f"; {sweep.digests} weekly digests" if sweep.digests else "") + ".")
    for title in result.reports.generated:
        click.echo(f"{'Would generate' if dry_run else 'Generated'} {title}")
    if dry_run:
        names = dict(db.session.execute(select(Person.id, Person.name).where(
            Person.id.in_({notice.recipient_id for notice in result.new_notices}))).all())
        for notice in result.new_notices:
            click.echo(f"  {notice.kind.value:<15} to {names[notice.recipient_id]}: {notice.title}")
        return
    delivery = result.delivery
    click.echo(f"Sent {delivery.sent} notices in {delivery.messages} e-mails; {delivery.failed} waiting to be "
               f"tried again; {delivery.skipped} skipped as no longer true.")
    if delivery.error:
        click.echo(f"Mail error: {delivery.error}", err=True)
