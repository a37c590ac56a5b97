"""An owner's update pack: update_pack.gather and update_pack.write for the bench's "Bench Owner" (about 75 open
milestones, as at the bench's "today"), beside a bare python-docx "floor" writing the same cells (one table, the
milestone rows' text, Document(), add_table, row.cells, cell.text = value, save).

Run on its own: `python -m bench.update_pack [--scale 1] [--runs 5]` (the bench file must exist: `make bench` or
`python -m bench.generate` makes it). `make bench` runs `time_update_pack` at each scale.
"""

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, time

from sqlalchemy import event, select

from app.extensions import db
from app.models import Meeting, Person
from app.services.plans.queries import Window
from app.services.reports import update_pack
from bench.generate import AS_OF, OWNER, BenchDatabase, create_bench_app
from bench.reports import _summary, _timed, floor

NOW = datetime.combine(AS_OF, time(9))
FLOOR_RATIO_AIM = 1.3  # update_pack.write against the bare python-docx floor


def time_update_pack(scale: float, counter_factory: Callable, runs: int, backend: str = "sqlite") -> dict:
    app = create_bench_app(BenchDatabase(scale, backend).url)
    with app.app_context():
        counter = counter_factory()
        owner = db.session.scalar(select(Person).where(Person.email == OWNER.email))
        meeting = db.session.scalar(select(Meeting).where(Meeting.held_on >= AS_OF).order_by(Meeting.held_on))
        window = Window.configured(AS_OF)
        gathered = [_timed(counter, lambda: update_pack.gather(owner, meeting, window)) for _ in range(runs)]
        data = gathered[-1][-1]
        written = [_timed(counter, lambda: update_pack.write(data, generated_at=NOW)) for _ in range(runs)]
        rows = _rows(data)
        floors = [_timed(counter, lambda: floor(rows, update_pack.COLUMNS)) for _ in range(runs)]
        db.session.remove()
        db.engine.dispose()
    timings = [_summary("update_pack.gather", gathered, with_queries=True), _summary("update_pack.write", written),
               _summary("floor: bare python-docx, same cells", floors)]
    return {"milestones": data["counts"]["open"], "document_kb": round(len(written[-1][-1]) / 1024, 1),
            "write_over_floor": round(timings[1].median_ms / timings[2].median_ms, 2),
            "write_over_floor_cpu": round(timings[1].cpu_median_ms / timings[2].cpu_median_ms, 2),
            "timings": [asdict(timing) for timing in timings]}


def _rows(data: dict) -> list[list[str]]:
    """The pack's text, a row per action and per milestone, as the floor writes it."""
    rows = []
    for part in data["parts"]:
        for action in part["actions"]:
            rows.append([f"{action['number']} {action['what']}", "", "", "", "", ""])
            rows += [[m["deliverable"], m["role"], m["due"]["as_read"], (m["latest_update"] or {}).get("body", ""),
                      m["rating_word"], m["why"]] for m in action["milestones"]]
    return rows


class _Counter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_):
        self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(time_update_pack(args.scale, lambda: _Counter(db.engine), args.runs), indent=2))


if __name__ == "__main__":
    main()
