"""The administrators' reminders page: the settings, and monitoring the scheduler and the outbox."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    ChangeRecord,
    EmailState,
    NoticeKind,
    Notification,
    PersonKind,
    ReminderSettings,
    Role,
    SchedulerRun,
    SubjectType,
)
from app.services.errors import DomainError
from app.services.reminders import admin as reminder_admin
from tests.conftest import NOW

GOOD = {"due_soon_working_days": "10, 20 ,5", "remind_on_due_day": "", "overdue_repeat_days": "14",
        "escalate_after_working_days": "8", "update_deadline_days_before_meeting": "10",
        "update_request_working_days": "6", "nudge_working_days": "2", "audit_due_soon_working_days": "4",
        "report_deadline_days_before_meeting": "9", "draft_report_working_days": "2"}


@pytest.fixture
def admin(make_person):
    return make_person("Ada Admin", Role.ADMIN)


@pytest.fixture
def admin_client(client, login, admin):
    login(admin)
    return client


def value_of(page: str, field: str) -> str:
    found = re.search(rf'<input[^>]*\bname="{field}"[^>]*\bvalue="([^"]*)"', page)
    assert found, f"no input {field}"
    return found.group(1)


def error_next_to(page: str, field: str) -> str:
    """The GOV.UK error message rendered for a field (its id is the field's id plus -error)."""
    found = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert found, f"no error next to {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_defaults_are_shown_until_saved_and_saving_creates_the_settings(admin_client, db, admin):
    page = admin_client.get("/admin/reminders").get_data(as_text=True)
    assert (value_of(page, "due_soon_working_days"), value_of(page, "version")) == ("14,3", "0")
    assert "Working days before a milestone&#39;s due date, separated by commas, for example 14, 3" in page
    response = admin_client.post("/admin/reminders", data={**GOOD, "version": "0"})
    assert response.status_code == 302
    row = db.session.get(ReminderSettings, 1)
    assert row.due_soon_working_days == "20,10,5" and row.due_soon_offsets == [20, 10, 5]
    assert (row.remind_on_due_day, row.overdue_repeat_days, row.escalate_after_working_days) == (False, 14, 8)
    assert (row.update_deadline_days_before_meeting, row.update_request_working_days, row.nudge_working_days,
            row.audit_due_soon_working_days, row.report_deadline_days_before_meeting,
            row.draft_report_working_days) == (10, 6, 2, 4, 9, 2)
    page = admin_client.get("/admin/reminders").get_data(as_text=True)
    assert (value_of(page, "due_soon_working_days"), value_of(page, "overdue_repeat_days")) == ("20,10,5", "14")
    assert "Days between overdue reminders changed from 7 to 14" in page  # who changed what, in the history below
    change = db.session.scalar(select(ChangeRecord).where(ChangeRecord.entity_type == "remindersettings",
                                                          ChangeRecord.field == "overdue_repeat_days"))
    assert (change.old_value, change.new_value, change.changed_by_id) == ("7", "14", admin.id)  # from the default


def test_a_second_save_updates_the_row_and_records_only_what_changed(admin_client, db):
    admin_client.post("/admin/reminders", data={**GOOD, "version": "0"})
    first_save = db.session.scalar(select(func.max(ChangeRecord.id)))
    admin_client.post("/admin/reminders", data={**GOOD, "escalate_after_working_days": "12", "version": "1"})
    row = db.session.get(ReminderSettings, 1)
    assert (row.escalate_after_working_days, row.version) == (12, 2)
    changes = db.session.scalars(select(ChangeRecord).where(ChangeRecord.entity_type == "remindersettings",
                                                            ChangeRecord.id > first_save)).all()
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("escalate_after_working_days", "8", "12")]


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("due_soon_working_days", "14, x", "x is not a whole number"),
    ("due_soon_working_days", "14, 0", "Each number must be between 1 and 60 (0 is not)"),
    ("due_soon_working_days", "14, 61", "Each number must be between 1 and 60 (61 is not)"),
    ("due_soon_working_days", "3, 14, 3", "Enter each number once"),
    ("due_soon_working_days", "14,,3", "Separate the numbers with single commas"),
    ("due_soon_working_days", "", "Enter at least one number of working days"),
    ("overdue_repeat_days", "0", "Enter a number between 1 and 60"),
    ("escalate_after_working_days", "ten", "Enter a whole number, for example 7"),
    ("update_request_working_days", "", "Enter the working days before the update deadline to ask for updates"),
    ("nudge_working_days", "6", "The nudge must come after the request to update"),
    ("update_deadline_days_before_meeting", "8", "enter at least as many days as for the report deadline (9)"),
])
def test_bad_input_is_shown_next_to_its_field_and_kept(admin_client, db, field, typed, message):
    response = admin_client.post("/admin/reminders", data={**GOOD, field: typed, "version": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in error_next_to(page, field)
    assert value_of(page, field) == typed  # what was typed is kept, and the rest too
    assert value_of(page, "update_request_working_days" if field != "update_request_working_days" else "nudge_working_days") \
        == GOOD["update_request_working_days" if field != "update_request_working_days" else "nudge_working_days"]
    assert "There is a problem" in page and db.session.get(ReminderSettings, 1) is None


def test_the_service_checks_the_rules_too(app, db, admin):
    with pytest.raises(DomainError) as refused:
        reminder_admin.save_settings({**GOOD, "remind_on_due_day": True, "audit_due_soon_working_days": 0},
                                     version=0, actor=admin, now=NOW)
    assert refused.value.field == "audit_due_soon_working_days"
    with pytest.raises(DomainError, match="update deadline must be on or before the report deadline") as refused:
        reminder_admin.save_settings({**GOOD, "update_deadline_days_before_meeting": "8"}, version=0, actor=admin,
                                     now=NOW)
    assert refused.value.field == "update_deadline_days_before_meeting"


def test_settings_saved_from_a_stale_page_are_refused(admin_client, db):
    admin_client.post("/admin/reminders", data={**GOOD, "version": "0"})
    response = admin_client.post("/admin/reminders", data={**GOOD, "overdue_repeat_days": "3", "version": "0"})
    page = response.get_data(as_text=True)
    assert "changed by someone else" in page and value_of(page, "overdue_repeat_days") == "3"
    assert db.session.get(ReminderSettings, 1).overdue_repeat_days == 14
    assert value_of(page, "version") == "1"  # saving again is a deliberate second choice


def notice(db, person, *, state=EmailState.PENDING, attempts=0, next_attempt=None, error=None, title="Due soon",
           occurrence=0, created=NOW):
    row = Notification(recipient=person, kind=NoticeKind.DUE_SOON, subject_type=SubjectType.MILESTONE, subject_id=1,
                       due_on=NOW.date(), occurrence=occurrence, title=title, link="/my-work", created_at=created,
                       email_state=state, attempts=attempts, next_attempt_at=next_attempt, last_error=error)
    db.session.add(row)
    db.session.commit()
    return row


def test_monitoring_shows_runs_the_queue_and_failures(admin_client, db, make_person):
    olive = make_person("Olive Owner")
    db.session.add(SchedulerRun(job="send-due", started_at=NOW, finished_at=NOW + timedelta(seconds=2.5), created=4,
                                sent=3, failed=1, skipped=0, error="SMTPServerDisconnected: gone away"))
    db.session.commit()
    later = datetime(2099, 1, 1, 9, 0)
    notice(db, olive, occurrence=1, created=NOW - timedelta(days=2))  # waiting, due now
    notice(db, olive, occurrence=2, attempts=3, next_attempt=later, error="421 Service not available",
           title="Overdue since 01/07/2020: 1.1 Supervision audit")
    notice(db, olive, occurrence=3, state=EmailState.SENT)
    page = admin_client.get("/admin/reminders").get_data(as_text=True)
    assert "Sweep and send" in page and "2.5 s" in page and "SMTPServerDisconnected: gone away" in page
    assert "2 (1 due now, the rest put off after a failed attempt)" in page
    assert "29/07/2020 12:00" in page  # the oldest waiting notice's creation
    assert "Failed e-mails (1)" in page
    row = page[page.index("Overdue since 01/07/2020"):]
    assert "Olive Owner" in page and "421 Service not available" in row and "01/01/2099 09:00" in row
    assert "Try again now" in page


def test_the_monitoring_page_runs_a_fixed_number_of_queries(admin_client, db, make_person, count_queries):
    people = [make_person(f"Person {n}") for n in range(6)]
    notice(db, people[0], attempts=1, next_attempt=NOW, error="refused")
    with count_queries() as few:
        admin_client.get("/admin/reminders")
    for n, person in enumerate(people[1:], start=1):
        notice(db, person, attempts=n, next_attempt=NOW, error="refused", occurrence=n)
        db.session.add(SchedulerRun(job="deliver", started_at=NOW, finished_at=NOW, failed=1))
    db.session.commit()
    with count_queries() as many:
        admin_client.get("/admin/reminders")
    assert many.count == few.count


def test_try_again_now_brings_waiting_notices_forward_without_sending(admin_client, db, make_person):
    olive = make_person("Olive Owner")
    failed = notice(db, olive, attempts=2, next_attempt=datetime(2099, 1, 1), error="refused")
    sent = notice(db, olive, occurrence=1, state=EmailState.SENT, next_attempt=datetime(2099, 1, 1))
    before = datetime.now()
    response = admin_client.post("/admin/reminders/retry")
    assert response.status_code == 302
    db.session.expire_all()
    assert before <= failed.next_attempt_at <= datetime.now()
    assert (failed.email_state, failed.attempts) == (EmailState.PENDING, 2)  # not sent here: the scheduler sends
    assert sent.next_attempt_at == datetime(2099, 1, 1)
    assert "1 waiting e-mail will be tried again" in admin_client.get("/admin/reminders").get_data(as_text=True)


def test_only_administrators_see_the_page_and_its_link(client, login, make_person, admin):
    login(admin)  # the header's "Admin" opens People, which links to Reminders (decision 0010)
    assert 'href="/admin/people"' in client.get("/my-work").get_data(as_text=True)
    assert 'href="/admin/reminders"' in client.get("/admin/people").get_data(as_text=True)
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    assert 'href="/admin/people"' not in client.get("/my-work").get_data(as_text=True)
    assert client.get("/admin/reminders").status_code == 403
    assert client.post("/admin/reminders/retry").status_code == 403


# --- Line managers: told when a person's milestones are escalated -------------------------------------------------


def person_form(person, **values) -> dict:
    return {"name": person.name, "kind": "individual", "email": person.email, "team_id": "0", "role": "viewer",
            "active": "y", "version": str(person.version), **values}


def test_an_administrator_sets_a_line_manager(admin_client, db, make_person):
    olive, mona = make_person("Olive Owner"), make_person("Mona Manager")
    page = admin_client.get(f"/admin/people/{olive.id}/edit").get_data(as_text=True)
    assert '<option value="0" selected>No line manager</option>' in page
    assert f'<option value="{mona.id}">Mona Manager</option>' in page
    assert f'<option value="{olive.id}">' not in page  # not oneself
    response = admin_client.post(f"/admin/people/{olive.id}/edit", data=person_form(olive, line_manager_id=str(mona.id)))
    assert response.status_code == 302 and olive.line_manager == mona
    assert "Line manager: Mona Manager" in admin_client.get("/admin/people").get_data(as_text=True)
    change = db.session.scalar(select(ChangeRecord).where(ChangeRecord.entity_type == "person",
                                                          ChangeRecord.field == "line_manager"))
    assert (change.old_value, change.new_value) == (None, "Mona Manager")
    page = admin_client.get(f"/admin/people/{olive.id}/edit").get_data(as_text=True)
    assert f'<option value="{mona.id}" selected>Mona Manager</option>' in page
    admin_client.post(f"/admin/people/{olive.id}/edit", data=person_form(olive, line_manager_id="0"))
    assert olive.line_manager is None


def test_a_person_cannot_be_their_own_line_manager_nor_a_group(admin_client, db, make_person):
    olive = make_person("Olive Owner")
    heads = make_person("Heads of Service", kind=PersonKind.GROUP, login=False)
    for choice in (olive.id, heads.id, 999):
        page = admin_client.post(f"/admin/people/{olive.id}/edit",
                                 data=person_form(olive, line_manager_id=str(choice), job_title="Kept")).get_data(as_text=True)
        assert "Choose another person as line manager" in error_next_to(page, "line_manager_id")
        assert value_of(page, "job_title") == "Kept"
    db.session.expire_all()
    assert olive.line_manager_id is None and olive.job_title is None
