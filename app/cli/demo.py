"""`flask demo load`: the demonstration plan, logins and synthetic audits."""

import click
from flask import current_app
from sqlalchemy import func, select

from app import clock, demo
from app.demo import audits as demo_audits
from app.extensions import db
from app.models import Action, Area, Milestone


@click.group("demo", help="Demonstration data.")
def demo_group() -> None:
    pass


@demo_group.command("load", help="Load the July 2020 plan, one demo login per role and synthetic case-file audits "
                                 "(safe to run again).")
def demo_load() -> None:
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("Refusing to load demo data into a production service: it creates logins "
                                   "with a published password.")
    loaded = demo.load_demo(now=clock.now())
    result = loaded.plan
    verb = "Loaded" if result.created else "Already loaded:"
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (Area, Action, Milestone)]
    click.echo(f"{verb} {result.plan.title} ({result.plan.revision}): "
               f"{counts[0]} areas, {counts[1]} actions, {counts[2]} milestones.")
    click.echo(_audit_demo_line(loaded.audits))
    click.echo(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
    for login in demo.DEMO_LOGINS:
        click.echo(f"  {login.role.label:<18} {login.email:<32} {login.name}{' – ' + login.note if login.note else ''}")


def _audit_demo_line(result) -> str:
    counts = (f"{result.rounds} rounds, {result.cases} cases in the pool, {result.audits} audits "
              f"({result.completed} completed, {result.moderated} moderated)")
    if result.state == "skipped":
        return f"Synthetic audits not added: this database already has audit data of its own ({counts})."
    period = f"{result.first_month:%B} to {result.last_month:%B %Y}"
    verb = "Loaded synthetic" if result.state == "created" else "Already loaded: synthetic"
    return (f"{verb} case-file audits, no real children's data: {counts}, monthly rounds {period}. "
            f"Run as at {demo_audits.DEMO_DATE:%d/%m/%Y} (AS_OF_DATE={demo_audits.DEMO_DATE.isoformat()}) to see them "
            "as the demo intends.")
