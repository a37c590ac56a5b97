"""The Word reports: the plan progress report on a plan of 200 actions and 1,000 milestones, beside a bare
python-docx "floor" that writes the same appendix cells, and the monthly audit report on the bench's 20,000 audits.

The plan report: the synthetic Word plan of bench/word_import.py is imported into an empty SQLite database. A first
report, for a July meeting, is generated (untimed, it also warms up) and released; then 10 milestones are marked
complete and 5 dates revised (and accepted), and the report for a September meeting is timed end to end (gather,
write, checks, store), with "changes since" the July report. Its parts are timed on their own too: the figures
(plan_data.gather, changes_since and summary), the .docx (plan_report.write) and its checks
(checks.check_plan_report). The floor fills one table of the appendix's 1,000 rows x 9 columns of text with the
plainest python-docx code (Document(), add_table, row.cells, cell.text = value, save); plan_report.write is
compared with it.

The audit report: for the last month of audit rounds (June 2021), as at the bench's "today", on a copy of the bench
file (generating stores the report): audit_report.gather, audit_report.write and snapshots.generate_audit_report,
with the SQL statements of gather, at both scales.
"""

import gc
import io
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter, process_time

import docx
from sqlalchemy import select

from app.extensions import db
from app.models import (
    DueKind,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneStatus,
    Person,
    Plan,
    Rating,
    RevisionReason,
    Role,
)
from app.services.importers.plan_docx import read_plan
from app.services.importers.plan_write import import_plan
from app.services.plans import changes as plan_changes
from app.services.plans.due_dates import DueDate
from app.services.plans.queries import Window
from app.services.plans.rag import RATING_WORDS
from app.services.reports import audit_report, checks, plan_data, plan_report, snapshots
from bench.generate import AS_OF, AUDIT_MONTHS, BenchDatabase, create_bench_app
from bench.word_import import _empty_app, plan_docx

TARGET_MS = 3000  # each report generated end to end
FLOOR_RATIO_AIM = 1.3  # plan_report.write against the bare python-docx floor (issue 16)
DETAILS = {field.key: f"{field.label} as written by the programme manager." for field in plan_report.ALL_FIELDS}
IMPORTED_AT = datetime(2020, 7, 31, 9)  # as bench/word_import.py imports the plan
FIRST_TODAY, TODAY = date(2020, 7, 31), date(2020, 9, 1)
NOW = datetime.combine(TODAY, time(9))
COMPLETED, REVISED = 10, 5  # the changes between the two reports
AUDIT_MONTH = AUDIT_MONTHS[-1]
AUDIT_NOW = datetime.combine(AS_OF, time(9))


@dataclass
class ReportTiming:
    kind: str
    median_ms: float
    cpu_median_ms: float  # CPU time of this process: leaves out waiting for a CPU on a busy machine
    runs: int
    queries: int | None = None  # SQL statements, where the part queries the database


def time_plan_report(runs: int, counter_factory: Callable) -> dict:
    """The plan progress report on the imported Word plan, its parts and the floor."""
    runs = max(1, runs // 3)
    with tempfile.TemporaryDirectory() as folder:
        app = _empty_app(Path(folder) / "plan-report.sqlite")
        with app.app_context():
            plan, september = _plan_with_a_released_report()
            counter = counter_factory()
            generated = [_timed(counter, lambda: snapshots.generate_plan_report(
                plan, september, DETAILS, actor=None, now=NOW, today=TODAY)) for _ in range(runs)]
            report = generated[-1][-1]
            data, title = report.data, report.title
            gathered = [_timed(counter, lambda: _figures(plan, september)) for _ in range(runs)]
            rows = appendix_rows(data)
            written, floors = [], []
            for _ in range(runs):  # taken in turn, so that a busy spell on the machine slows both alike
                written.append(_timed(counter, lambda: plan_report.write(data, DETAILS, title=title,
                                                                         generated_at=NOW)))
                floors.append(_timed(counter, lambda: floor(rows)))
            document = written[-1][-1]
            identities = snapshots.recorded_identities()
            checked = [_timed(counter, lambda: checks.check_plan_report(document, identities)) for _ in range(runs)]
            changes = {key: len(value) if isinstance(value, list) else value
                       for key, value in (data["changes"] or {}).items()}
            problems = [problem["message"] for problem in report.problems]
            db.session.remove()
            db.engine.dispose()
    timings = [_summary("generate_plan_report (end to end)", generated, with_queries=True),
               _summary("plan_data.gather + changes_since + summary", gathered, with_queries=True),
               _summary("plan_report.write", written),
               _summary("checks.check_plan_report", checked),
               _summary("floor: bare python-docx, same appendix cells", floors)]
    floor_ms, floor_cpu_ms = timings[-1].median_ms, timings[-1].cpu_median_ms
    return {
        "milestones": sum(len(action["milestones"]) for area in data["areas"] for action in area["actions"]),
        "appendix_rows": len(rows),
        "document_kb": round(len(document) / 1024, 1),
        "floor_kb": round(len(floors[-1][-1]) / 1024, 1),
        "changes_since": changes,
        "problems": problems,
        "timings": [asdict(timing) for timing in timings],
        "write_over_floor": round(timings[2].median_ms / floor_ms, 2),
        "generate_over_floor": round(timings[0].median_ms / floor_ms, 2),
        "write_over_floor_cpu": round(timings[2].cpu_median_ms / floor_cpu_ms, 2),
        "generate_over_floor_cpu": round(timings[0].cpu_median_ms / floor_cpu_ms, 2),
    }


def _plan_with_a_released_report() -> tuple[Plan, Meeting]:
    """The imported plan, its July report released, a few changes since, and the September meeting."""
    import_plan(read_plan(io.BytesIO(plan_docx())), same_people=set(), actor=None, now=IMPORTED_AT,
                source_name="the benchmark plan")
    plan = db.session.scalar(select(Plan))
    manager = Person(name="Bench Report Manager", email="reports@bench.example", role=Role.PROGRAMME_MANAGER)
    july = _meeting("July committee", date(2020, 8, 4))
    september = _meeting("September committee", date(2020, 9, 15))
    db.session.add(manager)
    db.session.commit()
    first = snapshots.generate_plan_report(plan, july, DETAILS, actor=manager, now=IMPORTED_AT, today=FIRST_TODAY)
    snapshots.release(first, version=first.version, checked_warnings=True, actor=manager, now=IMPORTED_AT)
    changed_at, changed_on = datetime(2020, 8, 20, 9), date(2020, 8, 20)
    open_milestones = db.session.scalars(select(Milestone).where(Milestone.status != MilestoneStatus.COMPLETE)
                                         .order_by(Milestone.id).limit(COMPLETED + REVISED)).all()
    for milestone in open_milestones[:COMPLETED]:
        plan_changes.mark_complete(milestone, completed_on=changed_on, version=None, actor=manager, now=changed_at,
                            today=changed_on)
    for milestone in open_milestones[COMPLETED:]:
        new_on = (milestone.due_on or TODAY) + timedelta(days=61)
        revision = plan_changes.propose_revision(milestone, new_due=DueDate(DueKind.DATE, on=new_on,
                                                                     raw=new_on.strftime("%d/%m/%y")),
                                          reason=RevisionReason.CAPACITY, reason_text="Two social workers left",
                                          version=None, actor=manager, now=changed_at)
        plan_changes.decide_revision(revision, accept=True, note="", actor=manager, now=changed_at)
    return plan, september


def _meeting(title: str, held_on: date) -> Meeting:
    meeting = Meeting(kind=MeetingKind.COMMITTEE, title=title, held_on=held_on, update_deadline=held_on,
                      report_deadline=held_on)
    db.session.add(meeting)
    return meeting


def _figures(plan: Plan, meeting: Meeting) -> dict:
    """What generate_plan_report gathers before writing: the plan's data, the changes since the previous released
    report and the summary."""
    previous = snapshots.previous_plan_report(plan, meeting)
    data = plan_data.gather(plan, Window.configured(TODAY))
    data["changes"] = plan_data.changes_since(previous.data if previous else None, data)
    data["summary"] = plan_data.summary(data)
    return data


def appendix_rows(data: dict) -> list[list[str]]:
    """The text of every cell below the appendix tables' header rows, as plan_report writes it: the merged cells'
    continuations empty, and the RAG column saying the rating in words."""
    rows = []
    for area in data["areas"]:
        for action in area["actions"]:
            milestones = action["milestones"] or [None]
            action_rows = [plan_report._plan_row(action, milestone) for milestone in milestones]
            for start, end in plan_report._what_groups(action):
                for row in action_rows[start + 1:end + 1]:
                    row[1] = ""
            for row in action_rows[1:]:
                row[0] = row[2] = ""
            for row, milestone in zip(action_rows, milestones, strict=True):
                row[8] = RATING_WORDS[Rating(milestone["rating"])] if milestone else ""
            rows += action_rows
    return rows


def floor(rows: list[list[str]], headings=plan_report.PLAN_COLUMNS) -> bytes:
    """The same cells with the plainest python-docx: no styles, widths, shading or merged cells. Empty cells are
    left as they are. The plan appendix's headings unless others are given (the update pack's)."""
    document = docx.Document()
    table = document.add_table(rows=len(rows) + 1, cols=len(headings))
    for row, values in zip(table.rows, [headings, *rows], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            if value:
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def time_audit_report(scale: float, counter_factory: Callable, runs: int, backend: str = "sqlite") -> dict:
    """The monthly audit report for the last month of rounds, on a copy of this scale's bench data."""
    runs = max(1, runs // 3)
    with BenchDatabase(scale, backend).scratch_copy() as url:
        app = create_bench_app(url)
        with app.app_context():
            counter = counter_factory()
            gathered = [_timed(counter, lambda: audit_report.gather(AUDIT_MONTH, AS_OF)) for _ in range(runs)]
            data, title = gathered[-1][-1], snapshots.audit_report_title(AUDIT_MONTH)
            written = [_timed(counter, lambda: audit_report.write(data, title=title, generated_at=AUDIT_NOW))
                       for _ in range(runs)]
            generated = [_timed(counter, lambda: snapshots.generate_audit_report(
                AUDIT_MONTH, actor=None, now=AUDIT_NOW, today=AS_OF)) for _ in range(runs)]
            problems = [problem["message"] for problem in generated[-1][-1].problems]
            db.session.remove()
            db.engine.dispose()
    timings = [_summary("generate_audit_report (end to end)", generated, with_queries=True),
               _summary("audit_report.gather", gathered, with_queries=True),
               _summary("audit_report.write", written)]
    return {"month": AUDIT_MONTH.isoformat(), "allocated": data["totals"]["allocated"],
            "completed": data["totals"]["completed"],
            "document_kb": round(len(written[-1][-1]) / 1024, 1), "problems": problems,
            "timings": [asdict(timing) for timing in timings]}


def _timed(counter, work: Callable) -> tuple[float, float, int, object]:
    """Wall time and CPU time in ms, the SQL statements and the result of work(). Garbage left by the work before
    (the whole bench runs in one process) is collected first, so that each run pays only for its own."""
    gc.collect()
    counter.count = 0
    started, cpu_started = perf_counter(), process_time()
    result = work()
    return (perf_counter() - started) * 1000, (process_time() - cpu_started) * 1000, counter.count, result


def _summary(kind: str, timings: list[tuple[float, float, int, object]], with_queries: bool = False) -> ReportTiming:
    return ReportTiming(kind, round(statistics.median(t[0] for t in timings), 1),
                        round(statistics.median(t[1] for t in timings), 1), len(timings),
                        max(t[2] for t in timings) if with_queries else None)
