"""Retention of the child's identity in audits, with fixed dates: cleared after the set period, recorded, the rest kept."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import Audit, AuditRecord, AuditState, ChangeRecord
from app.services.audits import retention
from tests.integration.audit_setting import allocated_audit

TODAY = date(2022, 3, 31)
NOW = datetime(2022, 3, 31, 2, 0)


@pytest.fixture
def audit(db, make_person):
    audit = allocated_audit(db, make_person)["audit"]
    audit.record = AuditRecord(child_name="Synthetic Child", child_date_of_birth=date(2015, 1, 2), summary="Kept")
    audit.state = AuditState.SUBMITTED
    db.session.commit()
    return audit


@pytest.mark.parametrize(("completed_on", "days", "cleared"), [
    (date(2021, 3, 30), 365, 1),  # completed 366 days before: cleared
    (date(2021, 3, 31), 365, 0),  # exactly 365 days: kept until tomorrow
    (date(2021, 3, 30), 0, 0),  # no period set: kept for good
    (None, 365, 0),  # not completed: kept
])
def test_clearing_after_the_period(db, audit, completed_on, days, cleared):
    audit.completed_on = completed_on
    db.session.commit()
    assert retention.clear_identities(days=days, today=TODAY, now=NOW) == cleared
    record = db.session.get(AuditRecord, audit.id)
    assert (record.child_name is None) == bool(cleared) and (record.child_date_of_birth is None) == bool(cleared)
    assert record.summary == "Kept" and db.session.get(Audit, audit.id).case.reference == "C0001"


def test_a_clearing_is_recorded_once_and_the_audit_page_says_so(db, audit, client, login, make_person):
    audit.completed_on = date(2020, 1, 1)
    db.session.commit()
    assert retention.clear_identities(days=30, today=TODAY, now=NOW) == 1
    assert retention.clear_identities(days=30, today=TODAY, now=NOW) == 0  # nothing left to clear
    [change] = db.session.scalars(select(ChangeRecord).where(ChangeRecord.field == retention.CLEARED)).all()
    assert (change.changed_by_id, change.changed_at, change.new_value) == (
        None, NOW, "cleared on 2022-03-31, 30 days after completion")
    assert "Synthetic" not in (change.new_value or "") + (change.old_value or "")
    login(db.session.scalar(select(Audit).where(Audit.id == audit.id)).round.created_by)
    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "The child's name and date of birth were cleared on 31/03/2022" in page and "Synthetic Child" not in page


def test_the_command(app, db, audit):
    audit.completed_on = date(2020, 1, 1)
    db.session.commit()
    app.config["AUDIT_IDENTITY_RETENTION_DAYS"] = 30
    result = app.test_cli_runner().invoke(args=["audits", "clear-identities"])
    assert "from 1 audit(s)" in result.output
    app.config["AUDIT_IDENTITY_RETENTION_DAYS"] = 0
    assert "is not set" in app.test_cli_runner().invoke(args=["audits", "clear-identities"]).output
