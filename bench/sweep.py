"""The reminder sweep on the bench data: the first sweep of a day (which writes every notice due), and a repeat
sweep (which finds them all written already and writes nothing), with their SQL query counts.

The sweep writes to the database, so each timed first sweep runs on a fresh copy of the bench file. A board meeting
whose update deadline is 5 working days after the bench's "today" is added to the copy, so that every owner is
also asked to update.
"""

import statistics
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from time import perf_counter

from sqlalchemy import func, select

from app.extensions import db
from app.models import Meeting, MeetingKind, Notification
from app.services.reminders import sweep as reminder_sweep
from app.services.working_days import add_working_days
from bench.generate import AS_OF, BenchDatabase, create_bench_app

SWEEP_AT = datetime.combine(AS_OF, time(7))
TARGET_MS = 2000


@dataclass
class SweepTiming:
    kind: str  # "first" or "repeat"
    median_ms: float
    runs: int
    queries: int
    notices: int  # written by the first sweep; 0 for a repeat


def time_sweeps(scale: float, counter_factory, runs: int, backend: str = "sqlite") -> list[dict]:
    first, repeat = [], []
    for copy in range(max(1, runs // 3)):  # a first sweep needs a fresh copy each time
        with BenchDatabase(scale, backend).scratch_copy() as url:
            app = _app_on(url)
            with app.app_context():
                first.append(_timed(counter_factory))
                if copy == 0:
                    repeat += [_timed(counter_factory) for _ in range(runs)]
                db.session.remove()
                db.engine.dispose()
    return [asdict(_summary("first", first)), asdict(_summary("repeat", repeat))]


def _app_on(url: str):
    app = create_bench_app(url)
    with app.app_context():
        db.session.add(Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=AS_OF + timedelta(days=21),
                               update_deadline=add_working_days(AS_OF, 5),
                               report_deadline=AS_OF + timedelta(days=8)))
        db.session.commit()
    return app


def _timed(counter_factory) -> tuple[float, int, int]:
    counter = counter_factory()
    before = db.session.scalar(select(func.count()).select_from(Notification))
    counter.count = 0
    started = perf_counter()
    reminder_sweep.sweep(SWEEP_AT)
    elapsed = (perf_counter() - started) * 1000
    queries = counter.count
    written = db.session.scalar(select(func.count()).select_from(Notification)) - before
    return elapsed, queries, written


def _summary(kind: str, timings: list[tuple[float, int, int]]) -> SweepTiming:
    return SweepTiming(kind, round(statistics.median(t for t, _, _ in timings), 1), len(timings),
                       max(q for _, q, _ in timings), max(n for _, _, n in timings))
