"""What `make run` passes to the service, and what config.py makes of it (decision 0007): the demo is served as at
its own date unless AS_OF_DATE is given (even empty), and links in e-mails follow the port it serves on."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import config
from app.demo.audits import DEMO_DATE

ROOT = Path(__file__).resolve().parents[2]


def make_run(**env: str) -> list[str]:
    """The commands `make run` would run (make -n runs none of them), with the given environment."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    base = {name: value for name, value in os.environ.items() if name not in {"AS_OF_DATE", "PORT", "MAKEFLAGS"}}
    result = subprocess.run(["make", "-n", "run"], cwd=ROOT, env={**base, **env}, capture_output=True, text=True,
                            check=True)
    return result.stdout.splitlines()


def command(lines: list[str], flask_command: str) -> str:
    [line] = [line for line in lines if f"/flask {flask_command}" in line]
    return line


def test_make_run_serves_the_demo_as_at_its_own_date_on_the_given_port():
    lines = make_run(PORT="5099")
    for flask_command in ("demo load", "scheduler run", "run --port 5099"):
        assert f"AS_OF_DATE={DEMO_DATE.isoformat()} PORT=5099 " in command(lines, flask_command)


def test_make_run_with_an_empty_or_other_date_uses_it():
    assert "AS_OF_DATE= PORT=5000 " in command(make_run(AS_OF_DATE=""), "demo load")  # today's date
    assert "AS_OF_DATE=2020-09-15 PORT=5000 " in command(make_run(AS_OF_DATE="2020-09-15"), "run --port 5000")


def test_base_url_follows_the_port_unless_given(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert config._base_url() == "http://localhost:5000"
    monkeypatch.setenv("PORT", "5099")
    assert config._base_url() == "http://localhost:5099"
    monkeypatch.setenv("BASE_URL", "https://tracker.council.example/")
    assert config._base_url() == "https://tracker.council.example"
