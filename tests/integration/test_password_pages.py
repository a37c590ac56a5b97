"""Passwords through HTTP as a browser sends them: changing your own, resetting a forgotten one with an e-mailed
link, and an administrator's set-up link instead of a typed password."""

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

import app.auth.password_links as link_pages
from app.models import Person, Role, SecurityEvent, SecurityEventKind
from tests.conftest import PASSWORD
from tests.integration.password_mail import link_in, messages_to
from tests.integration.served_form import submission
from tests.integration.test_sign_in_protection import _wait_for, two_workers  # noqa: F401  (two_workers)

NEW = "plum tree in the orchard"


def signs_in(app, email: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 302


def kinds(db, person) -> list[SecurityEventKind]:
    return list(db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.person_id == person.id)
                                   .order_by(SecurityEvent.id)))


def test_the_account_page_links_to_changing_the_password(client, login, make_person):
    login(make_person("Olive Owner"))
    assert 'href="/account/password"' in client.get("/account/notifications").get_data(as_text=True)


def test_changing_your_password_needs_the_current_one_and_the_rules(app, client, login, make_person, db):
    person = login(make_person("Olive Owner")) and db.session.get(Person, 1)
    page = client.get("/account/password").get_data(as_text=True)
    wrong = client.post("/account/password", data=submission(page, "submit", current_password="not-it",
                                                             new_password=NEW)).get_data(as_text=True)
    assert "Your current password is not right" in wrong
    short = client.post("/account/password", data=submission(page, "submit", current_password=PASSWORD,
                                                             new_password="too short")).get_data(as_text=True)
    assert "Choose a password of at least 12 characters" in short
    done = client.post("/account/password", data=submission(page, "submit", current_password=PASSWORD,
                                                            new_password=NEW))
    assert done.status_code == 302
    assert signs_in(app, person.email, NEW) and not signs_in(app, person.email, PASSWORD)
    assert SecurityEventKind.PASSWORD_CHANGED in kinds(db, person)


def _ask_for_reset(client, email: str):
    """Ask as a browser does; the link is made once the answer has been sent, as a web server closes it."""
    page = client.get("/password/forgotten").get_data(as_text=True)
    answer = client.post("/password/forgotten", data=submission(page, "submit", email=email))
    answer.close()
    return answer


def test_the_sign_in_page_offers_a_reset(client):
    assert 'href="/password/forgotten"' in client.get("/login").get_data(as_text=True)


def test_a_reset_link_works_once_and_signs_in_with_the_new_password(app, client, make_person, db):
    person = make_person("Olive Owner")
    answer = _ask_for_reset(client, person.email)
    assert answer.status_code == 200 and "Check your email" in answer.get_data(as_text=True)
    [message] = messages_to(person.email)
    assert message["Subject"] == "Reset your Improvement Tracker password"
    link = link_in(message)
    page = client.get(link)
    assert "no-store" in page.headers["Cache-Control"] and page.headers["Referrer-Policy"] == "same-origin"
    common = client.post(link, data=submission(page.get_data(as_text=True), "submit", password="qwerty123456"))
    assert "among the most common passwords" in common.get_data(as_text=True)
    used = client.post(link, data=submission(page.get_data(as_text=True), "submit", password=NEW))
    assert used.status_code == 302 and used.location.endswith("/login")
    assert signs_in(app, person.email, NEW) and not signs_in(app, person.email, PASSWORD)
    again = client.post(link, data=submission(page.get_data(as_text=True), "submit", password="another good one"))
    assert again.status_code == 404 and "expired or has already been used" in again.get_data(as_text=True)
    assert kinds(db, person)[:2] == [SecurityEventKind.PASSWORD_RESET_REQUESTED, SecurityEventKind.PASSWORD_RESET]


def test_an_expired_reset_link_is_refused(client, make_person, monkeypatch):
    person = make_person("Olive Owner")
    _ask_for_reset(client, person.email)
    link = link_in(messages_to(person.email)[0])
    later = datetime.now() + timedelta(minutes=61)
    monkeypatch.setattr(link_pages, "now", lambda: later)
    response = client.get(link)
    assert response.status_code == 404 and "This link does not work" in response.get_data(as_text=True)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, make_person, db):
    person = make_person("Olive Owner")
    known = _ask_for_reset(client, person.email).get_data(as_text=True)
    unknown = _ask_for_reset(client, "no.one@council.example").get_data(as_text=True)
    assert known.replace(person.email, "ADDRESS") == unknown.replace("no.one@council.example", "ADDRESS")
    assert messages_to("no.one@council.example") == []
    assert db.session.scalar(select(SecurityEvent.id).where(SecurityEvent.person_id.is_(None))) is None


def test_one_reset_email_per_person_every_few_minutes(client, make_person):
    person = make_person("Olive Owner")
    for _ in range(5):
        assert _ask_for_reset(client, person.email).status_code == 200
    assert len(messages_to(person.email)) == 1


def test_a_new_person_is_emailed_a_set_up_link_and_chooses_their_password(app, client, login, make_person, db):
    admin = make_person("Ada Admin", Role.ADMIN)
    login(admin)
    page = client.get("/admin/people/new").get_data(as_text=True)
    client.post("/admin/people/new", data=submission(page, "submit", name="Nadia Newstarter",
                                                     email="nadia@council.example") | {"active": "y"})
    nadia = db.session.scalar(select(Person).where(Person.email == "nadia@council.example"))
    assert nadia.password_hash is None and not signs_in(app, nadia.email, "")
    [message] = messages_to(nadia.email)
    assert message["Subject"] == "Set up your Improvement Tracker account" and "for 7 days" in message.get_body(
        preferencelist=("plain",)).get_content()
    link = link_in(message)
    form = client.get(link).get_data(as_text=True)
    assert "Set up your account" in form
    client.post(link, data=submission(form, "submit", password="Nadia Newstarter"))
    assert nadia.password_hash is None  # her own name is refused
    client.post(link, data=submission(form, "submit", password=NEW))
    assert signs_in(app, nadia.email, NEW)
    event = db.session.scalar(select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.SET_UP_LINK_SENT))
    assert event.person_id == nadia.id and event.actor_id == admin.id


def test_an_administrator_sends_a_new_set_up_link_and_the_old_one_stops_working(client, login, make_person, db):
    login(make_person("Ada Admin", Role.ADMIN))
    olive = make_person("Olive Owner")
    page = client.get(f"/admin/people/{olive.id}/edit").get_data(as_text=True)
    assert 'type="password"' not in page
    client.post(f"/admin/people/{olive.id}/set-up-link", data=submission(page, "send"))
    first = link_in(messages_to(olive.email)[0])
    client.post(f"/admin/people/{olive.id}/set-up-link", data=submission(page, "send"))
    second = link_in(messages_to(olive.email)[1])
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200


def test_the_first_administrator_from_the_command_line_needs_a_good_password(app, db):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["users", "create", "--name", "Ada Admin", "--email", "ada@council.example",
                                  "--role", "admin", "--password", "password1234"])
    assert refused.exit_code != 0 and "among the most common passwords" in refused.output
    made = runner.invoke(args=["users", "create", "--name", "Ada Admin", "--email", "ada@council.example",
                               "--role", "admin", "--password", NEW])
    assert made.exit_code == 0, made.output


def test_a_set_up_link_can_be_printed_for_someone_without_email(app, make_person, client):
    person = make_person("Olive Owner", login=False)
    result = app.test_cli_runner().invoke(args=["users", "set-up-link", "--email", person.email])
    assert result.exit_code == 0, result.output
    path = result.output.split("http://localhost:5000")[-1].strip()
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("email", ["", "x" * 300])
def test_bad_reset_requests_get_a_message(client, email):
    response = _ask_for_reset(client, email)
    assert response.status_code == 200 and "govuk-error-summary" in response.get_data(as_text=True)


def test_asking_for_a_reset_takes_the_same_time_for_known_and_unknown_addresses(two_workers, tmp_path):  # noqa: F811
    """Over HTTP from gunicorn, as an attacker measures it: the known address's link is made and e-mailed after the
    answer has been sent, so the answer takes no longer (and the e-mails do arrive)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mail = tmp_path / "mail"
    environment = {**os.environ, "TEST_DATABASE_URL": str(two_workers[0].config["SQLALCHEMY_DATABASE_URI"]),
                   "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(mail), "PASSWORD_RESET_EMAIL_INTERVAL_MINUTES": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                               "app:create_app('testing')"], env=environment, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/password/forgotten"

    def timed(email: str) -> float:
        body = urllib.parse.urlencode({"email": email}).encode()
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
            assert response.status == 200
            response.read()
        return (time.perf_counter() - start) * 1000

    try:
        _wait_for(url)
        times = {"olive.owner@test.example": [], "no.one@test.example": []}
        for turn in range(20):  # in turns, each first every other time, so a busy moment slows both alike
            for email, taken in sorted(times.items(), reverse=turn % 2 == 1):
                taken.append(timed(email))
                time.sleep(0.1)  # each answer timed alone: the worker has e-mailed the link before the next one
        known, unknown = (statistics.median(taken) for taken in times.values())
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"median reset request: known {known:.1f} ms, unknown {unknown:.1f} ms, ratio {known / unknown:.2f}")
    assert max(known, unknown) / min(known, unknown) < 1.5
    assert len(list(mail.glob("*.eml"))) == 20
