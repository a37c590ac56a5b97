"""The main pages under load (`make bench-load`, or `.venv/bin/python -m bench.load`): gunicorn serving the full-size
bench data, and wrk (Debian's `wrk` package) sending 50 connections at each page for a bounded time.

For each page: requests per second, the median and 95th percentile latency, and errors (socket errors and answers
other than 200, so a redirect to the sign-in page counts); then the memory (resident set) of each gunicorn worker
after the load. The person is signed in once and every connection sends that session's cookie, as 50 open tabs
would. Loopback only. SQLite by default; PostgreSQL with `BENCH_POSTGRES_URL` set (bench/README.md).
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.generate import BENCH_ACTION_ID, MANAGER, PASSWORD, BenchDatabase, bench_app, create_bench_app

PAGES = (("My work (programme manager)", "/my-work"), ("Plan overview", "/plan"),
         ("Milestones, rating=RED", "/plan/milestones?rating=RED"), ("Action page (large action)",
                                                                    f"/actions/{BENCH_ACTION_ID}"))
USER_AGENT = "bench-load"  # the same at sign-in and after: Flask-Login's strong session protection checks it
AIM_REQUESTS_PER_SECOND, AIM_P95_MS, AIM_WORKER_MIB = 150, 500, 150  # the plan overview's aims (issue 18)
# wrk reports the 95th percentile through a Lua hook; one line, read below
REPORT_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("not_ok") end
  io.write(string.format("RESULT %d %d %d %d %d %d %d %f %f\\n", summary.requests, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout, not_ok, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


@dataclass
class Load:
    page: str
    requests_per_second: float
    median_ms: float
    p95_ms: float
    errors: int  # socket errors and answers other than 200 (a redirect to sign in is an error here)


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    backend = "postgresql" if os.environ.get("BENCH_POSTGRES_URL") else "sqlite"
    bench_app(1.0, False, backend)  # the full-size data, generated if need be
    url = BenchDatabase(1.0, backend).url
    with Served(url, args.workers) as (base, workers):
        cookie = signed_in_cookie(base)
        loads = [load(base + path, name, cookie, args) for name, path in PAGES]
        memory = [resident_mib(pid) for pid in workers]
    report(loads, memory, backend, args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10, help="how long each page is loaded (default 10)")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1,
                        help="gunicorn workers (default 2 per core, plus 1)")
    return parser.parse_args()


class Served:
    """gunicorn on a free loopback port, serving the app on the bench database; its base URL and worker pids."""

    def __init__(self, database_url: str, workers: int):
        self.database_url, self.workers = database_url, workers

    def __enter__(self) -> tuple[str, list[int]]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        environment = {**os.environ, "TEST_DATABASE_URL": self.database_url}
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "bench.load:bench_wsgi()"], env=environment)
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/health")
        time.sleep(1)  # every worker up
        return base, _children(self.server.pid)

    def __exit__(self, *exc) -> None:
        self.server.terminate()
        self.server.wait(timeout=20)


def bench_wsgi():
    """What each gunicorn worker serves: the app on the bench database, as at the bench's date."""
    return create_bench_app(os.environ["TEST_DATABASE_URL"])


def signed_in_cookie(base: str) -> str:
    """The Bench Manager's session cookie, from a real sign-in (the testing configuration has no CSRF)."""
    body = urllib.parse.urlencode({"email": MANAGER.email, "password": PASSWORD}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(urllib.request.Request(base + "/login", data=body, headers={"User-Agent": USER_AGENT}), timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
        return answer.headers["Set-Cookie"].split(";", 1)[0]
    raise SystemExit("signing in did not answer with a redirect")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def load(url: str, name: str, cookie: str, args: argparse.Namespace) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(REPORT_SCRIPT)
        script.flush()
        output = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s",
                                 "-H", f"Cookie: {cookie}", "-H", f"User-Agent: {USER_AGENT}", "-s", script.name, url],
                                check=True, capture_output=True, text=True).stdout
    numbers = re.search(r"^RESULT (.*)$", output, re.M).group(1).split()
    requests, *errors, duration_us = (int(value) for value in numbers[:7])
    median_ms, p95_ms = (float(value) for value in numbers[7:])
    return Load(name, requests / (duration_us / 1e6), median_ms, p95_ms, sum(errors))


def resident_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


def report(loads: list[Load], memory: list[float], backend: str, args: argparse.Namespace) -> None:
    print(f"\n{args.connections} connections, {args.seconds} s a page, {len(memory)} gunicorn workers, {backend}, "
          f"full-size data")
    print(f"{'Page':<28} | requests/s | median ms | p95 ms | errors")
    for result in loads:
        print(f"{result.page:<28} | {result.requests_per_second:>10.1f} | {result.median_ms:>9.1f} | "
              f"{result.p95_ms:>6.1f} | {result.errors:>6}")
    print(f"Worker memory after the load (MiB): {', '.join(f'{mib:.0f}' for mib in memory)}")
    overview = next(result for result in loads if result.page == "Plan overview")
    checks = {
        f"plan overview at least {AIM_REQUESTS_PER_SECOND} requests/s": overview.requests_per_second
        >= AIM_REQUESTS_PER_SECOND,
        f"plan overview p95 under {AIM_P95_MS} ms": overview.p95_ms < AIM_P95_MS,
        "no errors on any page": all(result.errors == 0 for result in loads),
        f"each worker at most {AIM_WORKER_MIB} MiB after the load": max(memory) <= AIM_WORKER_MIB,
    }
    for check, passed in checks.items():
        print(f"{'PASS' if passed else 'MISS'}: {check}")


def _children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


def _wait_for(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


if __name__ == "__main__":
    main()
