"""The demo's first run, as `make run` serves it (decision 0007): loaded as at its own date, every demo login with
work something to do and notifications to read, the findings page showing the demo's audits, and a banner on every
page saying the date is fixed.

The demo is loaded once for the module, with AS_OF_DATE set to the demo's date as `make run` sets it."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.audits.forms.rounds import findings_filter
from app.demo import DEMO_LOGINS, DEMO_PASSWORD
from app.demo.audits import DEMO_DATE
from app.extensions import db as _db
from app.models import Audit, AuditState, Milestone, MilestoneStatus, Notification, Person, Role
from app.services.audits.findings import findings

BANNER = "Showing the plan as at 31 July 2020"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = create_app("testing")
    app.config.update(AS_OF_DATE=DEMO_DATE, MAIL_FILE_DIR=str(tmp_path_factory.mktemp("mail")))
    with app.app_context():
        _db.create_all()
        loaded = app.test_cli_runner().invoke(args=["demo", "load"])
        assert loaded.exit_code == 0, loaded.output
        yield {"app": app, "output": loaded.output}
        _db.session.remove()
        _db.drop_all()


def signed_in(demo, role: Role, name: str | None = None):
    login = next(login for login in DEMO_LOGINS if login.role == role and (name is None or login.name == name))
    client = demo["app"].test_client()
    assert client.post("/login", data={"email": login.email, "password": DEMO_PASSWORD}).status_code == 302
    return client, _db.session.scalar(select(Person).where(Person.email == login.email))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def titles(person: Person) -> list[str]:
    return list(_db.session.scalars(select(Notification.title).where(Notification.recipient_id == person.id)))


def test_loading_runs_the_reminders_as_at_the_demo_date(demo):
    written = re.search(r"Reminders as at Friday 31 July 2020: (\d+) new notifications", demo["output"])
    assert written and int(written[1]) > 100, demo["output"]
    assert "meant to be seen as at" not in demo["output"]  # the hint is only for a load off the demo's date
    again = demo["app"].test_cli_runner().invoke(args=["demo", "load"])
    assert "Reminders as at Friday 31 July 2020: nothing new." in again.output  # each notice is written once


def test_the_owner_has_overdue_and_due_soon_milestones_and_notifications(demo):
    client, owner = signed_in(demo, Role.VIEWER, "Amandip Johal")
    open_work = select(Milestone.id).where(Milestone.responsible_id == owner.id,
                                           Milestone.status != MilestoneStatus.COMPLETE)
    overdue = _db.session.scalars(open_work.where(Milestone.due_on < DEMO_DATE)).all()
    due_soon = _db.session.scalars(open_work.where(Milestone.due_on.between(DEMO_DATE,
                                                                            DEMO_DATE + timedelta(days=14)))).all()
    assert overdue and due_soon
    my_work = page(client, "/my-work")
    assert all(f'href="/milestones/{milestone_id}"' in my_work for milestone_id in [*overdue, *due_soon])
    assert BANNER in my_work
    owner_titles = titles(owner)
    assert any(title.startswith("Overdue since") for title in owner_titles)
    assert any(title.startswith("Due ") for title in owner_titles)
    notifications = page(client, "/notifications")
    assert "Overdue since" in notifications


def test_the_auditor_has_audits_to_do_and_is_told_of_them(demo):
    client, auditor = signed_in(demo, Role.AUDITOR)
    to_do = _db.session.scalars(select(Audit.id).where(
        Audit.auditor_id == auditor.id, Audit.state.in_([AuditState.ALLOCATED, AuditState.IN_PROGRESS]))).all()
    assert len(to_do) == 2
    my_work = page(client, "/my-work")
    assert all(re.search(rf'href="/audits/{audit_id}(/edit)?"', my_work) for audit_id in to_do)
    assert any(title.startswith("Case-file audit allocated to you") for title in titles(auditor))
    assert "Case-file audit allocated to you" in page(client, "/notifications")


def test_the_programme_manager_has_decisions_to_make_and_escalations(demo):
    client, manager = signed_in(demo, Role.PROGRAMME_MANAGER)
    assert "Revised dates to accept or reject" in page(client, "/my-work")
    assert any(title.startswith("Escalated") for title in titles(manager))


def test_the_qa_lead_is_told_the_monthly_audit_report_is_ready(demo):
    client, qa_lead = signed_in(demo, Role.QA_LEAD)
    ready = "The monthly audit report for June 2020 is ready to check and release"
    assert ready in titles(qa_lead) and ready in page(client, "/notifications")


def test_the_findings_page_by_default_covers_the_demos_audits(demo):
    period, problems = findings_filter({}, DEMO_DATE)
    assert not problems
    result = findings(period, DEMO_DATE)
    assert result.completed >= 150  # five of the six monthly rounds of 40 fall in the last six months
    client, _ = signed_in(demo, Role.QA_LEAD)
    assert re.search(rf"<strong>{result.completed} audits</strong> completed", page(client, "/audits/findings"))


def test_every_login_sees_the_banner_even_signed_out(demo):
    client = demo["app"].test_client()
    assert BANNER in page(client, "/login")
    client, _ = signed_in(demo, Role.ADMIN)
    assert BANNER in page(client, "/admin/people")
