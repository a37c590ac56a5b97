"""Browser tests: the real app served by `flask run` on a free local port, driven by Chromium through Playwright.

The server runs in its own process with a fresh SQLite file, the demo plan and the case-file audit tool loaded,
and the clock fixed at AS_OF_DATE so RAG ratings are the same every run. Chromium is the Debian package
(/usr/bin/chromium): Playwright's own browser download is not used. Without Chromium the tests are skipped,
unless REQUIRE_BROWSER=1 (as in CI), when they fail instead.

E2E_DATABASE_URL points the server at another, empty, database instead (for example PostgreSQL), to try the
journeys there: the fixture upgrades it and loads the demo plan, but never empties it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask"]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
AS_OF_DATE = "2020-07-31"
RESULTS_DIR = ROOT / "test-results" / "e2e"
STARTUP_SECONDS = 30
DEFAULT_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    log: Path


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "") not in ("", "0", "false", "no")


def _missing(reason: str):
    if _browser_required():
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(f"{reason}; set REQUIRE_BROWSER=1 to make this a failure")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_url: str, upload_folder: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if name not in {"FLASK_DEBUG", "FLASK_RUN_PORT", "FLASK_RUN_HOST", "TEST_DATABASE_URL"}}
    env.update(FLASK_APP="wsgi.py", FLASK_CONFIG="development", DATABASE_URL=database_url, AS_OF_DATE=AS_OF_DATE,
               SECRET_KEY="e2e-tests-only", UPLOAD_FOLDER=str(upload_folder), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
               # the demo administrator signs in with a password alone, so the journeys reach the admin pages;
               # the second factor has its own journey (test_second_factor_journey.py) and integration tests
               REQUIRE_SECOND_FACTOR_FOR_ADMINS="false")
    return env


def _flask(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"`flask {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
                    pytrace=False)


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> bool:
    """True once /health answers; False if the server exits first (for example, the port was taken)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"The app did not answer {url}/health within {STARTUP_SECONDS}s. Server log:\n{log.read_text()}",
                pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> LiveServer:
    """The app as people use it: `flask db upgrade`, `flask demo load`, then `flask run` on a free port."""
    workdir = tmp_path_factory.mktemp("e2e-server")
    yield from serve(workdir, os.environ.get("E2E_DATABASE_URL") or f"sqlite:///{workdir / 'tracker.sqlite'}")


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory) -> LiveServer:
    """A server of the test module's own, on a new SQLite file with the demo loaded: for a journey that changes
    what every page shows (importing a plan), so other journeys never meet its changes. A module uses it for its
    pages by defining `live_server` as a module fixture that returns it."""
    workdir = tmp_path_factory.mktemp("e2e-own-server")
    yield from serve(workdir, f"sqlite:///{workdir / 'tracker.sqlite'}")


def serve(workdir: Path, database_url: str):
    """Set up the database, start the server and yield it; stop it when resumed (for a fixture to `yield from`)."""
    env = _server_env(database_url, workdir / "evidence")
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "load")
    _flask(env, "audits", "load-tool")  # no audit can be allocated without the tool; a no-op if already loaded
    log = workdir / "server.log"
    for _attempt in range(3):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("w") as log_file:
            process = subprocess.Popen([*FLASK, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload",
                                        "--no-debugger"],
                                       cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        if _wait_until_up(process, url, log):
            break
    else:
        pytest.fail(f"The app would not start. Server log:\n{log.read_text()}", pytrace=False)
    try:
        yield LiveServer(url=url, database_url=database_url, log=log)
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def browser(chromium_executable):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("The playwright package is not installed (pip install -r requirements-dev.txt)")
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def csp_refusals(context) -> list[str]:
    """What the page's Content-Security-Policy refused (an inline script or style, a resource from elsewhere), as
    Chromium reports it on the console, for every page the context opens: a list that fills as they load."""
    refusals: list[str] = []
    context.on("console", lambda message: refusals.append(f"{message.page.url if message.page else ''}: "
                                                          f"{message.text}")
               if "Content Security Policy" in message.text else None)
    return refusals


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context (no cookies) per test. On failure, a screenshot and the page's HTML are kept.
    Anything the Content-Security-Policy refused fails the test (a GOV.UK component would not work)."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    refused = csp_refusals(context)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            _keep_evidence(page, request.node.name, live_server)
        context.close()
    assert refused == [], "the Content-Security-Policy refused:\n" + "\n".join(refused)


def _keep_evidence(page, name: str, live_server: LiveServer) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        (RESULTS_DIR / f"{name}.html").write_text(f"<!-- {page.url} -->\n{page.content()}")
    except Exception as error:  # keeping evidence must never hide the real failure
        print(f"Could not keep a screenshot of {name}: {error}")
    shutil.copyfile(live_server.log, RESULTS_DIR / f"{name}.server.log")
    print(f"Browser evidence for {name} is in {RESULTS_DIR} (page was {page.url})")


def pytest_sessionstart(session):
    session.config.stash[_STARTED] = time.time()


_STARTED = pytest.StashKey[float]()


def pytest_terminal_summary(terminalreporter, config):
    """The page widths at a 320 px window that the accessibility test recorded in this run (one table a role)."""
    started = config.stash.get(_STARTED, None)
    tables = sorted(RESULTS_DIR.glob("page-widths-*.md")) if RESULTS_DIR.is_dir() else []
    for table in (table for table in tables if started is not None and table.stat().st_mtime >= started):
        terminalreporter.write_sep("-", table.stem)
        terminalreporter.write_line(table.read_text())
