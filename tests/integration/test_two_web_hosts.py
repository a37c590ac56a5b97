"""Two web hosts, one PostgreSQL database (decision 0015): two gunicorn instances on different loopback ports, and a
scheduler beside them. Progress updates and evidence uploads go to the hosts in turn, each browser signed in on its
host, every form posted as the page serves it with CSRF on: every one is kept, and every evidence file is downloaded
from the other host with the same bytes. PostgreSQL only (CI runs the suite on it too)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import func, select

from app.models import Evidence, ProgressUpdate
from tests.conftest import PASSWORD
from tests.integration.served_form import page_form

ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")
ROUNDS = 6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], tmp_path, name: str) -> subprocess.Popen:
    # development settings: CSRF on, as in service; the same secret key and database on both hosts
    env = {**os.environ, "FLASK_CONFIG": "development", "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
           "SECRET_KEY": "two-hosts-test", "MAIL_FILE_DIR": str(tmp_path / "mail"), "AS_OF_DATE": "",
           "LOG_LEVEL": "WARNING", "SCHEDULER_STANDBY_SECONDS": "1"}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / f"{name}.log").open("w"))


def wait_for(url: str) -> None:
    for _ in range(200):
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


def browser_on(host: str, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{host}/login")
    form = page_form(page.text, "/login")
    form["email"], form["password"] = email, PASSWORD
    signed_in = browser.post(f"{host}/login", data=form, allow_redirects=False)
    assert signed_in.status_code == 302, signed_in.text[:500]
    return browser


def post_served(browser: requests.Session, host: str, path: str, files=None, **typed) -> requests.Response:
    page = browser.get(f"{host}{path}")
    assert page.status_code == 200, page.status_code
    form = page_form(page.text, path)
    for name, value in typed.items():
        form[name] = value
    return browser.post(f"{host}{path}", data=list(form.items(multi=True)), files=files, allow_redirects=False)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="two web hosts share a PostgreSQL database: set TEST_DATABASE_URL to a "
                                              "PostgreSQL database to run this test")
def test_updates_and_files_sent_to_two_hosts_in_turn_are_all_kept_and_served_by_either(app, db, plan_tree,
                                                                                        tmp_path):
    milestone, owner = plan_tree["milestone"], plan_tree["owner"]
    db.session.commit()
    ports = [free_port(), free_port()]
    processes = [start([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                        "app:create_app()"], tmp_path, f"web{port}") for port in ports]
    processes.append(start([sys.executable, "-m", "flask", "--app", "app:create_app()", "scheduler", "run"],
                           tmp_path, "scheduler"))
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for host in hosts:
            wait_for(f"{host}/login")
        browsers = [browser_on(host, owner.email) for host in hosts]
        sent: dict[str, bytes] = {}
        for turn in range(ROUNDS):
            which = turn % 2
            host, browser = hosts[which], browsers[which]
            update = post_served(browser, host, f"/milestones/{milestone.id}/updates/new",
                                 body=f"Update number {turn}, sent to host {which}")
            assert update.status_code == 302, update.text[:500]
            name, data = f"evidence-{turn}.pdf", b"%PDF-1.4 " + os.urandom(300_000 + turn)
            upload = post_served(browser, host, f"/milestones/{milestone.id}/evidence/new",
                                 files={"file": (name, data, "application/pdf")}, description=f"From host {which}")
            assert upload.status_code == 302, upload.text[:500]
            sent[name] = data

        db.session.rollback()
        bodies = set(db.session.scalars(select(ProgressUpdate.body).where(ProgressUpdate.milestone_id == milestone.id)))
        assert bodies == {f"Update number {turn}, sent to host {turn % 2}" for turn in range(ROUNDS)}
        evidence = list(db.session.scalars(select(Evidence).order_by(Evidence.id)))
        assert [item.filename for item in evidence] == list(sent)
        for turn, item in enumerate(evidence):
            other = 1 - turn % 2  # downloaded from the host it was not uploaded to
            download = browsers[other].get(f"{hosts[other]}/evidence/{item.id}")
            assert download.status_code == 200 and download.content == sent[item.filename]
            assert download.headers["Content-Disposition"] == f'attachment; filename={item.filename}'
            assert "no-store" in download.headers["Cache-Control"]
        page = browsers[1].get(f"{hosts[1]}/milestones/{milestone.id}").text
        assert all(re.search(rf"Update number {turn}\b", page) for turn in range(ROUNDS))
        assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == ROUNDS
        assert processes[-1].poll() is None  # the scheduler ran beside them throughout
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM if process is not processes[-1] else signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
