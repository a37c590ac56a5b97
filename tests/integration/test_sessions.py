"""Sessions held on the server, tried over HTTP as an attacker would: a session cookie copied from a victim's browser
(the Flask session cookie, as the browser holds it) is replayed from another client after sign-out, "sign out
everywhere", a role change and a deactivation; the session id changes at sign-in; idle and absolute timeouts on a
fixed clock; a "remember me" cookie opens nothing. Forms are submitted as the pages serve them."""

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app import create_app
from app.extensions import db as _db
from app.models import Person, PersonKind, Role, SecurityEvent, SecurityEventKind, SessionEnd, UserSession
from app.services import password_links, sessions
from config import TestingConfig
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD
from tests.integration.served_form import _Forms, page_form
from tests.integration.test_sign_in_protection import _wait_for

START = datetime(2020, 7, 31, 9, 0)
COOKIE = "session"


@pytest.fixture
def csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True


def sign_in(client, person):
    page = client.get("/login")
    data = page_form(page.get_data(as_text=True), "/login")
    data["email"], data["password"] = person.email, PASSWORD
    response = client.post("/login", data=data)
    assert response.status_code == 302, "sign-in failed"
    return client


def post_served(client, page_url: str, action: str, **typed):
    """Open the page and submit its form that posts to `action`, as served, with `typed` written in."""
    page = client.get(page_url)
    assert page.status_code == 200
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    form, = (form for form in parser.forms if form["action"] == action and form["method"] == "post")
    data = MultiDict(form["fields"])
    for name, value in typed.items():
        data[name] = value
    return client.post(action or page_url, data=data)


def stolen(app, client):
    """Another client (the attacker's) holding a copy of this client's session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def refused(response) -> bool:
    """Sent to sign in, with nothing of the page."""
    return response.status_code == 302 and response.location.startswith("/login") and b"My work" not in response.data


@pytest.fixture
def olive(make_person):
    return make_person("Olive Owner")


@pytest.fixture
def admin(make_person):
    return make_person("Ada Admin", Role.ADMIN)


def events(db, kind: SecurityEventKind) -> list[SecurityEvent]:
    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, olive, clock, csrf, db):
    sign_in(client, olive)
    thief = stolen(app, client)
    assert thief.get("/my-work").status_code == 200  # the copy works while the session lasts
    post_served(client, "/my-work", "/logout")
    assert refused(thief.get("/my-work"))
    assert refused(thief.get("/plan"))
    assert [event.person_id for event in events(db, SecurityEventKind.SIGNED_OUT)] == [olive.id]
    assert events(db, SecurityEventKind.SIGNED_IN)[0].detail == "With password"


def test_sign_out_everywhere_ends_every_session_of_the_person(app, client, olive, clock, csrf, db):
    laptop, phone = sign_in(client, olive), sign_in(app.test_client(), olive)
    thief = stolen(app, phone)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert page.count('data-label="Signed in"') == 2 and page.count("This browser") == 1
    answer = post_served(laptop, "/account/sessions", "/account/sessions/end")
    assert answer.status_code == 302 and answer.location == "/login"
    assert "You have signed out everywhere" in laptop.get("/login").get_data(as_text=True)
    assert refused(laptop.get("/my-work")) and refused(phone.get("/my-work")) and refused(thief.get("/my-work"))
    assert events(db, SecurityEventKind.SESSIONS_ENDED)[0].detail == "Signed out everywhere: 2 sessions ended"


def test_the_session_id_changes_at_sign_in_and_the_one_before_opens_nothing(app, client, olive, clock, csrf):
    client.get("/login")
    before = client.get_cookie(COOKIE).value  # a cookie the browser had before signing in (its CSRF token)
    sign_in(client, olive)
    first = client.get_cookie(COOKIE).value
    sign_in(client, olive)  # signing in again in the same browser: a new id, and the old one is ended
    second = client.get_cookie(COOKIE).value
    assert len({before, first, second}) == 3
    for old in (before, first):
        replay = app.test_client()
        replay.set_cookie(COOKIE, old)
        assert refused(replay.get("/my-work"))
    assert client.get("/my-work").status_code == 200


def test_a_role_change_signs_the_person_out_at_once(app, client, olive, admin, clock, csrf, db):
    thief = stolen(app, sign_in(app.test_client(), olive))
    sign_in(client, admin)
    answer = post_served(client, f"/admin/people/{olive.id}/edit", "", role=Role.QA_LEAD.value)
    assert answer.status_code == 302
    assert refused(thief.get("/my-work"))
    change, = events(db, SecurityEventKind.ROLE_CHANGED)
    assert (change.person_id, change.actor_id, change.detail) == (olive.id, admin.id,
                                                                   "Action owner or viewer → QA lead")
    ended, = events(db, SecurityEventKind.SESSIONS_ENDED)
    assert ended.actor_id == admin.id and ended.detail == "Role changed: 1 session ended"
    assert client.get("/my-work").status_code == 200  # the administrator's own session goes on


def test_deactivation_signs_the_person_out_at_once(app, client, olive, admin, clock, csrf, db):
    thief = stolen(app, sign_in(app.test_client(), olive))
    sign_in(client, admin)
    page = client.get(f"/admin/people/{olive.id}/edit").get_data(as_text=True)
    form = page_form(page, f"/admin/people/{olive.id}/edit")
    del form["active"]  # the "Can sign in" box unticked
    assert client.post(f"/admin/people/{olive.id}/edit", data=form).status_code == 302
    assert refused(thief.get("/my-work"))
    deactivated, = events(db, SecurityEventKind.ACCOUNT_DEACTIVATED)
    assert (deactivated.person_id, deactivated.actor_id) == (olive.id, admin.id)
    assert not events(db, SecurityEventKind.ROLE_CHANGED)


def test_an_administrator_signs_a_person_out_everywhere(app, client, olive, admin, clock, csrf, db):
    thief = stolen(app, sign_in(app.test_client(), olive))
    sign_in(client, admin)
    assert "Where this person is signed in" in client.get(f"/admin/people/{olive.id}/edit").get_data(as_text=True)
    answer = post_served(client, f"/admin/people/{olive.id}/sessions", f"/admin/people/{olive.id}/sessions/end")
    assert answer.status_code == 302
    assert "Olive Owner is signed out everywhere (1 session ended)" in client.get(answer.location).get_data(as_text=True)
    assert refused(thief.get("/my-work"))
    assert events(db, SecurityEventKind.SESSIONS_ENDED)[0].actor_id == admin.id


def test_30_minutes_without_use_sign_the_browser_out_with_why(app, client, olive, clock, csrf, db):
    sign_in(client, olive)
    for _ in range(3):  # used every 29 minutes: still signed in after an hour and a half
        clock.advance(minutes=29)
        assert client.get("/my-work").status_code == 200
    clock.advance(minutes=30)
    answer = client.get("/my-work")
    assert refused(answer)
    page = client.get(answer.location).get_data(as_text=True)
    assert ("You were signed out because you had not used the service for 30 minutes. Sign in again.") in page
    assert events(db, SecurityEventKind.SESSION_TIMED_OUT)[0].detail == "Not used for too long"
    assert db.session.scalar(select(UserSession.end_reason)) == SessionEnd.IDLE


def test_12_hours_after_signing_in_the_browser_is_signed_out_however_busy(app, client, olive, clock, csrf):
    sign_in(client, olive)
    for _ in range(35):  # every 20 minutes for 11 hours 40 minutes
        clock.advance(minutes=20)
        assert client.get("/my-work").status_code == 200
    clock.advance(minutes=20)
    answer = client.get("/my-work")
    assert refused(answer)
    assert ("You were signed out because you had been signed in for 12 hours. Sign in again."
            in client.get(answer.location).get_data(as_text=True))


def test_the_timeouts_are_configured(app, client, olive, clock, csrf):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_ABSOLUTE_HOURS=1)
    sign_in(client, olive)
    clock.advance(minutes=4, seconds=59)
    assert client.get("/my-work").status_code == 200
    clock.advance(minutes=5)
    assert refused(client.get("/my-work"))


def test_the_last_use_is_written_at_most_once_a_minute(app, client, olive, clock, csrf, db):
    sign_in(client, olive)
    last_seen = lambda: db.session.scalar(select(UserSession.last_seen_at))  # noqa: E731
    clock.advance(seconds=59)
    client.get("/my-work")
    assert last_seen() == START
    clock.advance(seconds=1)
    client.get("/my-work")
    assert last_seen() == START + timedelta(seconds=60)


def test_the_session_check_is_one_query_and_the_styles_none(app, client, olive, clock, count_queries):
    sign_in(client, olive)
    with count_queries() as styles:
        client.get("/assets/app.css")  # public: the session is not looked at
    cookie = {"Cookie": f"{COOKIE}={client.get_cookie(COOKIE).value}"}
    with app.test_request_context(headers=cookie), count_queries() as check:
        result = sessions.current(str(olive.id), now=START + timedelta(seconds=30), limits=sessions.Limits())
    assert result.person.name == "Olive Owner" and check.count == 1 and styles.count == 0


def test_stay_signed_in_restarts_the_idle_time(app, client, olive, clock, csrf, db):
    sign_in(client, olive)
    page = client.get("/my-work").get_data(as_text=True)
    assert 'data-session-ends-in="1800"' in page and 'data-session-warning="120"' in page
    clock.advance(minutes=28, seconds=10)
    token = page.split('data-session-csrf="')[1].split('"')[0]
    answer = client.post("/account/sessions/keep", headers={"X-CSRFToken": token})
    assert answer.json == {"ends_in": 1800}
    clock.advance(minutes=29)
    assert client.get("/my-work").status_code == 200


def test_a_remember_me_cookie_opens_nothing(app, olive, clock):
    with app.test_request_context():
        remember = encode_cookie(str(olive.id))
    visitor = app.test_client()
    visitor.set_cookie("remember_token", remember)
    assert refused(visitor.get("/my-work"))


def test_only_the_hash_of_the_session_id_is_stored(app, client, olive, clock, db):
    sign_in(client, olive)
    with app.test_request_context(headers={"Cookie": f"{COOKIE}={client.get_cookie(COOKIE).value}"}):
        from flask import session
        token = session["session_id"]
    row = db.session.scalar(select(UserSession))
    assert token not in row.token_hash and len(row.token_hash) == 64 and len(token) >= 40


def test_a_sign_out_on_one_gunicorn_worker_holds_on_the_other(tmp_path, monkeypatch):
    """The real thing: gunicorn with two worker processes on one database file. A cookie copied before sign-out
    is refused afterwards by every worker (each request on a new connection, so either worker may answer)."""
    database = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    monkeypatch.setattr(TestingConfig, "SQLALCHEMY_DATABASE_URI", database)
    setup = create_app("testing")
    with setup.app_context():
        _db.create_all()
        person = Person(name="Olive Owner", email="olive.owner@test.example", kind=PersonKind.INDIVIDUAL)
        person.password_hash = FAST_PASSWORD_HASH
        _db.session.add(person)
        _db.session.commit()
        _db.session.remove()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "app:create_app('testing')"], env={**os.environ, "TEST_DATABASE_URL": database},
                              stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/login")
        body = urllib.parse.urlencode({"email": "olive.owner@test.example", "password": PASSWORD}).encode()
        status, headers = _open(f"{url}/login", "", data=body)
        assert status == 302
        cookie = headers["Set-Cookie"].split(";")[0]
        assert {_status(f"{url}/my-work", cookie) for _ in range(6)} == {200}
        assert _status(f"{url}/logout", cookie, data=b"") == 302
        assert {_status(f"{url}/my-work", cookie) for _ in range(6)} == {302}
    finally:
        server.terminate()
        server.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _no_redirects():
    return urllib.request.build_opener(_NoRedirect())


def _open(url: str, cookie: str, data: bytes | None = None):
    """The status and headers of one request on a new connection, redirects not followed."""
    try:
        with _no_redirects().open(urllib.request.Request(url, data=data, headers={"Cookie": cookie}),
                                  timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _status(url: str, cookie: str, data: bytes | None = None) -> int:
    return _open(url, cookie, data)[0]


def test_a_password_change_signs_out_every_other_session_and_keeps_this_one(app, client, olive, clock, csrf, db):
    phone = sign_in(app.test_client(), olive)
    thief = stolen(app, sign_in(app.test_client(), olive))
    sign_in(client, olive)
    answer = post_served(client, "/account/password", "", current_password=PASSWORD,
                         new_password="plum tree in the orchard")
    assert answer.status_code == 302
    assert client.get("/my-work").status_code == 200  # where the password was changed
    assert refused(phone.get("/my-work")) and refused(thief.get("/my-work"))
    assert events(db, SecurityEventKind.SESSIONS_ENDED)[0].detail == "Password changed: 2 sessions ended"


def test_a_password_reset_with_an_e_mailed_link_signs_out_everywhere(app, client, olive, clock, csrf):
    thief = stolen(app, sign_in(app.test_client(), olive))
    with app.test_request_context():
        token = password_links.set_up_token(olive.email, now=START)
    answer = post_served(client, f"/password/new/{token}", "", password="plum tree in the orchard")
    assert answer.status_code == 302
    assert refused(thief.get("/my-work"))


def test_where_you_are_signed_in_leaves_out_sessions_that_timed_out_unseen(app, client, olive, clock, csrf):
    sign_in(app.test_client(), olive)  # a browser left alone: it times out without anyone seeing it
    clock.advance(minutes=31)
    sign_in(client, olive)
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "signed in on 1 browser or device" in page and page.count('data-label="Signed in"') == 1
