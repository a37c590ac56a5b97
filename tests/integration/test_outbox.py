"""E-mail through a real SMTP server on loopback (aiosmtpd): what arrives, exactly once, and nothing lost while the
server is down. Two senders at once send each message once."""

import threading
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app import create_app
from app.extensions import db as _db
from app.models import Action, Area, EmailState, Milestone, MilestoneStatus, Notification, Person, Plan
from app.services.audits import work as audit_work
from app.services.audits.work import AuditDraft
from app.services.reminders import jobs as reminder_jobs
from config import TestingConfig
from tests.integration.at_once import run_together
from tests.integration.audit_setting import allocated_audit

SEPT_10 = datetime.combine(date(2020, 9, 10), time(7))  # 14 working days before the milestone is due


def parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_reminders_arrive_with_recipients_subjects_links_and_both_bodies(plan_tree, smtp_server, app):
    app.config["BASE_URL"] = "https://tracker.council.example"
    result = reminder_jobs.send_due(SEPT_10)
    assert (result.delivery.sent, result.delivery.messages) == (2, 2)
    received = {tuple(recipients): message for recipients, message in smtp_server.inbox.messages}
    assert set(received) == {("olive.owner@test.example",), ("lee.lead@test.example",)}
    message = received[("olive.owner@test.example",)]
    assert message["Subject"] == "Update 1 milestone by Wednesday 30 September"
    assert message["To"] == "olive.owner@test.example"
    text, html = parts(message)
    milestone_id = plan_tree["milestone"].id
    for body in (text, html):
        assert "Dear Olive Owner" in body and "Supervision audit completed" in body
        assert f"https://tracker.council.example/milestones/{milestone_id}/updates/new" in body  # one step to update
        assert "https://tracker.council.example/account/notifications" in body
    assert html.count("<a href=") == 2  # the milestone, and the reminder choices


def test_several_reminders_for_one_person_come_in_one_message(plan_tree, smtp_server, db):
    second = Milestone(action=plan_tree["action"], deliverable="Policy published", responsible=plan_tree["owner"],
                       status=MilestoneStatus.IN_PROGRESS, due_kind="date", due_on=date(2020, 9, 30), due_raw="30/09/20")
    db.session.add(second)
    db.session.commit()
    reminder_jobs.send_due(SEPT_10)
    olive = [message for recipients, message in smtp_server.inbox.messages if recipients == ["olive.owner@test.example"]]
    assert len(olive) == 1 and olive[0]["Subject"] == "Update 2 milestones by Wednesday 30 September"
    assert "Policy published" in parts(olive[0])[0] and "Supervision audit completed" in parts(olive[0])[0]


def test_running_twice_sends_each_message_once(plan_tree, smtp_server):
    reminder_jobs.send_due(SEPT_10)
    again = reminder_jobs.send_due(SEPT_10 + timedelta(hours=1))
    assert again.sweep.created_total == 0 and again.delivery.sent == 0
    assert len(smtp_server.inbox.messages) == 2


def test_nothing_is_lost_while_the_server_is_down(plan_tree, smtp_server, db):
    smtp_server.stop()
    result = reminder_jobs.send_due(SEPT_10)
    assert (result.delivery.sent, result.delivery.failed) == (0, 2) and "Connection" in result.delivery.error
    waiting = db.session.scalars(select(Notification)).all()
    assert {(n.email_state, n.attempts) for n in waiting} == {(EmailState.PENDING, 1)}
    assert all(n.next_attempt_at == SEPT_10 + timedelta(minutes=1) and n.last_error for n in waiting)
    assert reminder_jobs.deliver_waiting(SEPT_10 + timedelta(seconds=30)).sent == 0  # not before the next attempt
    smtp_server.start()
    delivered = reminder_jobs.deliver_waiting(SEPT_10 + timedelta(minutes=1))
    assert delivered.sent == 2 and len(smtp_server.inbox.messages) == 2
    db.session.expire_all()
    assert {n.email_state for n in db.session.scalars(select(Notification))} == {EmailState.SENT}


def test_a_safeguarding_alert_is_e_mailed_by_the_next_delivery_without_the_childs_details(db, make_person, smtp_server):
    setting = allocated_audit(db, make_person)
    audit = setting["audit"]
    draft = AuditDraft(record={"immediate_actions": "Strategy discussion today about the younger sibling"})
    saved_at = datetime(2021, 3, 11, 10)
    audit_work.save_draft(audit, draft, version=audit.version, actor=setting["auditor"], now=saved_at,
                          collect_identity=True)
    reminder_jobs.deliver_waiting(saved_at + timedelta(minutes=1))  # the scheduler's one-minute job
    recipients = sorted(recipients[0] for recipients, _ in smtp_server.inbox.messages)
    assert recipients == ["sid.service@test.example", "tara.manager@test.example"]
    message = smtp_server.inbox.messages[0][1]
    assert message["Subject"] == "Immediate safeguarding actions from a case-file audit"  # no case number
    assert "Choose how you get reminders" not in message.as_string()  # always e-mailed: no choice to offer
    assert "younger sibling" not in message.as_string()  # the actions stay in the service
    assert f"/audits/{audit.id}" in parts(message)[0]


@pytest.fixture
def shared_database(tmp_path, app):
    """A second app on a database both threads can reach: a file (or the PostgreSQL test database)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    with patch.object(TestingConfig, "SQLALCHEMY_DATABASE_URI", url):
        shared = create_app("testing")
    shared.config.update({key: app.config[key] for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT",
                                                           "MAIL_TIMEOUT_SECONDS")})
    with shared.app_context():
        _db.drop_all()
        _db.create_all()
    yield shared
    with shared.app_context():
        _db.session.remove()
        _db.drop_all()


def test_two_schedulers_at_once_send_each_message_once(smtp_server, shared_database):
    with shared_database.app_context():
        _plan_with_milestones(count=20)
    barrier, errors = threading.Barrier(2), []

    def scheduler() -> None:
        with shared_database.app_context():
            try:
                barrier.wait()
                reminder_jobs.send_due(SEPT_10)
            except Exception as error:  # reported below
                errors.append(error)

    run_together([scheduler, scheduler])
    assert errors == []
    with shared_database.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Notification)) == 20
        assert {n.email_state for n in _db.session.scalars(select(Notification))} == {EmailState.SENT}
    items = sorted(line for _, message in smtp_server.inbox.messages
                   for line in parts(message)[0].splitlines() if line.startswith("- 1.1 Deliverable"))
    assert len(items) == 20 and len(set(items)) == 20  # every reminder in exactly one message


def _plan_with_milestones(count: int) -> None:
    plan = Plan(title="Shared plan", revision="1")
    area = Area(plan=plan, number="1.0", title="Area", position=0)
    action = Action(area=area, number="1.1", what="Action", position=0)
    people = [Person(name=f"Owner {n}", email=f"owner{n}@test.example") for n in range(5)]
    milestones = [Milestone(action=action, deliverable=f"Deliverable {n}", responsible=people[n % 5],
                            status=MilestoneStatus.IN_PROGRESS, due_kind="date", due_on=date(2020, 9, 30),
                            due_raw="30/09/20", position=n) for n in range(count)]
    _db.session.add_all([plan, area, action, *people, *milestones])
    _db.session.commit()


def test_the_weekly_digest_arrives_on_monday_with_the_weeks_reminders(plan_tree, smtp_server, db):
    lead = plan_tree["lead"]
    lead.email_preference = "weekly"
    db.session.commit()
    reminder_jobs.send_due(SEPT_10)  # Thursday: Olive is e-mailed, Lee's reminder is kept for Monday
    assert [recipients for recipients, _ in smtp_server.inbox.messages] == [["olive.owner@test.example"]]
    reminder_jobs.send_due(datetime(2020, 9, 14, 7))
    [(recipients, digest)] = smtp_server.inbox.messages[1:]
    assert recipients == ["lee.lead@test.example"]
    assert digest["Subject"] == "Your week: Update 1 milestone by Wednesday 30 September"
    text, _ = parts(digest)
    assert "This week: 1 milestone due or overdue." in text
    assert "1.1 Supervision audit completed\r\n  Due Wednesday 30 September 2020" in text


def test_an_address_in_other_letters_goes_as_written_to_a_relay_that_takes_it(plan_tree, smtp_server, db):
    """zoë@… is sent in UTF-8 (SMTPUTF8, which the test server offers), its To header as written, with the same parts
    as any message; a relay that does not take SMTPUTF8 refuses it, and the notice waits with the error, as for any
    refusal (the run goes on)."""
    olive = plan_tree["owner"]
    olive.email = "zoë.owner@test.example"
    db.session.commit()
    assert reminder_jobs.send_due(SEPT_10).delivery.messages == 2
    [message] = [message for recipients, message in smtp_server.inbox.messages if recipients == [olive.email]]
    assert message["To"] == "zoë.owner@test.example"
    assert message["Subject"] == "Update 1 milestone by Wednesday 30 September"
    assert "Dear Olive Owner" in parts(message)[0] and "Dear Olive Owner" in parts(message)[1]

    smtp_server.stop()
    smtp_server.controller = Controller(smtp_server.inbox, hostname="127.0.0.1", port=smtp_server.port,
                                        enable_SMTPUTF8=False)
    smtp_server.controller.start()
    db.session.execute(Notification.__table__.update().values(email_state=EmailState.PENDING, sent_at=None))
    db.session.commit()
    delivery = reminder_jobs.deliver_waiting(SEPT_10 + timedelta(minutes=1))
    assert (delivery.messages, delivery.failed) == (1, 1) and "SMTPUTF8" in delivery.error
    waiting = db.session.scalars(select(Notification).where(Notification.recipient_id == olive.id)).all()
    assert [(notice.email_state, notice.attempts) for notice in waiting] == [(EmailState.PENDING, 1)]
