"""The meetings calendar: programme managers add, change and delete meetings; everyone signed in reads it."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.models import ChangeRecord, Meeting, MeetingKind, ReminderSettings, Role
from tests.integration.test_reminder_admin import error_next_to, value_of


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
