"""`flask plans import|template`: a plan from a Word document or spreadsheet, and the spreadsheet template."""

from pathlib import Path

import click
from flask import current_app

from app import clock
from app.services.errors import DomainError
from app.services.importers import plan_files, plan_import, plan_sheet, plan_write, uploads


@click.group("plans", help="The improvement plan.")
def plans_group() -> None:
    pass


@plans_group.command("import", help="Import a Word plan (.docx), or a spreadsheet (.xlsx or .csv) with the plan "
                                    "export's columns (see `flask plans template`): a new plan, or a later version of "
                                    "one already in the service. Prints what it would do first; --dry-run stops there.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created, changed and missing; write nothing.")
@click.option("--same", "same", multiple=True, metavar="NAME",
              help="A name as written that is the known person it nearly matches (repeat for several).")
@click.option("--title", help="Spreadsheets only (a Word plan has its own): the plan's title. Defaults to the plan in "
                              "the service; needed for a new plan, or when the service has several.")
def plans_import(path: Path, dry_run: bool, same: tuple[str, ...], title: str | None) -> None:
    try:
        upload = uploads.read_upload(path.read_bytes(), filename=path.name, allowed=plan_files.EXTENSIONS,
                                     max_bytes=uploads.upload_limit(current_app.config))
        if upload.extension == "docx" and title:
            raise click.UsageError("--title is for spreadsheets: a Word plan has its own title.")
        document = plan_files.read_document(upload, title=title)
    except DomainError as error:
        if error.field == "title":
            raise click.UsageError(f"{error.message}. Name it with --title.") from error
        raise click.ClickException(error.message) from error
    result = plan_import.preview(document)
    click.echo(_import_summary(result, set(same)))
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    plan_write.import_plan(document, same_people=set(same), actor=None, now=clock.now(),
                           source_name=f"{path.name} (command line)")
    click.echo(f"Imported {path.name}.")


@plans_group.command("template", help="Write the spreadsheet template for `flask plans import` (.xlsx): the columns "
                                      "it reads, an example row and a sheet explaining each column.")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def plans_template(path: Path) -> None:
    path.write_bytes(plan_sheet.template_xlsx())
    click.echo(f"Wrote {path}.")


def _import_summary(result, same: set[str]) -> str:
    target = "the plan already in the service" if result.existing_plan_id else "a new plan"
    lines = [f"{result.title}: {target}."]
    for items in ("areas", "actions", "milestones"):
        figures = ", ".join(f"{result.count(items, outcome)} {word}" for outcome, word in
                            (("create", "new"), ("change", "changed"), ("unchanged", "unchanged"),
                             ("missing", "missing from the file")))
        lines.append(f"{items.capitalize()}: {figures}.")
    for row in (row for row in result.milestones if row.outcome == "missing"):
        lines.append(f"  Missing from the file (kept): {row.action} {row.deliverable[:80]}")
    new = [person.written for person in result.people if person.outcome == "new"]
    more = ", …" if len(new) > 10 else ""
    lines.append(f"People: {len(new)} new" + (f" ({', '.join(new[:10])}{more})" if new else ""))
    for person in (p for p in result.people if p.outcome == "near"):
        verdict = ("taken as the same person" if person.written in same
                   else f'a new person unless you add --same "{person.written}"')
        lines.append(f"  “{person.written}” is probably {person.known_as}: {verdict}")
    lines.append(f"Problems: {len(result.problems)}")
    lines += [f"  Table {p.table}, row {p.row}: {p.message}" for p in result.problems]
    return "\n".join(lines)
