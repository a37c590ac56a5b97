"""`flask reports plan|audit-month|audit|update-pack`: Word reports written to a file, stored and checked as the
Reports pages store and check them."""

from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Audit, AuditRound, Meeting, Person, Plan, Report, ReportKind
from app.services.errors import DomainError, NotAllowedError
from app.services.plans.queries import Window
from app.services.reports import audit_record, snapshots, update_pack
from app.services.wording import plural


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
                                            now=clock.now(), today=_as_at(as_at))
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
    report = snapshots.generate_audit_report(month.date(), actor=None, now=clock.now(), today=_as_at(as_at))
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
        content = audit_record.export(audit, person, now=clock.now(), today=clock.today(),
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
    _write(path, update_pack.write(data, generated_at=clock.now()))
    counts = data["counts"]
    click.echo(f"Update pack for {person.name}: {plural(counts['open'], 'open milestone')} ({counts['overdue']} overdue, "
               f"{counts['due_soon']} due soon)" + (f", for the {meeting.title} on {meeting.held_on:%d/%m/%Y}."
                                                    if meeting else "."))


def _as_at(as_at: datetime | None) -> date:
    return as_at.date() if as_at else clock.today()


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
    click.echo(f"Checks: {plural(len(blocking), 'blocking problem')}, {plural(len(warnings), 'warning')}.")
    for problem in [*blocking, *warnings]:
        kind = "Blocking" if problem["blocking"] else "Warning"
        click.echo(f"  {kind} ({problem['where']}): {problem['message']}")
    if blocking:
        remedy = ("Fill in the report's details for the meeting on the Reports pages, then generate it again (there or "
                  "here)." if report.kind == ReportKind.PLAN_PROGRESS else "Put them right and generate it again.")
        click.echo(f"The checks found {plural(len(blocking), 'blocking problem')}: this report cannot be released as "
                   f"it is. {remedy}", err=True)
        click.get_current_context().exit(1)
