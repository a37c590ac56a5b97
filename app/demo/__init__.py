"""Demo data: the real July 2020 plan, synthetic e-mail addresses, one demo login per role, and synthetic
case-file audits (app/demo/audits.py: never real children's data).

`make run` shows the demo as at its own date, 31 July 2020 (audits.DEMO_DATE; decision 0007). Loading it also runs
the reminders once on the service's today, as the scheduler's first run would, so every demo login has its
notifications from the first sign-in."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from app.demo.audits import AuditDemoResult, load_audit_demo
from app.extensions import db
from app.models import Meeting, MeetingKind, Person, PersonKind, Role, Team
from app.services import meetings
from app.services.importers.plan_json import LoadResult, load_plan_file
from app.services.reminders import sweep as reminder_sweep
from app.services.reminders.sweep import SweepResult
from app.services.reports import scheduled as report_jobs
from app.services.reports.scheduled import ReportJobResult

PLAN_FILE = Path(__file__).resolve().parent.parent / "data" / "improvement-plan-2020-07.json"
EMAIL_DOMAIN = "council.example"
DEMO_PASSWORD = "demo-password"


@dataclass(frozen=True)
class DemoLogin:
    name: str
    email: str
    role: Role
    job_title: str
    team: str
    note: str = ""


# Phil Hayden is the plan's lead author and Amandip Johal owns milestones in it: both are public names.
DEMO_LOGINS = (
    DemoLogin("Demo Administrator", f"admin@{EMAIL_DOMAIN}", Role.ADMIN, "System administrator", "Business Support"),
    DemoLogin("Phil Hayden", f"phil.hayden@{EMAIL_DOMAIN}", Role.PROGRAMME_MANAGER, "Programme Manager",
              "Programme Management Team"),
    DemoLogin("Demo QA Lead", f"qa.lead@{EMAIL_DOMAIN}", Role.QA_LEAD, "QA & Audit Manager", "QA & Audit"),
    DemoLogin("Demo Auditor", f"auditor@{EMAIL_DOMAIN}", Role.AUDITOR, "Practice Supervisor", "Practice Improvement"),
    DemoLogin("Demo Viewer", f"viewer@{EMAIL_DOMAIN}", Role.VIEWER, "Improvement Board member", "Improvement Board"),
    DemoLogin("Amandip Johal", f"amandip.johal@{EMAIL_DOMAIN}", Role.VIEWER, "Head of Service", "Children's Social Care",
              note="an action owner: responsible for or leading milestones in the plan"),
)


@dataclass(frozen=True)
class DemoReminders:
    """The reminders run once as at the demo's today: notices written for the scheduler to send."""
    on: date
    sweep: SweepResult
    reports: ReportJobResult

    @property
    def notices(self) -> int:
        return self.sweep.created_total + self.reports.notices


@dataclass(frozen=True)
class DemoResult:
    plan: LoadResult
    audits: AuditDemoResult
    reminders: DemoReminders | None  # None when loaded without running the reminders


# The governance cadence around the demo date (31/07/2020): the scrutiny committee monthly, the Improvement Board
# every two months, each with the default deadlines (app.services.meetings: 18 and 13 days before, moved to the working
# day before a weekend or bank holiday). Dates are illustrative.
DEMO_MEETINGS = (
    (MeetingKind.BOARD, "Improvement Board", date(2020, 7, 14)),
    (MeetingKind.COMMITTEE, "Children's Services Scrutiny Committee", date(2020, 8, 20)),
    (MeetingKind.BOARD, "Improvement Board", date(2020, 9, 15)),
    (MeetingKind.COMMITTEE, "Children's Services Scrutiny Committee", date(2020, 9, 24)),
)


def load_demo(now: datetime, as_of: datetime | None = None) -> DemoResult:
    """Load the demo (stamped with the real time, `now`). Given `as_of` (now on the service's today: the demo's date
    when AS_OF_DATE is set), also write the reminders and scheduled reports due then, as the scheduler's first run
    would; the scheduler sends them. Loading again writes nothing twice."""
    result = load_plan_file(PLAN_FILE, now=now, email_domain=EMAIL_DOMAIN)
    for login in DEMO_LOGINS:
        _ensure_login(login)
    if db.session.scalar(select(Meeting.id).limit(1)) is None:
        chosen = reminder_sweep.settings()
        db.session.add_all([Meeting(kind=kind, title=title, held_on=held_on,
                                    update_deadline=meetings.default_deadline(held_on, chosen),
                                    report_deadline=meetings.default_report_deadline(held_on, chosen))
                            for kind, title, held_on in DEMO_MEETINGS])
    db.session.commit()
    audit_result = load_audit_demo(qa_lead=_login_person(Role.QA_LEAD), auditor=_login_person(Role.AUDITOR), now=now)
    return DemoResult(result, audit_result, _run_reminders(as_of) if as_of else None)


def _run_reminders(as_of: datetime) -> DemoReminders:
    sweep, _ = reminder_sweep.sweep(as_of)
    return DemoReminders(as_of.date(), sweep, report_jobs.prepare_due(as_of))


def _login_person(role: Role) -> Person:
    login = next(login for login in DEMO_LOGINS if login.role == role)
    return db.session.scalar(select(Person).where(Person.name == login.name))


def _ensure_login(login: DemoLogin) -> None:
    person = db.session.scalar(select(Person).where(Person.name == login.name))
    if person is None:
        person = Person(name=login.name, kind=PersonKind.INDIVIDUAL)
        db.session.add(person)
    if person.password_hash:
        return
    team = db.session.scalar(select(Team).where(Team.name == login.team)) or Team(name=login.team)
    person.email, person.role, person.job_title, person.team = login.email, login.role, login.job_title, team
    person.set_password(DEMO_PASSWORD)
