"""The files in docs/deploy work as shipped: gunicorn starts with its configuration file and serves the health check
and the metrics of all its workers added up; the systemd units pass `systemd-analyze verify`."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
TOKEN = "deploy-test-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path, monkeypatch):
    """gunicorn with docs/deploy/gunicorn.conf.py, two workers, on a free loopback port and a SQLite file."""
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    monkeypatch.setenv("TEST_DATABASE_URL", url)
    app = create_app("testing")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    port = _free_port()
    environment = {**os.environ, "FLASK_CONFIG": "testing", "TEST_DATABASE_URL": url, "METRICS_TOKEN": TOKEN,
                   "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
                   "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")],
                              cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/health", server, tmp_path / "gunicorn.log")
        yield base, tmp_path / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(150):
        if server.poll() is not None:
            break
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text()}")


def _get(url: str, **headers) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _health_count(base: str) -> float:
    status, _, text = _get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
    assert status == 200
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "tracker_request_duration_seconds_count"
               and sample.labels == {"endpoint": "main.health", "status_class": "2xx"})


def test_gunicorn_serves_the_health_check_and_every_worker_s_metrics(gunicorn):
    base, log = gunicorn
    status, headers, body = _get(f"{base}/health")
    assert (status, body.strip()) == (200, '{"status":"ok"}')
    assert _get(f"{base}/metrics")[0] == 401
    before, sent = _health_count(base), 0
    while len(list((log.parent / "metrics").glob("histogram_*.db"))) < 2 and sent < 400:
        with ThreadPoolExecutor(8) as pool:  # at once, so that both workers answer some (each writes its own file)
            assert set(pool.map(lambda _: _get(f"{base}/health")[0], range(20))) == {200}
        sent += 20
    assert len(list((log.parent / "metrics").glob("histogram_*.db"))) == 2
    assert {_health_count(base) - before for _ in range(4)} == {sent}  # added up, whichever worker answers
    assert re.search(rf'"GET /health HTTP/1.1" 200 .* request_id={headers["X-Request-ID"]}', log.read_text())


def test_the_configuration_trusts_forwarded_headers_only_behind_a_proxy(monkeypatch):
    def settings(**environment) -> dict:
        for name in ("FORWARDED_ALLOW_IPS", "PROXY_FIX_X_FOR", "PROXY_FIX_X_PROTO", "WEB_CONCURRENCY"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        namespace: dict = {}
        exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
        return namespace

    assert settings()["forwarded_allow_ips"] == ""
    assert settings(PROXY_FIX_X_PROTO="1")["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert settings(PROXY_FIX_X_FOR="1", FORWARDED_ALLOW_IPS="10.0.0.5")["forwarded_allow_ips"] == "10.0.0.5"
    shipped = settings()
    assert shipped["workers"] == len(os.sched_getaffinity(0)) * 2 + 1
    assert shipped["preload_app"] is True
    assert shipped["max_requests"] == 1000 and shipped["max_requests_jitter"] == 100


@pytest.mark.parametrize("unit", ["improvement-tracker.service", "improvement-tracker-scheduler.service"])
def test_the_systemd_units_verify(unit, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    text = (DEPLOY / unit).read_text()
    assert all(line in text.splitlines() for line in (
        "User=tracker", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
        "ReadWritePaths=/srv/improvement-tracker/instance"))
    # where this checkout and its Python are, so that verify can find the programs it starts
    here = text.replace("/srv/improvement-tracker/.venv", sys.prefix).replace("/srv/improvement-tracker", str(ROOT))
    (tmp_path / unit).write_text(here)
    result = subprocess.run([analyze, "verify", str(tmp_path / unit)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
