"""Sign-in protection through HTTP, as an attacker would try it: the sign-in form posted as the page serves it (with
its CSRF token), on a fixed clock. A progressive delay then a lock per e-mail address, a limit per client address,
the same answer and the same time for known and unknown addresses, and counts shared by separate web workers."""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

import pytest

from app import create_app
from app.extensions import db as _db
from app.models import AttemptScope, Person, PersonKind, Role, SignInAttempt
from config import TestingConfig
from tests.conftest import FAST_PASSWORD_HASH, PASSWORD, Clock
from tests.integration.served_form import page_form

START = datetime(2020, 7, 31, 9, 0)
WRONG = "not-the-password"
UNKNOWN = "no.one@test.example"
NOT_RIGHT = "The email address or password is not right"


@pytest.fixture
def csrf(app):
    app.config["WTF_CSRF_ENABLED"] = True


def sign_in(client, email: str, password: str, address: str = "192.0.2.10"):
    """Open the sign-in page and submit its form as served, with these details typed in."""
    return client.post("/login", data=served_form(client, email, password, address), environ_base={"REMOTE_ADDR": address})


def served_form(client, email: str, password: str, address: str = "192.0.2.10"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    data = page_form(page.get_data(as_text=True), "/login")
    data["email"], data["password"] = email, password
    return data


def answer(response, email: str) -> str:
    """The page a sign-in answered with, the e-mail address typed and the form's fresh CSRF token left out."""
    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True).replace(email, "(typed)"))


def fail_times(client, email: str, times: int, clock: Clock, address: str = "192.0.2.10") -> list[int]:
    """`times` wrong passwords, each after the wait the one before asked for."""
    statuses = []
    for _ in range(times):
        statuses.append(sign_in(client, email, WRONG, address).status_code)
        clock.advance(seconds=10)
    return statuses


@pytest.fixture
def olive(make_person):
    return make_person("Olive Owner")


def test_each_failure_after_the_first_makes_the_next_attempt_wait(client, olive, clock, csrf):
    assert sign_in(client, olive.email, WRONG).status_code == 200
    assert sign_in(client, olive.email, WRONG).status_code == 200
    refused = sign_in(client, olive.email, PASSWORD)  # at once, with the right password
    assert refused.status_code == 429
    assert "Wait 2 seconds, then try again" in refused.get_data(as_text=True)
    clock.advance(seconds=2)
    assert sign_in(client, olive.email, WRONG).status_code == 200
    assert "Wait 4 seconds" in sign_in(client, olive.email, WRONG).get_data(as_text=True)


def test_five_failures_lock_the_account_for_15_minutes_even_with_the_right_password(client, olive, clock, csrf):
    assert fail_times(client, olive.email, 5, clock) == [200] * 5
    refused = sign_in(client, olive.email, PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#password"' in page  # the error summary, linked to the field
    assert "Wait 15 minutes, then try again. Until then, signing in is refused even with the right password." in page
    assert 'id="password-error"' in page  # and next to the field
    clock.advance(minutes=14)  # the lock began with the fifth failure, 50 s before the end of the 15 minutes
    assert sign_in(client, olive.email, PASSWORD).status_code == 429
    assert "Wait 50 seconds," in sign_in(client, olive.email, WRONG).get_data(as_text=True)  # refused: not counted
    clock.advance(seconds=50)
    assert sign_in(client, olive.email, PASSWORD).status_code == 302


def test_30_wrong_passwords_in_4_seconds_get_3_checked_and_27_answered_429(client, olive, clock, csrf):
    statuses = []
    for _ in range(30):  # the attack the security review made: 30 wrong passwords for one account in 4 s
        statuses.append(sign_in(client, olive.email, WRONG).status_code)
        clock.advance(milliseconds=4000 / 30)
    assert statuses.count(200) == 3 and statuses.count(429) == 27  # checked at 0 s, 0.13 s and 2.13 s


def test_signing_in_clears_the_failures(client, olive, clock, csrf, db):
    assert fail_times(client, olive.email, 4, clock) == [200] * 4
    assert sign_in(client, olive.email, PASSWORD).status_code == 302
    client.post("/logout")
    accounts = db.session.query(SignInAttempt).filter_by(scope=AttemptScope.ACCOUNT)
    assert accounts.count() == 0  # the address's four failures still count towards its limit
    assert fail_times(client, olive.email, 4, clock) == [200] * 4  # four more before the lock, not one


def test_an_unknown_address_gets_the_same_answers_so_a_lock_says_nothing(client, olive, clock, csrf):
    known = [sign_in(client, olive.email, WRONG) for _ in range(3)]
    clock.advance(minutes=20)
    unknown = [sign_in(client, UNKNOWN, WRONG) for _ in range(3)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [200, 200, 429]
    for known_page, unknown_page in zip(known, unknown, strict=True):
        assert answer(known_page, olive.email) == answer(unknown_page, UNKNOWN)
    clock.advance(minutes=20)
    assert fail_times(client, UNKNOWN, 5, clock) == [200] * 5
    assert "Wait 15 minutes" in sign_in(client, UNKNOWN, WRONG).get_data(as_text=True)


def test_the_failure_never_says_which_part_was_wrong(client, olive, clock, csrf):
    wrong_password = sign_in(client, olive.email, WRONG)
    clock.advance(minutes=1)
    wrong_email = sign_in(client, UNKNOWN, PASSWORD)
    assert NOT_RIGHT in wrong_password.get_data(as_text=True)
    assert answer(wrong_password, olive.email) == answer(wrong_email, UNKNOWN)


def test_one_address_may_fail_30_times_in_15_minutes(client, olive, clock, csrf):
    for n in range(30):  # a different e-mail address each time: no account is locked
        assert sign_in(client, f"guess{n}@test.example", WRONG).status_code == 200
    refused = sign_in(client, olive.email, PASSWORD)
    assert refused.status_code == 429 and "Wait 15 minutes" in refused.get_data(as_text=True)
    assert sign_in(client, olive.email, PASSWORD, address="198.51.100.7").status_code == 302  # another address
    clock.advance(minutes=15)
    client.post("/logout")
    assert sign_in(client, olive.email, PASSWORD).status_code == 302


def test_nothing_typed_is_stored(client, olive, clock, csrf, db):
    fail_times(client, olive.email, 3, clock)
    sign_in(client, "typed-a-secret-here", WRONG)
    stored = " ".join(f"{row.scope} {row.key}" for row in db.session.query(SignInAttempt))
    assert olive.email not in stored and "typed-a-secret" not in stored and WRONG not in stored
    assert "192.0.2.10" not in stored


def test_known_and_unknown_addresses_take_the_same_time(app, client, db, csrf):
    """With the real password hashing (not the tests' fast one), and the limits out of the way."""
    app.config.update(SIGN_IN_LOCK_AFTER=10_000, SIGN_IN_FIRST_DELAY_SECONDS=0, SIGN_IN_ADDRESS_LIMIT=10_000)
    person = Person(name="Real Hash", email="real.hash@test.example", kind=PersonKind.INDIVIDUAL, role=Role.VIEWER)
    person.set_password(PASSWORD)
    db.session.add(person)
    db.session.commit()
    sign_in(client, UNKNOWN, WRONG)  # the first unknown address makes the dummy hash, once for the process

    def timed(email: str) -> float:  # the post alone: the page it comes from is the same for everyone
        data = served_form(client, email, WRONG)
        start = time.perf_counter()
        assert client.post("/login", data=data, environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 200
        return (time.perf_counter() - start) * 1000

    times = {person.email: [], UNKNOWN: []}
    for _ in range(20):  # taken in turns, so a busy moment on the machine slows both alike
        for email, taken in times.items():
            taken.append(timed(email))
    known, unknown = (statistics.median(taken) for taken in times.values())
    print(f"median sign-in failure: known {known:.1f} ms, unknown {unknown:.1f} ms, ratio {known / unknown:.2f}")
    assert max(known, unknown) / min(known, unknown) < 1.5


@pytest.fixture
def two_workers(tmp_path, monkeypatch):
    """Two separate applications on one database, as two web workers (or hosts) are."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    monkeypatch.setattr(TestingConfig, "SQLALCHEMY_DATABASE_URI", url)
    monkeypatch.setattr(TestingConfig, "WTF_CSRF_ENABLED", True)
    workers = [create_app("testing"), create_app("testing")]
    with workers[0].app_context():
        _db.drop_all()
        _db.create_all()
        person = Person(name="Olive Owner", email="olive.owner@test.example", kind=PersonKind.INDIVIDUAL)
        person.password_hash = FAST_PASSWORD_HASH
        _db.session.add(person)
        _db.session.commit()
    yield workers
    for worker in workers:
        with worker.app_context():
            _db.session.remove()
    with workers[0].app_context():
        _db.drop_all()


def test_failures_on_one_worker_lock_the_account_on_the_other(two_workers, clock):
    first, second = (worker.test_client() for worker in two_workers)
    email = "olive.owner@test.example"
    for n in range(5):
        worker = first if n % 2 == 0 else second
        with two_workers[n % 2].app_context():
            assert sign_in(worker, email, WRONG).status_code == 200
        clock.advance(seconds=10)
    with two_workers[1].app_context():
        refused = sign_in(second, email, PASSWORD)
    assert refused.status_code == 429 and "Wait 15 minutes" in refused.get_data(as_text=True)
    clock.advance(minutes=15)
    with two_workers[0].app_context():
        assert sign_in(first, email, PASSWORD).status_code == 302


def test_a_lock_holds_across_two_gunicorn_workers(two_workers, tmp_path):
    """The real thing: gunicorn with two worker processes on the shared database, attacked over a socket."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "TEST_DATABASE_URL": str(two_workers[0].config["SQLALCHEMY_DATABASE_URI"]),
                   "SIGN_IN_FIRST_DELAY_SECONDS": "0"}  # the lock alone, without waiting between attempts
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "app:create_app('testing')"], env=environment, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/login"
        _wait_for(url)

        def post(password: str) -> int:  # a new connection each time, so either worker may answer (no CSRF in testing)
            body = urllib.parse.urlencode({"email": "olive.owner@test.example", "password": password}).encode()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        assert [post(WRONG) for _ in range(5)] == [200] * 5
        assert [post(PASSWORD) for _ in range(4)] == [429] * 4
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")
