"""The security event log through HTTP: each row written by the request that causes it (a failed sign-in, a lock, an
administrator lifting it, a download), and the administrators' Security events page with its filters."""

import csv
import io
import re
from datetime import datetime

import pytest
from sqlalchemy import delete, select

from app.models import Person, Role, SecurityEvent, SecurityEventKind, SessionEnd, UserSession
from app.services import security_events
from tests.conftest import PASSWORD, Clock
from tests.integration.served_form import page_form
from tests.integration.test_sign_in_protection import sign_in

WRONG = "not-the-password"
UNKNOWN = "no.one@test.example"


@pytest.fixture
def olive(make_person):
    return make_person("Olive Owner")


@pytest.fixture
def admin(make_person):
    return make_person("Ada Admin", Role.ADMIN)


def events(db, *kinds: SecurityEventKind) -> list[SecurityEvent]:
    db.session.expire_all()
    statement = select(SecurityEvent).order_by(SecurityEvent.id)
    return list(db.session.scalars(statement.where(SecurityEvent.kind.in_(kinds)) if kinds else statement))


def fail(client, email: str, times: int, clock: Clock) -> None:
    for _ in range(times):
        sign_in(client, email, WRONG)
        clock.advance(seconds=10)


def test_a_failed_sign_in_names_the_person_but_keeps_nothing_typed(client, db, olive, clock):
    assert sign_in(client, olive.email, WRONG).status_code == 200
    [event] = events(db)
    assert (event.kind, event.person_id, event.actor_id, event.client, event.at) == (
        SecurityEventKind.SIGN_IN_FAILED, olive.id, None, "192.0.2.10", clock.at)
    assert WRONG not in event.detail


def test_an_unknown_address_is_recorded_without_a_person_or_the_text_typed(client, db, clock):
    sign_in(client, UNKNOWN, WRONG)
    [event] = events(db)
    assert (event.kind, event.person_id, event.detail) == (SecurityEventKind.SIGN_IN_FAILED, None,
                                                           "unknown e-mail address")
    stored = " ".join(str(value) for value in vars(event).values())
    assert UNKNOWN not in stored and WRONG not in stored


def test_the_failure_that_locks_is_recorded_once_and_refused_attempts_add_nothing(client, db, olive, clock):
    fail(client, olive.email, 5, clock)
    for _ in range(20):  # refused while locked, even with the right password: unchecked, so not recorded
        assert sign_in(client, olive.email, PASSWORD).status_code == 429
    assert [event.kind for event in events(db)] == [SecurityEventKind.SIGN_IN_FAILED] * 5 + [SecurityEventKind.LOCKED_OUT]
    assert events(db, SecurityEventKind.LOCKED_OUT)[0].person_id == olive.id
    clock.advance(minutes=15)
    fail(client, olive.email, 5, clock)  # a second lock: a second row
    assert len(events(db, SecurityEventKind.LOCKED_OUT)) == 2


def test_an_unknown_address_locks_with_the_same_rows(client, db, clock):
    fail(client, UNKNOWN, 5, clock)
    assert [(event.kind, event.person_id) for event in events(db)] == (
        [(SecurityEventKind.SIGN_IN_FAILED, None)] * 5 + [(SecurityEventKind.LOCKED_OUT, None)])


def test_an_administrator_lifts_a_lock_from_the_events_page(client, db, olive, admin, clock, login):
    fail(client, olive.email, 5, clock)
    login(admin)
    page = client.get("/admin/security-events").get_data(as_text=True)
    form = page_form(page, f"/admin/people/{olive.id}/lift-lock")  # the button next to the lock, as served
    assert client.post(f"/admin/people/{olive.id}/lift-lock", data=form).status_code == 302
    [lifted] = events(db, SecurityEventKind.LOCK_LIFTED)
    assert (lifted.person_id, lifted.actor_id) == (olive.id, admin.id)
    client.post("/logout")
    assert sign_in(client, olive.email, PASSWORD, address="198.51.100.7").status_code == 302  # at once


def test_a_lock_cannot_be_lifted_by_anyone_else(client, db, olive, make_person, clock, login):
    fail(client, olive.email, 5, clock)
    login(make_person("Quinn QA", Role.QA_LEAD))
    assert client.post(f"/admin/people/{olive.id}/lift-lock").status_code == 403
    assert events(db, SecurityEventKind.LOCK_LIFTED) == []


@pytest.mark.parametrize(("address", "role", "detail"), [
    ("/plan/export.csv", Role.VIEWER, "Improvement plan spreadsheet (CSV), 1 row"),
    ("/audits/export.xlsx", Role.QA_LEAD, "Case-file audits (XLSX), 0 rows"),
])
def test_each_download_of_data_is_recorded(client, db, login, make_person, plan_tree, address, role, detail):
    person = make_person("Dee Downloader", role)
    login(person)
    assert client.get(address).status_code == 200
    [event] = events(db, SecurityEventKind.EXPORTED)
    assert (event.person_id, event.detail) == (person.id, detail)


def test_the_empty_template_is_not_an_export(client, db, login, make_person):
    login(make_person("Phil Manager", Role.PROGRAMME_MANAGER))
    assert client.get("/plan/import/template.xlsx").status_code == 200
    assert events(db, SecurityEventKind.EXPORTED) == []


# --- The page --------------------------------------------------------------------------------------------------


@pytest.fixture
def logged(db, olive, admin, app, clock, login):
    """The administrator signed in, and only these events: on three days from two addresses, recorded as the
    service records them."""
    login(admin)
    db.session.execute(delete(SecurityEvent))  # the sign-in's own, if sessions record one
    db.session.commit()
    clock.at = datetime(2020, 7, 1, 9, 0)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.10"}):
        for _ in range(3):
            security_events.record(SecurityEventKind.SIGN_IN_FAILED, person=olive)
            clock.advance(days=1)
        security_events.record(SecurityEventKind.ROLE_CHANGED, person=olive, actor=admin, detail="Viewer to QA lead")
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.5"}):
        security_events.record(SecurityEventKind.SIGN_IN_FAILED, detail="unknown e-mail address")


def rows(client, query: str = "") -> list[str]:
    page = client.get(f"/admin/security-events{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return [row for row in html.split('<tr class="govuk-table__row">')[2:]]


def test_the_page_lists_newest_first_with_who_and_by_whom(client, logged):
    listed = rows(client)
    assert len(listed) == 5  # the administrator's own sign-in is recorded where sessions begin, not here
    assert "No one known" in listed[0] and "203.0.113.5" in listed[0]
    assert "Role changed" in listed[1] and "Ada Admin" in listed[1] and "Viewer to QA lead" in listed[1]
    assert "03/07/2020" in listed[2] and "01/07/2020" in listed[4]


@pytest.mark.parametrize(("query", "count"), [
    ("?kind=role_changed", 1),
    ("?kind=not-a-kind", 5),  # ignored
    ("?person=olive", 4),
    ("?person=OLIVE.OWNER@test", 4),
    ("?from=02/07/2020", 4),
    ("?from=02/07/2020&to=02/07/2020", 1),
    ("?client=203.0.113", 1),
    ("?person=%25", 0),  # a % is a character searched for, not a wildcard
])
def test_the_filters(client, logged, query, count):
    assert len(rows(client, query)) == count


def downloaded(client, query: str = "") -> list[list[str]]:
    """The CSV the page's "Download these events" link gives, as a browser follows it from the filtered page."""
    html = client.get(f"/admin/security-events{query}").get_data(as_text=True)
    link = re.search(r'href="(/admin/security-events\.csv[^"]*)"', html).group(1).replace("&amp;", "&")
    answer = client.get(link)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="security-events-')
    return list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))


def test_the_events_the_filters_choose_download_as_csv_newest_first(client, db, logged):
    headings, *lines = downloaded(client)
    assert headings == ["When", "What", "Who", "Who's e-mail address", "By whom", "Client address", "Detail"]
    assert [line[1] for line in lines] == ["Sign-in failed", "Role changed", *["Sign-in failed"] * 3]
    assert lines[1][2:5] == ["Olive Owner", "olive.owner@test.example", "Ada Admin"]
    assert lines[0][5:] == ["203.0.113.5", "unknown e-mail address"]
    olives = downloaded(client, "?person=olive&kind=sign_in_failed")[1:]
    assert len(olives) == 3 and all(line[2] == "Olive Owner" for line in olives)
    export = events(db, SecurityEventKind.EXPORTED)[-1]
    assert export.detail == "Security events (CSV), 3 events"


def test_a_detail_a_spreadsheet_would_read_as_a_formula_is_written_as_text(client, db, logged, app, olive):
    with app.test_request_context():
        security_events.record(SecurityEventKind.SIGN_IN_FAILED, person=olive, detail="=HYPERLINK(\"x\")")
    db.session.commit()
    assert downloaded(client, "?kind=sign_in_failed")[1][6] == "'=HYPERLINK(\"x\")"


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("from", "31/09/2020", "31/09/2020 is not a calendar date: September 2020 has 30 days"),
    ("to", "yesterday", "is not a date in the form dd/mm/yyyy"),
])
def test_a_bad_date_is_flagged_next_to_its_field(client, logged, field, typed, message):
    page = client.get(f"/admin/security-events?{field}={typed}").get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page and f'href="#{field}"' in page
    assert f'value="{typed}"' in page  # what was typed is kept


def test_a_to_date_before_the_from_date_is_flagged(client, logged):
    page = client.get("/admin/security-events?from=03/07/2020&to=01/07/2020").get_data(as_text=True)
    assert 'id="to-error"' in page


@pytest.mark.parametrize("page", ["99999999999999999999999", "-1", "abc", "999999"])
def test_a_huge_or_odd_page_number_is_not_an_error(client, logged, page):
    assert client.get(f"/admin/security-events?page={page}").status_code == 200


def test_the_page_is_in_the_admin_navigation(client, login, admin):
    login(admin)
    page = client.get("/admin/people").get_data(as_text=True)
    assert 'href="/admin/security-events"' in page


def test_nothing_a_visitor_types_in_a_filter_is_stored(client, login, admin, db):
    login(admin)
    before = db.session.query(SecurityEvent).count()
    client.get("/admin/security-events?person=x&from=bad")
    assert db.session.query(SecurityEvent).count() == before
    assert db.session.query(Person).count() == 1


def test_events_and_ended_sessions_are_kept_for_the_retention_period_then_deleted(db, olive):
    def event(at: datetime) -> None:
        db.session.add(SecurityEvent(kind=SecurityEventKind.SIGN_IN_FAILED, at=at, person_id=olive.id, detail=""))

    def session_row(token: str, *, started: datetime, ended: datetime | None) -> None:
        db.session.add(UserSession(token_hash=token * 64, person_id=olive.id, started_at=started, last_seen_at=started,
                                   ended_at=ended, end_reason=SessionEnd.SIGNED_OUT if ended else None))

    now = datetime(2021, 9, 4, 3, 0)
    event(datetime(2020, 7, 30, 12, 0))  # 400 days and 15 hours before
    event(datetime(2020, 7, 31, 12, 0))  # 399 days and 15 hours before: kept
    session_row("a", started=datetime(2020, 7, 1), ended=datetime(2020, 7, 1, 9))  # ended long ago
    session_row("b", started=datetime(2020, 7, 1), ended=None)  # still open (the timeouts end it on its next use)
    session_row("c", started=datetime(2021, 9, 1), ended=datetime(2021, 9, 1, 9))
    db.session.commit()
    assert security_events.forget_older_than(400, now=now) == 2
    assert [row.at for row in db.session.scalars(select(SecurityEvent))] == [datetime(2020, 7, 31, 12, 0)]
    assert sorted(row.token_hash[0] for row in db.session.scalars(select(UserSession))) == ["b", "c"]
