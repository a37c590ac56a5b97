"""Saving an audit with immediate safeguarding actions only queues the alerts: the page answers without talking to
the mail server, says the managers will be e-mailed within a minute, and the scheduler's one-minute delivery job
sends them. The audit page shows where each alert's e-mail is."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from sqlalchemy import select

from app.models import EmailState, NoticeKind, Notification
from app.services.reminders import jobs as reminder_jobs
from app.services.reminders import mailer
from tests.integration.audit_setting import allocated_audit
from tests.integration.served_form import submission


@pytest.fixture
def setting(db, make_person):
    return allocated_audit(db, make_person)


def save_immediate_actions(client, login, setting) -> str:
    """The auditor opens the form, writes immediate actions and saves the draft, as in a browser."""
    login(setting["auditor"])
    form_url = f"/audits/{setting['audit'].id}/edit"
    served = client.get(form_url).get_data(as_text=True)
    data = submission(served, "save_draft", immediate_actions="Strategy discussion today about the younger sibling")
    return client.post(form_url, data=data, follow_redirects=True).get_data(as_text=True)


def alerts_shown(client, login, setting) -> str:
    login(setting["team_manager"])
    page = client.get(f"/audits/{setting['audit'].id}").get_data(as_text=True)
    return page.split('id="safeguarding-alerts"', 1)[1]


def safeguarding_notices(db) -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.kind == NoticeKind.SAFEGUARDING)).all()


def test_saving_queues_the_alerts_and_the_delivery_job_sends_them_once(client, login, setting, smtp_server, db):
    smtp_server.stop()
    with patch.object(mailer, "connection", wraps=mailer.connection) as connecting:
        page = save_immediate_actions(client, login, setting)
    assert not connecting.called  # the request never talked to the mail server
    assert ("Immediate safeguarding actions recorded. Tara Manager (team manager) and Sid Service (service manager) "
            "will be e-mailed within a minute") in page
    assert {(notice.email_state, notice.attempts) for notice in safeguarding_notices(db)} == {(EmailState.PENDING, 0)}
    assert alerts_shown(client, login, setting).count("Waiting to be sent") == 2

    saved_at = max(notice.created_at for notice in safeguarding_notices(db))
    assert reminder_jobs.deliver_waiting(saved_at + timedelta(minutes=1)).failed == 2  # the server is still down
    failed = alerts_shown(client, login, setting)
    assert failed.count("Failed, will retry: ") == 2 and "Connection" in failed

    smtp_server.start()
    assert reminder_jobs.deliver_waiting(saved_at + timedelta(minutes=2)).sent == 2
    assert reminder_jobs.deliver_waiting(saved_at + timedelta(minutes=3)).sent == 0
    assert sorted(recipients for recipients, _ in smtp_server.inbox.messages) == [
        ["sid.service@test.example"], ["tara.manager@test.example"]]
    shown = alerts_shown(client, login, setting)
    assert shown.count("Sent ") == 2 and "Waiting to be sent" not in shown and "Failed" not in shown
