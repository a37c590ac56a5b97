"""`flask audits load-tool|recount|clear-identities`: the case-file audit tool, the findings' running totals, and
clearing the child's identity from audits older than AUDIT_IDENTITY_RETENTION_DAYS."""

import click
from flask import current_app

from app import clock
from app.services.audits import retention
from app.services.audits import tallies as audit_tallies
from app.services.audits import tool as audit_tool


@click.group("audits", help="Case-file audits.")
def audits_group() -> None:
    pass


@audits_group.command("load-tool", help="Load the case-file audit tool (a new version only if it has changed).")
def audits_load_tool() -> None:
    tool, created = audit_tool.load_tool(now=clock.now())
    standards = sum(len(element.standards) for element in tool.elements)
    state = "Loaded" if created else "Already loaded:"
    click.echo(f"{state} {tool.title}, version {tool.version}: {len(tool.elements)} elements, {standards} standards.")


@audits_group.command("recount", help="Count the findings' running totals again from every completed audit.")
def audits_recount() -> None:
    audit_tallies.recount_all()
    click.echo("Counted the answers and grades of every completed audit again.")


@audits_group.command("clear-identities", help="Clear the child's name and date of birth from audits completed more "
                      "than AUDIT_IDENTITY_RETENTION_DAYS days ago (the scheduler does this daily).")
def audits_clear_identities() -> None:
    days = current_app.config["AUDIT_IDENTITY_RETENTION_DAYS"]
    if not days:
        click.echo("AUDIT_IDENTITY_RETENTION_DAYS is not set: the child's identity is kept.")
        return
    cleared = retention.clear_identities(days=days, today=clock.today(), now=clock.now())
    click.echo(f"Cleared the child's name and date of birth from {cleared} audit(s) completed more than {days} days ago.")
