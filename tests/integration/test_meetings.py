"""The meetings calendar: programme managers add, change and delete meetings; everyone signed in reads it."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.models import ChangeRecord, Meeting, MeetingKind, ReminderSettings, Role
from tests.integration.test_reminder_admin import GOOD, error_next_to, value_of


@pytest.fixture
def manager_client(client, login, make_person):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    return client


def meeting(db, held_on=date(2020, 9, 15), deadline=date(2020, 9, 2), kind=MeetingKind.BOARD,
            title="Improvement Board") -> Meeting:
    row = Meeting(kind=kind, title=title, held_on=held_on, update_deadline=deadline, report_deadline=held_on)
    db.session.add(row)
    db.session.commit()
    return row


def form(held_on=("15", "9", "2020"), deadline=("", "", ""), **values) -> dict:
    return {"kind": "board", "title": "", "held_on": list(held_on), "update_deadline": list(deadline), **values}


def date_parts(page: str, field: str) -> list[str]:
    return [re.search(rf'id="{field}-{part}"[^>]*\bvalue="([^"]*)"', page).group(1) for part in ("day", "month", "year")]


def test_a_meeting_without_deadlines_gets_updates_18_days_and_the_report_13_days_before(manager_client, db):
    page = manager_client.get("/meetings/new").get_data(as_text=True)
    assert "Leave it blank for 18 days before the meeting" in page
    assert "Leave it blank for 13 days before the meeting" in page
    response = manager_client.post("/meetings/new", data=form())
    assert response.status_code == 302
    saved = db.session.scalar(select(Meeting))
    assert (saved.kind, saved.title, saved.held_on, saved.update_deadline, saved.report_deadline) == (
        MeetingKind.BOARD, "Improvement Board", date(2020, 9, 15), date(2020, 8, 28), date(2020, 9, 2))
    listing = manager_client.get("/meetings").get_data(as_text=True)
    assert "15/09/2020" in listing and "28/08/2020" in listing and "02/09/2020" in listing
    assert "21/08/2020" in listing  # owners are asked 5 working days before the update deadline
    # The draft report: 3 working days before the report deadline would be 27/08 (31/08 is a bank holiday), before
    # the updates are in, so it waits for the first working day after the update deadline.
    assert "27/08/2020" not in listing and "01/09/2020" in listing


def test_the_default_follows_the_administrators_setting(manager_client, db):
    db.session.add(ReminderSettings(id=1, update_deadline_days_before_meeting=20))
    db.session.commit()
    assert "Leave it blank for 20 days before" in manager_client.get("/meetings/new").get_data(as_text=True)
    manager_client.post("/meetings/new", data=form(kind="committee", title="Scrutiny, autumn"))
    saved = db.session.scalar(select(Meeting))
    assert (saved.kind, saved.title, saved.update_deadline) == (MeetingKind.COMMITTEE, "Scrutiny, autumn",
                                                                 date(2020, 8, 26))


def test_an_explicit_deadline_is_kept_and_may_be_the_meeting_day(manager_client, db):
    manager_client.post("/meetings/new", data=form(deadline=("8", "9", "2020"), report_deadline=["10", "9", "2020"]))
    manager_client.post("/meetings/new", data=form(held_on=("1", "10", "2020"), deadline=("1", "10", "2020"),
                                                   report_deadline=["1", "10", "2020"]))
    assert [m.update_deadline for m in db.session.scalars(select(Meeting).order_by(Meeting.held_on))] == [
        date(2020, 9, 8), date(2020, 10, 1)]


def test_a_deadline_after_the_meeting_is_refused_next_to_the_field(manager_client, db):
    response = manager_client.post("/meetings/new", data=form(deadline=("16", "9", "2020"), title="Board, September"))
    page = response.get_data(as_text=True)
    assert "The update deadline must be on or before the date of the meeting, 15/09/2020" in error_next_to(
        page, "update_deadline")
    assert date_parts(page, "update_deadline") == ["16", "9", "2020"] and date_parts(page, "held_on") == ["15", "9", "2020"]
    assert value_of(page, "title") == "Board, September"
    assert db.session.scalar(select(Meeting)) is None


def test_an_update_deadline_after_the_report_deadline_is_refused(manager_client, db):
    typed = form(deadline=("", "", ""), report_deadline=["1", "9", "2020"])  # the default update deadline is 28/08
    page = manager_client.post("/meetings/new", data={**typed, "update_deadline": ["3", "9", "2020"]}).get_data(
        as_text=True)
    assert ("The update deadline, 03/09/2020, must be on or before the report deadline, 01/09/2020, so that the "
            "report has the updates") in error_next_to(page, "update_deadline")
    assert date_parts(page, "report_deadline") == ["1", "9", "2020"]
    assert db.session.scalar(select(Meeting)) is None
    manager_client.post("/meetings/new", data=typed)
    assert db.session.scalar(select(Meeting)).update_deadline == date(2020, 8, 28)


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("held_on", ("31", "9", "2020"), "30"),  # September has 30 days: flagged, never moved to 1 October
    ("held_on", ("15", "", "2020"), "Enter the day, month and year"),
    ("held_on", ("", "", ""), "Enter the date of the meeting"),
    ("update_deadline", ("30", "2", "2020"), "2"),
])
def test_impossible_or_missing_dates_are_flagged(manager_client, db, field, typed, message):
    data = form(**{"held_on" if field == "held_on" else "deadline": typed})
    page = manager_client.post("/meetings/new", data=data).get_data(as_text=True)
    assert message in error_next_to(page, field)
    assert date_parts(page, field) == list(typed)
    assert db.session.scalar(select(Meeting)) is None


def test_a_kind_must_be_chosen(manager_client, db):
    page = manager_client.post("/meetings/new", data=form(kind="")).get_data(as_text=True)
    assert "Select the kind of meeting" in error_next_to(page, "kind")


def test_editing_is_recorded_and_a_stale_edit_is_refused(manager_client, db):
    board = meeting(db)
    page = manager_client.get(f"/meetings/{board.id}/edit").get_data(as_text=True)
    assert date_parts(page, "held_on") == ["15", "09", "2020"] and value_of(page, "version") == "1"
    manager_client.post(f"/meetings/{board.id}/edit", data=form(held_on=("22", "9", "2020"), deadline=("9", "9", "2020"),
                                                               title="Improvement Board", version="1"))
    assert (board.held_on, board.update_deadline, board.version) == (date(2020, 9, 22), date(2020, 9, 9), 2)
    change = db.session.scalar(select(ChangeRecord).where(ChangeRecord.entity_type == "meeting",
                                                          ChangeRecord.field == "held_on"))
    assert (change.old_value, change.new_value) == ("2020-09-15", "2020-09-22")
    stale = manager_client.post(f"/meetings/{board.id}/edit", data=form(title="Mine", version="1"))
    page = stale.get_data(as_text=True)
    assert "changed by someone else" in page and value_of(page, "title") == "Mine"
    db.session.expire_all()
    assert (board.title, board.held_on) == ("Improvement Board", date(2020, 9, 22))


def test_deleting_asks_first_and_refuses_a_meeting_that_has_taken_place(manager_client, db):
    board, past = meeting(db), meeting(db, held_on=date(2020, 7, 14), deadline=date(2020, 7, 1))
    board_id = board.id
    page = manager_client.get(f"/meetings/{board_id}/delete").get_data(as_text=True)
    assert "Are you sure you want to delete Improvement Board on 15/09/2020?" in page
    response = manager_client.post(f"/meetings/{board_id}/delete", data={"version": "1"})
    assert response.status_code == 302 and db.session.get(Meeting, board_id) is None
    assert db.session.scalar(select(ChangeRecord).where(ChangeRecord.entity_type == "meeting",
                                                        ChangeRecord.field == "deleted")).old_value \
        == "Improvement Board on 15/09/2020"
    assert "cannot be deleted" in manager_client.get(f"/meetings/{past.id}/delete").get_data(as_text=True)
    refused = manager_client.post(f"/meetings/{past.id}/delete", data={"version": "1"}).get_data(as_text=True)
    assert "has taken place, so it is kept" in refused and db.session.get(Meeting, past.id) is not None


def test_deleting_from_a_stale_page_is_refused(manager_client, db):
    board = meeting(db)
    board.title = "Changed meanwhile"
    db.session.commit()
    page = manager_client.post(f"/meetings/{board.id}/delete", data={"version": "1"}).get_data(as_text=True)
    assert "changed by someone else" in page and db.session.get(Meeting, board.id) is not None


def test_a_viewer_reads_the_calendar_but_cannot_change_it(client, login, make_person, db):
    board = meeting(db)
    meeting(db, held_on=date(2020, 7, 14), deadline=date(2020, 7, 1), title="July board")
    login(make_person("Vic Viewer"))
    page = client.get("/meetings").get_data(as_text=True)
    upcoming, held = page.split("Past (")
    assert "Improvement Board" in upcoming and "July board" in held
    assert 'href="/meetings"' in page and "Add a meeting" not in page and f"/meetings/{board.id}/edit" not in page
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=form()).status_code == 403
    assert client.post(f"/meetings/{board.id}/delete").status_code == 403
    assert db.session.scalar(select(Meeting).where(Meeting.id == board.id)) is not None


def test_a_default_deadline_on_a_weekend_moves_to_the_friday_before_and_says_so(manager_client, db):
    page = manager_client.get("/meetings/new").get_data(as_text=True)
    assert "or the working day before if that is a weekend or bank holiday" in page
    response = manager_client.post("/meetings/new", data=form(held_on=("20", "8", "2020")), follow_redirects=True)
    saved = db.session.scalar(select(Meeting))
    # 18 days before Thursday 20 August is Sunday 2 August; 13 days before is Friday 7 August, a working day.
    assert (saved.update_deadline, saved.report_deadline) == (date(2020, 7, 31), date(2020, 8, 7))
    listing = response.get_data(as_text=True)
    assert ("Updates are due by Friday 31 July 2020 (moved from Sunday 2 August, a weekend) and the report by "
            "Friday 7 August 2020.") in listing
    row = re.search(rf'<tr class="govuk-table__row" data-meeting="{saved.id}">(.*?)</tr>', listing, re.S).group(1)
    update_cell = re.search(r'data-label="Update deadline">(.*?)</td>', row, re.S).group(1)
    assert "31/07/2020" in update_cell and "Moved from Sunday 02/08/2020, a weekend" in update_cell
    assert "Moved from" not in re.search(r'data-label="Report deadline">(.*?)</td>', row, re.S).group(1)
    assert "24/07/2020" in row  # owners are asked 5 working days before Friday 31 July


def test_a_default_deadline_on_a_bank_holiday_moves_to_the_working_day_before(manager_client, db):
    # 18 days before Friday 23 April 2021 is Easter Monday, 5 April: the deadline moves back over the Easter weekend
    # and Good Friday to Thursday 1 April. 13 days before is Saturday 10 April: the report is due Friday 9 April.
    manager_client.post("/meetings/new", data=form(held_on=("23", "4", "2021")))
    saved = db.session.scalar(select(Meeting))
    assert (saved.update_deadline, saved.report_deadline) == (date(2021, 4, 1), date(2021, 4, 9))
    listing = manager_client.get("/meetings").get_data(as_text=True)
    assert "Moved from Monday 05/04/2021, a bank holiday, Easter Monday" in listing
    assert "Moved from Saturday 10/04/2021, a weekend" in listing


def test_a_deadline_typed_on_a_weekend_or_bank_holiday_is_refused_naming_the_working_day_before(manager_client, db):
    page = manager_client.post("/meetings/new", data=form(deadline=("6", "9", "2020"), title="Board")).get_data(
        as_text=True)
    assert ("Sunday 6 September 2020 is a weekend: enter a working day, such as Friday 4 September 2020, the working "
            "day before") in error_next_to(page, "update_deadline")
    assert date_parts(page, "update_deadline") == ["6", "9", "2020"] and value_of(page, "title") == "Board"
    page = manager_client.post("/meetings/new", data=form(report_deadline=["31", "8", "2020"])).get_data(as_text=True)
    assert ("Monday 31 August 2020 is a bank holiday, Late Summer Bank Holiday: enter a working day, such as Friday "
            "28 August 2020") in error_next_to(page, "report_deadline")
    assert db.session.scalar(select(Meeting)) is None


def test_owners_are_asked_at_least_five_working_days_before_the_deadline(client, login, make_person, db):
    login(make_person("Ada Admin", Role.ADMIN))
    assert value_of(client.get("/admin/reminders").get_data(as_text=True), "update_request_working_days") == "5"
    page = client.post("/admin/reminders", data={**GOOD, "update_request_working_days": "4", "nudge_working_days": "1",
                                                 "version": "0"}).get_data(as_text=True)
    assert "Enter at least 5, so owners have a working week to update" in error_next_to(page, "update_request_working_days")
    assert value_of(page, "update_request_working_days") == "4"
    assert db.session.get(ReminderSettings, 1) is None
