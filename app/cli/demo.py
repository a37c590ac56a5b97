"""`flask demo load`: the demonstration plan, logins and synthetic audits."""

from datetime import date

import click
from flask import current_app
from sqlalchemy import func, select

from app import clock, demo
from app.demo import audits as demo_audits
from app.extensions import db
from app.models import Action, Area, Milestone
from app.services.wording import plural


@click.group("demo", help="Demonstration data.")
def demo_group() -> None:
    pass


@demo_group.command("load", help="Load the July 2020 plan, one demo login per role and synthetic case-file audits, "
                                 "then run the reminders once as at the service's today (safe to run again).")
def demo_load() -> None:
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("Refusing to load demo data into a production service: it creates logins "
                                   "with a published password.")
    loaded = demo.load_demo(now=clock.now(), as_of=clock.as_of_now())
    result = loaded.plan
    verb = "Loaded" if result.created else "Already loaded:"
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (Area, Action, Milestone)]
    click.echo(f"{verb} {result.plan.title} ({result.plan.revision}): "
               f"{counts[0]} areas, {counts[1]} actions, {counts[2]} milestones.")
    click.echo(_audit_demo_line(loaded.audits))
    click.echo(_reminders_line(loaded.reminders))
    click.echo(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
    for login in demo.DEMO_LOGINS:
        click.echo(f"  {login.role.label:<22} {login.email:<32} {login.name}{' – ' + login.note if login.note else ''}")


def _audit_demo_line(result) -> str:
    counts = (f"{result.rounds} rounds, {result.cases} cases in the pool, {result.audits} audits "
              f"({result.completed} completed, {result.moderated} moderated)")
    if result.state == "skipped":
        return f"Synthetic audits not added: this database already has audit data of its own ({counts})."
    period = f"{result.first_month:%B} to {result.last_month:%B %Y}"
    verb = "Loaded synthetic" if result.state == "created" else "Already loaded: synthetic"
    return f"{verb} case-file audits, no real children's data: {counts}, monthly rounds {period}."


def _reminders_line(reminders) -> str:
    """What the first run of the reminders wrote; and, off the demo's date, how to see the demo as it intends."""
    on, demo_date = f"{reminders.on:%A} {_long(reminders.on)}", demo_audits.DEMO_DATE
    if not reminders.sweep.working_day:
        line = f"Reminders: none, as {on} is not a working day."
    else:
        line = (f"Reminders as at {on}: {plural(reminders.notices, 'new notification')}, e-mailed by the scheduler "
                "(make run starts it)." if reminders.notices else f"Reminders as at {on}: nothing new.")
    if reminders.on != demo_date:
        line += (f" The demo is meant to be seen as at {_long(demo_date)}: set AS_OF_DATE={demo_date.isoformat()} "
                 "(make run does).")
    return line


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
