"""Page timings and SQL query counts on realistic data (`make bench`, or `.venv/bin/python -m bench.run`).

Signs in through the Flask test client and times My work, the plan overview (as kept, and drawn afresh as after a
change), the milestone list (filtered, and a
later page sorted by due date), People (first page, and searched), a large action page, the audit findings over all
24 months of audits, an audit form and the case pool (sorted by team) on the full-size data set, then on a data set
a tenth of the size, to show that the number of queries per page does not grow with the data. Then times the
reminder sweep (bench/sweep.py), a Word plan import (bench/word_import.py) and the Word reports (bench/reports.py:
the plan progress report on that plan, beside a bare python-docx floor, and the monthly audit report). Prints a
table and writes bench/results/latest.json.
"""

import argparse
import json
import math
import os
import platform
import sqlite3
import statistics
from dataclasses import asdict, dataclass
from datetime import datetime
from time import perf_counter, process_time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from app.extensions import cache, db
from app.models import Audit, PoolCase
from bench.generate import (
    ADMIN,
    AS_OF,
    AUDIT_MONTHS,
    AUDITOR,
    BENCH_ACTION_ID,
    BENCH_CASE,
    MANAGER,
    OWNER,
    PASSWORD,
    QA_LEAD,
    RESULTS_DIR,
    BenchLogin,
    bench_app,
    expected_data,
)
from bench.reminder_run import checks as reminder_run_checks
from bench.reminder_run import print_runs as print_reminder_runs
from bench.reminder_run import time_reminder_runs
from bench.reports import FLOOR_RATIO_AIM, time_audit_report, time_plan_report
from bench.reports import TARGET_MS as REPORT_TARGET_MS
from bench.sweep import TARGET_MS as SWEEP_TARGET_MS
from bench.sweep import time_sweeps
from bench.update_pack import FLOOR_RATIO_AIM as PACK_FLOOR_RATIO_AIM
from bench.update_pack import time_update_pack
from bench.word_import import TARGET_MS as IMPORT_TARGET_MS
from bench.word_import import time_import

TARGET_MEDIAN_MS = 150  # the plan pages
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SCALES = (1.0, 0.1)
FINDINGS_URL = f"/audits/findings?from={AUDIT_MONTHS[0]:%m/%Y}&to={AUDIT_MONTHS[-1]:%m/%Y}"
PAGES = (  # name, who, address ({audit_id}: the Bench Auditor's audit in progress), median target in ms
    ("My work (owner, viewer)", OWNER, "/my-work", TARGET_MEDIAN_MS),
    ("My work (programme manager)", MANAGER, "/my-work", TARGET_MEDIAN_MS),
    ("Plan overview", MANAGER, "/plan", TARGET_MEDIAN_MS),
    ("Plan overview, drawn afresh", MANAGER, "/plan", TARGET_MEDIAN_MS),
    ("Milestones, rating=RED", MANAGER, "/plan/milestones?rating=RED", TARGET_MEDIAN_MS),
    ("Milestones, by due date, page 3", MANAGER, "/plan/milestones?sort=due&page=3", TARGET_MEDIAN_MS),
    ("People (administrator)", ADMIN, "/admin/people", TARGET_MEDIAN_MS),
    ("People, searched", ADMIN, "/admin/people?q=person+01&sort=team", TARGET_MEDIAN_MS),
    ("Action page (large action)", MANAGER, f"/actions/{BENCH_ACTION_ID}", TARGET_MEDIAN_MS),
    ("Audit findings, 24 months", MANAGER, FINDINGS_URL, 300),
    ("Audit form (auditor, edit)", AUDITOR, "/audits/{audit_id}/edit", 100),
    ("Case pool (QA lead), by team", QA_LEAD, "/audits/pool?sort=team", TARGET_MEDIAN_MS),
)


DRAWN_AFRESH = "Plan overview, drawn afresh"  # as the first visit after any change: nothing kept (app/page_cache.py)
GROWTH_AIM = 1.5  # the overview on the full-size data within this many times its time on a tenth (issue 18)


@dataclass
class PageResult:
    page: str
    url: str
    target_ms: int
    median_ms: float
    p90_ms: float
    cpu_median_ms: float  # CPU time of this process: leaves out waiting for a CPU on a busy machine
    queries: int
    query_counts_varied: bool
    response_kb: float


class QueryCounter:
    """Counts the SQL statements sent to the database, with a before_cursor_execute listener on the engine."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


def main() -> None:
    args = parse_args()
    by_backend = {backend: [bench_scale(scale, args, backend) for scale in args.scales] for backend in backends()}
    imports = time_import(args.runs)
    plan_report = time_plan_report(args.runs, lambda: QueryCounter(db.engine))
    full_size = min(args.scales, key=lambda scale: abs(scale - 1))  # 480 packs at scale 1, however many scales
    reminder_runs = time_reminder_runs(full_size, backends())
    checks = {f"{BACKEND_NAMES[backend]}: {check}": passed for backend, scales in by_backend.items()
              for check, passed in (check_targets(scales) | data_report_checks(scales)).items()}
    checks |= {
        f"Word plan import (1,000 milestones) under {IMPORT_TARGET_MS} ms": imports[0]["median_ms"] < IMPORT_TARGET_MS,
    } | plan_report_checks(plan_report)
    checks |= {check: passed for run in reminder_runs for check, passed in reminder_run_checks(run).items()}
    scales = [scale for scales in by_backend.values() for scale in scales]  # the table's columns
    print_reminder_runs(reminder_runs)
    print_report(scales, checks, imports, plan_report)
    write_json(scales, checks, args, imports, plan_report, reminder_runs)
    if args.strict and not all(checks.values()):
        raise SystemExit(1)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first (default 2)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the bench databases")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    parser.add_argument("--scales", type=lambda text: tuple(float(part) for part in text.split(",")), default=SCALES,
                        help="the data sizes, largest first (default 1,0.1; 0.1 alone for a quick try)")
    return parser.parse_args()


def backends() -> tuple[str, ...]:
    """SQLite always; PostgreSQL too when BENCH_POSTGRES_URL names a server (bench/README.md)."""
    return ("sqlite", "postgresql") if os.environ.get("BENCH_POSTGRES_URL") else ("sqlite",)


def bench_scale(scale: float, args: argparse.Namespace, backend: str = "sqlite") -> dict:
    app, generation_seconds = bench_app(scale, args.regenerate, backend)
    with app.app_context():  # requests must run outside this context, so each gets a fresh session
        counter = QueryCounter(db.engine)
        audit_id = db.session.scalar(select(Audit.id).join(PoolCase, Audit.case_id == PoolCase.id)
                                     .where(PoolCase.reference == BENCH_CASE))
    clients = {login: signed_in_client(app, login) for login in {login for _, login, *_ in PAGES}}
    pages = [time_page(clients[login], counter, name, url.format(audit_id=audit_id), target, args)
             for name, login, url, target in PAGES]
    sweeps = time_sweeps(scale, lambda: QueryCounter(db.engine), args.runs, backend)
    audit_report = time_audit_report(scale, lambda: QueryCounter(db.engine), args.runs, backend)
    pack = time_update_pack(scale, lambda: QueryCounter(db.engine), max(1, args.runs // 3), backend)
    return {"backend": backend, "scale": scale, "data": expected_data(scale), "generation_seconds": generation_seconds,
            "pages": [asdict(page) for page in pages], "sweeps": sweeps, "audit_report": audit_report,
            "update_pack": pack}


def signed_in_client(app: Flask, login: BenchLogin) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": login.email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"Could not sign in as {login.name}: status {response.status_code}")
    return client


def time_page(client: FlaskClient, counter: QueryCounter, name: str, url: str, target: int,
              args: argparse.Namespace) -> PageResult:
    for _ in range(args.warmup):
        fetch(client, url)
    timings, cpu_timings, counts = [], [], []
    for _ in range(args.runs):
        if name == DRAWN_AFRESH:
            with client.application.app_context():
                cache.clear()
        counter.count = 0
        started, cpu_started = perf_counter(), process_time()
        response = fetch(client, url)
        timings.append((perf_counter() - started) * 1000)
        cpu_timings.append((process_time() - cpu_started) * 1000)
        counts.append(counter.count)
    return PageResult(name, url, target, round(statistics.median(timings), 1), round(percentile(timings, 90), 1),
                      round(statistics.median(cpu_timings), 1), max(counts), len(set(counts)) > 1,
                      round(len(response.data) / 1024, 1))


def fetch(client: FlaskClient, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def percentile(values: list[float], pct: int) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def check_targets(scales: list[dict]) -> dict[str, bool]:
    large, small = scales[0]["pages"], scales[-1]["pages"]
    checks = {f"{page['page']} under {page['target_ms']} ms median on the full-size data":
              page["median_ms"] < page["target_ms"] for page in large}
    checks |= {f"{big['page']} within {GROWTH_AIM:g}x its time on a tenth of the data":
               big["median_ms"] <= GROWTH_AIM * little["median_ms"]
               for big, little in zip(large, small, strict=True) if big["page"].startswith("Plan overview")}
    big_sweeps, small_sweeps = scales[0]["sweeps"], scales[-1]["sweeps"]
    return checks | {
        "query counts the same on large and small data": all(
            big["queries"] == little["queries"] for big, little in zip(large, small, strict=True)),
        f"reminder sweeps under {SWEEP_TARGET_MS} ms median on the full-size data": all(
            sweep["median_ms"] < SWEEP_TARGET_MS for sweep in big_sweeps),
        "reminder sweep query counts the same on large and small data": all(
            big["queries"] == little["queries"] for big, little in zip(big_sweeps, small_sweeps, strict=True)),
    }


def plan_report_checks(plan_report: dict) -> dict[str, bool]:
    return {
        f"plan progress report (1,000 milestones) under {REPORT_TARGET_MS} ms":
            plan_report["timings"][0]["median_ms"] < REPORT_TARGET_MS,
        f"plan report write under {FLOOR_RATIO_AIM:g}x the bare python-docx floor":
            plan_report["write_over_floor"] < FLOOR_RATIO_AIM,
    }


def data_report_checks(scales: list[dict]) -> dict[str, bool]:
    big, little = scales[0]["audit_report"]["timings"], scales[-1]["audit_report"]["timings"]
    return {
        f"monthly audit report under {REPORT_TARGET_MS} ms on the full-size data": big[0]["median_ms"] < REPORT_TARGET_MS,
        "monthly audit report query counts the same on large and small data": all(
            b["queries"] == s["queries"] for b, s in zip(big, little, strict=True)),
        f"update pack write under {PACK_FLOOR_RATIO_AIM:g}x the bare python-docx floor on the full-size data":
            scales[0]["update_pack"]["write_over_floor"] < PACK_FLOOR_RATIO_AIM,
        "update pack query counts the same on large and small data": len(
            {s["update_pack"]["timings"][0]["queries"] for s in scales}) == 1,
    }


def print_report(scales: list[dict], checks: dict[str, bool], imports: list[dict], plan_report: dict) -> None:
    width = max(len(name) for name, *_ in PAGES)
    headings = "".join(f" | {label(s):^35}" for s in scales)
    print(f"\n{'Page':<{width}} | target{headings}")
    print(f"{'':<{width}} |     ms" + " | median ms  p90 ms  cpu ms  queries" * len(scales))
    for index, (name, *_, target) in enumerate(PAGES):
        cells = "".join(_cells(s["pages"][index]) for s in scales)
        print(f"{name:<{width}} | {target:>6}{cells}")
    if any(page["query_counts_varied"] for s in scales for page in s["pages"]):
        print("* the number of queries differed between runs; the largest is shown")
    print_side_by_side(scales, width)
    print(f"\n{'Reminder sweep':<{width}} | target" + " | median ms  runs  queries  notices" * len(scales))
    for index, kind in enumerate(("first of the day", "repeat (nothing new)")):
        cells = "".join(f" | {s['sweeps'][index]['median_ms']:>9.1f} {s['sweeps'][index]['runs']:>5} "
                        f"{s['sweeps'][index]['queries']:>8} {s['sweeps'][index]['notices']:>8}" for s in scales)
        print(f"{kind:<{width}} | {SWEEP_TARGET_MS:>6}{cells}")
    print(f"\nWord plan of 200 actions and 1,000 milestones (target {IMPORT_TARGET_MS} ms for the import):")
    for timing in imports:
        print(f"  {timing['kind']:<34} {timing['median_ms']:>9.1f} ms median of {timing['runs']}")
    _print_reports(scales, plan_report)
    print()
    for check, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}: {check}")


def _print_reports(scales: list[dict], plan_report: dict) -> None:
    changes = plan_report["changes_since"] or {}
    print(f"\nPlan progress report on that plan ({plan_report['milestones']:,} milestones, "
          f"{plan_report['document_kb']:g} KB; changes since the previous report: {changes.get('completed', 0)} "
          f"completed, {changes.get('revised', 0)} revised dates; {len(plan_report['problems'])} problems found by "
          f"the checks), target {REPORT_TARGET_MS} ms end to end:")
    print(f"  {'':<48} median ms  cpu ms  runs  queries")
    for timing in plan_report["timings"]:
        print(f"  {timing['kind']:<48} {timing['median_ms']:>9.1f} {timing['cpu_median_ms']:>7.1f} "
              f"{timing['runs']:>5} {_queries(timing):>8}")
    print(f"  plan_report.write / floor: {plan_report['write_over_floor']:.2f}x (aim under {FLOOR_RATIO_AIM:g}x; "
          f"{plan_report['write_over_floor_cpu']:.2f}x in CPU time)")
    print(f"  whole generation / floor:  {plan_report['generate_over_floor']:.2f}x "
          f"({plan_report['generate_over_floor_cpu']:.2f}x in CPU time)")
    month = scales[0]["audit_report"]["month"][:7]
    width = max(len(timing["kind"]) for timing in scales[0]["audit_report"]["timings"])
    print(f"\n{'Monthly audit report, ' + month:<{width}} | target"
          + " | median ms  cpu ms  runs  queries" * len(scales))
    for index, timing in enumerate(scales[0]["audit_report"]["timings"]):
        cells = "".join(_report_cells(s["audit_report"]["timings"][index]) for s in scales)
        target = REPORT_TARGET_MS if index == 0 else ""
        print(f"{timing['kind']:<{width}} | {target:>6}{cells}")
    print_update_pack(scales)


def print_update_pack(scales: list[dict]) -> None:
    width = max(len(timing["kind"]) for timing in scales[0]["update_pack"]["timings"])
    milestones = ", ".join(f"{s['update_pack']['milestones']}" for s in scales)
    print(f"\n{'Update pack (' + milestones + ' milestones)':<{width}} | " + " | median ms  cpu ms  runs  queries" * len(scales))
    for index, timing in enumerate(scales[0]["update_pack"]["timings"]):
        print(f"{timing['kind']:<{width}} | " + "".join(_report_cells(s["update_pack"]["timings"][index]) for s in scales))
    ratios = ", ".join(f"{s['update_pack']['write_over_floor']:.2f}x" for s in scales)
    print(f"  update_pack.write / floor: {ratios} (aim under {PACK_FLOOR_RATIO_AIM:g}x)")


def print_side_by_side(scales: list[dict], width: int) -> None:
    """Each page on PostgreSQL beside SQLite, on the largest data: medians, their ratio and the queries."""
    largest = {s["backend"]: s for s in scales if s["scale"] == scales[0]["scale"]}
    if len(largest) < 2:
        return
    sqlite, postgresql = largest["sqlite"]["pages"], largest["postgresql"]["pages"]
    print(f"\n{'Page, scale ' + format(scales[0]['scale'], 'g'):<{width}} | SQLite ms | PostgreSQL ms | ratio | queries")
    for lite, pg in zip(sqlite, postgresql, strict=True):
        print(f"{lite['page']:<{width}} | {lite['median_ms']:>9.1f} | {pg['median_ms']:>13.1f} | "
              f"{pg['median_ms'] / lite['median_ms']:>4.2f}x | {lite['queries']:>3} / {pg['queries']:<3}")


def label(scale: dict) -> str:
    """A column's heading: "SQLite, scale 1", "PostgreSQL, scale 0.1"."""
    return f"{BACKEND_NAMES[scale['backend']]}, scale {scale['scale']:g}"


def _report_cells(timing: dict) -> str:
    return f" | {timing['median_ms']:>9.1f} {timing['cpu_median_ms']:>7.1f} {timing['runs']:>5} {_queries(timing):>8}"


def _queries(timing: dict) -> str:
    return "" if timing["queries"] is None else str(timing["queries"])


def _cells(page: dict) -> str:
    varied = "*" if page["query_counts_varied"] else " "
    return f" | {page['median_ms']:>9.1f} {page['p90_ms']:>7.1f} {page['cpu_median_ms']:>7.1f} {page['queries']:>7}{varied}"


def write_json(scales: list[dict], checks: dict[str, bool], args: argparse.Namespace, imports: list[dict],
               plan_report: dict, reminder_runs: list[dict]) -> None:
    report = {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "as_of_date": AS_OF.isoformat(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "runs": args.runs,
        "warmup": args.warmup,
        "target_median_ms": {name: target for name, *_, target in PAGES},
        "checks": checks,
        "scales": scales,
        "word_import": imports,
        "plan_report": plan_report,
        "reminder_runs": reminder_runs,
    }
    path = RESULTS_DIR / "latest.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {path.relative_to(RESULTS_DIR.parent.parent)}")


if __name__ == "__main__":
    main()
