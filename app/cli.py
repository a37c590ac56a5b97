"""Flask commands: `flask demo load`, `flask users create`, `flask audits load-tool|recount`,
`flask reminders send-due`, `flask scheduler run`, `flask plans import|template`,
`flask reports plan|audit-month|audit|update-pack`."""

from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from app import demo
from app.clock import as_of_now
from app.clock import today as service_today
from app.demo import audits as demo_audits
from app.extensions import db
from app.models import Action, Area, Audit, AuditRound, Meeting, Milestone, Person, Plan, Report, ReportKind, Role
from app.services import people
from app.services.audits import tallies as audit_tallies
from app.services.audits import tool as audit_tool
from app.services.errors import DomainError, NotAllowedError
from app.services.importers import plan_files, plan_import, plan_sheet, plan_write, uploads
from app.services.plans.queries import Window
from app.services.reminders import jobs as reminder_jobs
from app.services.reports import audit_record, snapshots, update_pack


def register(app: Flask) -> None:
    app.cli.add_command(demo_group)
    app.cli.add_command(users_group)
    app.cli.add_command(audits_group)
    app.cli.add_command(reminders_group)
    app.cli.add_command(scheduler_group)
    app.cli.add_command(plans_group)
    app.cli.add_command(reports_group)


@click.group("demo", help="Demonstration data.")
def demo_group() -> None:
    pass


@demo_group.command("load", help="Load the July 2020 plan, one demo login per role and synthetic case-file audits "
                                 "(safe to run again).")
def demo_load() -> None:
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("Refusing to load demo data into a production service: it creates logins "
                                   "with a published password.")
    loaded = demo.load_demo(now=datetime.now())
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


@click.group("users", help="Manage people who can sign in.")
def users_group() -> None:
    pass


@users_group.command("create", help="Create a person who can sign in (or give an existing person a login).")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.VIEWER.value, show_default=True)
@click.option("--job-title", default=None)
@click.option("--team", default=None, help="Team name; created if new.")
@click.password_option(help="Prompted for when not given.")
def users_create(name, email, role, job_title, team, password) -> None:
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    try:
        person = people.grant_login(name=name, email=email, role=Role(role), job_title=job_title, team_name=team,
                                    password=password, now=datetime.now())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{person.name} <{person.email}> can now sign in as {Role(role).label}.")


@click.group("audits", help="Case-file audits.")
def audits_group() -> None:
    pass


@audits_group.command("load-tool", help="Load the case-file audit tool (a new version only if it has changed).")
def audits_load_tool() -> None:
    tool, created = audit_tool.load_tool(now=datetime.now())
    standards = sum(len(element.standards) for element in tool.elements)
    state = "Loaded" if created else "Already loaded:"
    click.echo(f"{state} {tool.title}, version {tool.version}: {len(tool.elements)} elements, {standards} standards.")


@audits_group.command("recount", help="Count the findings' running totals again from every completed audit.")
def audits_recount() -> None:
    audit_tallies.recount_all()
    db.session.commit()
    click.echo("Counted the answers and grades of every completed audit again.")


@click.group("reminders", help="Reminders, escalations and update requests.")
def reminders_group() -> None:
    pass


@reminders_group.command("send-due", help="Create the notices due now and send everything waiting in the outbox.")
@click.option("--dry-run", is_flag=True, help="Only list the notices that would be created; write and send nothing.")
@click.option("--now", "at", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
              help="Run as at this date and time (for testing), e.g. 2021-03-10T07:00. Default: now.")
def reminders_send_due(dry_run: bool, at: datetime | None) -> None:
    now = at or as_of_now()
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
    plan_write.import_plan(document, same_people=set(same), actor=None, now=datetime.now(),
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


@click.group("reports", help="Word reports written to a file: the plan progress report for a meeting, the monthly "
                             "audit report, a single completed audit, an owner's update pack.")
def reports_group() -> None:
    pass


AS_AT = click.option("--as-at", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                     help="Work the figures out as at this date. Default: the service's today (AS_OF_DATE, if set).")
OUTPUT = click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
CHECKED = ("Stored as a draft, as if generated on the Reports pages, and checked as they check it. Exits with status 1 "
           "when the checks find blocking problems (the file is still written, to look at).")


@reports_group.command("plan", help="Write the plan progress report for a meeting (.docx) to PATH, with the details "
                                    "(front block, sections) carried over from the last report for the plan. " + CHECKED)
@OUTPUT
@click.option("--meeting", "meeting_id", type=int, required=True, metavar="ID", help="The meeting it is for.")
@click.option("--plan", "plan_id", type=int, metavar="ID", help="The plan. Default: the latest plan in the service.")
@AS_AT
def reports_plan(path: Path, meeting_id: int, plan_id: int | None, as_at: datetime | None) -> None:
    _check_folder(path)
    meeting = _meeting(meeting_id, "--meeting")
    plan = _plan(plan_id)
    report = snapshots.generate_plan_report(plan, meeting, snapshots.details_for(plan, meeting), actor=None,
                                            now=datetime.now(), today=_as_at(as_at))
    _write_report(report, path)


@reports_group.command("audit-month", help="Write the monthly audit report for a month's audit rounds (.docx) to "
                                           "PATH. " + CHECKED)
@OUTPUT
@click.option("--month", type=click.DateTime(formats=["%Y-%m"]), required=True, metavar="YYYY-MM",
              help="The month of the audit rounds, e.g. 2021-03.")
@AS_AT
def reports_audit_month(path: Path, month: datetime, as_at: datetime | None) -> None:
    _check_folder(path)
    months = db.session.scalars(select(AuditRound.month).distinct().order_by(AuditRound.month.desc())).all()
    if month.date() not in months:
        known = ", ".join(f"{known:%Y-%m}" for known in months) or "none yet"
        raise click.BadParameter(f"there are no audit rounds in {month:%B %Y} (months with rounds: {known})",
                                 param_hint="--month")
    report = snapshots.generate_audit_report(month.date(), actor=None, now=datetime.now(), today=_as_at(as_at))
    _write_report(report, path)


@reports_group.command("audit", help="Write a completed case-file audit (.docx) to PATH, for a person who may see "
                                     "it (its auditor, QA leads, administrators, the case's team and service "
                                     "managers). Logged in the audit's access log as their export, as a download is.")
@click.argument("audit_id", type=int)
@OUTPUT
@click.option("--as", "email", required=True, metavar="EMAIL", help="The person it is written for.")
def reports_audit(audit_id: int, path: Path, email: str) -> None:
    _check_folder(path)
    audit = db.session.get(Audit, audit_id)
    if audit is None:
        raise click.BadParameter(f"there is no audit {audit_id}", param_hint="AUDIT_ID")
    person = _person(email, "--as")
    if not person.active:
        raise click.ClickException(f"{person.name} <{person.email}> is no longer active. Nothing was written.")
    try:
        content = audit_record.export(audit, person, now=datetime.now(),
                                      include_identity=current_app.config["AUDIT_COLLECT_CHILD_IDENTITY"])
    except NotAllowedError as error:
        raise click.ClickException(f"{person.name} <{person.email}> may not see audit {audit.id}: only its auditor, "
                                   "QA leads, administrators and the case's team and service managers may. "
                                   "Nothing was written.") from error
    except DomainError as error:
        raise click.ClickException(f"{error.message}. Nothing was written.") from error
    _write(path, content)
    click.echo(f"{audit_record.document_title(audit)}, for {person.name}.")
    click.echo(f"Logged in the audit's access log as an export by {person.name}.")
    click.echo(f"It is OFFICIAL-SENSITIVE (personal data about a child): keep {path.name} where only they can read it.")


@reports_group.command("update-pack", help="Write an action owner's update pack (.docx) to PATH: their open "
                                           "milestones, as sent with each update request.")
@OUTPUT
@click.option("--person", "email", required=True, metavar="EMAIL", help="The owner.")
@click.option("--meeting", "meeting_id", type=int, metavar="ID",
              help="The meeting the updates are for (its date and update deadline are given). Default: none.")
@AS_AT
def reports_update_pack(path: Path, email: str, meeting_id: int | None, as_at: datetime | None) -> None:
    _check_folder(path)
    person = _person(email, "--person")
    meeting = _meeting(meeting_id, "--meeting") if meeting_id is not None else None
    data = update_pack.gather(person, meeting, Window.configured(_as_at(as_at)))
    _write(path, update_pack.write(data, generated_at=datetime.now()))
    counts = data["counts"]
    click.echo(f"Update pack for {person.name}: {_plural(counts['open'], 'open milestone')} ({counts['overdue']} overdue, "
               f"{counts['due_soon']} due soon)" + (f", for the {meeting.title} on {meeting.held_on:%d/%m/%Y}."
                                                    if meeting else "."))


def _as_at(as_at: datetime | None) -> date:
    return as_at.date() if as_at else service_today()


def _check_folder(path: Path) -> None:
    """Before anything is generated (and stored): the file can be written where it is asked for."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {folder} does not exist", param_hint="PATH")


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise click.ClickException(f"Could not write {path}: {error.strerror or error}") from error
    click.echo(f"Wrote {path} ({len(content):,} bytes).")


def _meeting(meeting_id: int, option: str) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        latest = db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc()).limit(10)).all()
        known = "; ".join(f"{m.id}: {m.title}, {m.held_on:%d/%m/%Y}" for m in latest) or "none yet"
        raise click.BadParameter(f"there is no meeting {meeting_id} (the latest meetings: {known})",
                                 param_hint=option)
    return meeting


def _plan(plan_id: int | None) -> Plan:
    if plan_id is None:
        plan = db.session.scalar(select(Plan).order_by(Plan.id.desc()).limit(1))
        if plan is None:
            raise click.ClickException("There is no plan to report on yet. Import or load a plan first.")
        return plan
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        known = "; ".join(f"{p.id}: {p.title}" for p in db.session.scalars(select(Plan).order_by(Plan.id))) or "none"
        raise click.BadParameter(f"there is no plan {plan_id} (plans: {known})", param_hint="--plan")
    return plan


def _person(email: str, option: str) -> Person:
    person = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if person is None:
        raise click.BadParameter(f"no one in the service has the e-mail address {email}", param_hint=option)
    return person


def _write_report(report: Report, path: Path) -> None:
    """Write the stored document, say what it is and what the checks found; status 1 if any problem blocks it."""
    _write(path, snapshots.document_of(report))
    base_url = current_app.config["BASE_URL"].rstrip("/")
    click.echo(f"Report {report.id}: {report.title}")
    click.echo(f"SHA-256: {report.document_sha256}")
    click.echo(f"Stored as a draft: {base_url}/reports/{report.id} (check it and release it there).")
    blocking = report.blocking_problems
    warnings = [problem for problem in report.problems if not problem["blocking"]]
    click.echo(f"Checks: {_plural(len(blocking), 'blocking problem')}, {_plural(len(warnings), 'warning')}.")
    for problem in [*blocking, *warnings]:
        kind = "Blocking" if problem["blocking"] else "Warning"
        click.echo(f"  {kind} ({problem['where']}): {problem['message']}")
    if blocking:
        remedy = ("Fill in the report's details for the meeting on the Reports pages, then generate it again (there or "
                  "here)." if report.kind == ReportKind.PLAN_PROGRESS else "Put them right and generate it again.")
        click.echo(f"The checks found {_plural(len(blocking), 'blocking problem')}: this report cannot be released as "
                   f"it is. {remedy}", err=True)
        click.get_current_context().exit(1)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
