"""The database stopped mid-load (issue 18, "It must show"): a PostgreSQL 15 cluster of the test's own in /tmp, the
app served by gunicorn (two workers), progress updates sent one after another; PostgreSQL is stopped in the middle.
While it is down every page is the service's branded 503 page; started again, the same gunicorn serves again (no
restart), and every update that was confirmed (answered with its redirect) is stored, once."""

import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from app.models import ProgressUpdate
from tests.conftest import PASSWORD
from tests.integration.served_form import page_form

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not (PG_BIN / "pg_ctl").exists(),
                                reason="PostgreSQL 15 binaries not installed (/usr/lib/postgresql/15/bin); CI has them")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


class Cluster:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-faults-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.port, self.data = free_port(), str(self.folder / "data")
        as_postgres(str(PG_BIN / "initdb"), f"--pgdata={self.data}", "--username=postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C")
        self.start()
        as_postgres(str(PG_BIN / "createdb"), "--host=127.0.0.1", f"--port={self.port}", "--username=postgres",
                    "tracker")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/tracker"

    def start(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), f"--pgdata={self.data}", f"--log={self.folder}/postgres.log", "--wait",
                    f"--options=-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}"
                    " -c fsync=off", "start")

    def stop(self) -> None:
        as_postgres(str(PG_BIN / "pg_ctl"), f"--pgdata={self.data}", "--mode=fast", "--wait", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture
def served(cluster, tmp_path):
    """gunicorn serving the app on the cluster, with a plan and its owner in it."""
    setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env={**os.environ, "TEST_DATABASE_URL": cluster.url},
                           capture_output=True, text=True, timeout=120)
    assert setup.returncode == 0, setup.stderr
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "app:create_app('testing')"], cwd=ROOT, stderr=subprocess.DEVNULL,
                              env={**os.environ, "TEST_DATABASE_URL": cluster.url})
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/login", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield base, setup.stdout.strip()
    server.terminate()
    server.wait(timeout=10)


SETUP = """
from datetime import date
from app import create_app
from app.extensions import db
from app.models import Action, Area, Milestone, MilestoneStatus, Person, Plan, Role
from tests.conftest import FAST_PASSWORD_HASH
app = create_app("testing")
with app.app_context():
    db.create_all()
    owner = Person(name="Olive Owner", email="olive.owner@test.example", role=Role.VIEWER,
                   password_hash=FAST_PASSWORD_HASH)
    plan = Plan(title="Plan", revision="1")
    area = Area(plan=plan, number="1.0", title="Oversight", position=0)
    action = Action(area=area, number="1.1", what="Improve supervision", position=0)
    milestone = Milestone(action=action, deliverable="Audit", responsible=owner, status=MilestoneStatus.IN_PROGRESS,
                          due_kind="date", due_on=date(2030, 9, 30), due_raw="30/09/30")
    db.session.add_all([owner, plan, area, action, milestone])
    db.session.commit()
    print(milestone.id)
"""


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def request(self, path: str, data=None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(f"{self.base}{path}", data=body, timeout=15) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_postgresql_stopped_mid_load_branded_page_nothing_confirmed_lost_recovery_without_restart(cluster, served):
    base, milestone_id = served
    browser = Browser(base)
    assert browser.request("/login", {"email": "olive.owner@test.example", "password": PASSWORD})[0] == 302
    address = f"/milestones/{milestone_id}/updates/new"
    confirmed, refused, pages_while_down = [], 0, []

    def send(number: int) -> None:
        nonlocal refused
        status, html, _ = browser.request(address)
        if status != 200:
            pages_while_down.append((status, html))
            return
        form = page_form(html, address)
        form["body"] = f"Update number {number}"
        status, html, headers = browser.request(address, form.to_dict(flat=False))
        if status == 302:
            confirmed.append(form["body"])
        else:
            refused += 1
            pages_while_down.append((status, html, headers.get("Retry-After")))

    for number in range(20):
        send(number)
    retried = page_form(browser.request(address)[1], address)  # a page opened before the stop, sent during it
    retried["body"] = "Sent while the database was down"
    cluster.stop()  # mid-load
    for number in range(20, 30):
        send(number)
    status, html, headers = browser.request(address, retried.to_dict(flat=False))
    assert status == 503 and "Nothing you saved before this is lost" in html
    status, html, headers = browser.request("/my-work")
    assert status == 503 and headers.get("Retry-After") == "60"
    assert "The service cannot reach its database just now." in html and "Nothing you saved before this is lost" in html
    assert "govuk-header" in html or "govuk-service-navigation" in html
    assert "Traceback" not in html and "Internal Server Error" not in html
    assert pages_while_down and all(page[0] == 503 for page in pages_while_down)
    cluster.start()  # the same gunicorn, not restarted
    for number in range(30, 40):
        send(number)
    assert len(confirmed) == 30 and refused == 0  # 20 before, 10 after; while it was down not even the form opened
    for _ in range(2):  # the person sends the refused page again, twice: saved once
        assert browser.request(address, retried.to_dict(flat=False))[0] == 302

    engine = create_engine(cluster.url)
    with engine.connect() as connection:
        stored = list(connection.scalars(select(ProgressUpdate.body)))
    engine.dispose()
    assert sorted(stored) == sorted(set(stored))  # nothing stored twice
    assert set(confirmed) <= set(stored)  # nothing confirmed is lost
    assert {f"Update number {n}" for n in range(30, 40)} <= set(stored)  # recovered without a restart
    assert stored.count("Sent while the database was down") == 1
