"""`flask audits load-tool|recount`: the case-file audit tool and the findings' running totals."""

import click

from app import clock
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
