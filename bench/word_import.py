"""Importing a large Word plan: 200 actions and 1,000 milestones, laid out as the council lays its plan out.

A synthetic .docx (fixed seed) is written with python-docx: the title and revision, the lead author and RAG key
tables, then 5 areas, each with its recommendations, its Areas for Improvement and one nine-column action table
with vertically merged action cells. The benchmark times the whole import into an empty SQLite database (read
the file, work out the dry run, write everything in one transaction), and the dry run again on the imported plan
(a re-import of the same file, which changes nothing).
"""

import io
import random
import statistics
import tempfile
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from time import perf_counter
from unittest.mock import patch

import docx

from app import create_app
from app.extensions import db
from app.services.importers.plan_docx import read_plan
from app.services.importers.plan_import import preview
from app.services.importers.plan_write import import_plan
from config import TestingConfig

SEED = 20200731
AREAS, ACTIONS_PER_AREA, MILESTONES_PER_ACTION = 5, 40, 5
TARGET_MS = 5000
HEADINGS = ["Action No.", "What we are doing", "How we do it Project or Service / Partner action",
            "Responsible Person", "Who will lead this", "Expected Milestones / Deliverables",
            "When will it be done?", "Date & Progress Summary", "Current RAG Rating"]
PEOPLE = [f"{first} {last}" for first in ("Asha", "Ben", "Carys", "Dev", "Ella", "Farid", "Gwen", "Hari")
          for last in ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fox")]


@dataclass
class ImportTiming:
    kind: str
    median_ms: float
    runs: int
    milestones: int


def plan_docx(seed: int = SEED) -> bytes:
    rng = random.Random(seed)
    document = docx.Document()
    document.add_paragraph("Synthetic Children's Services Improvement Plan", style="Title")
    document.add_paragraph("Revised April 2020")
    _key_values(document, [("Lead author", "Asha Ahmed"), ("Progress update", "July 2020")])
    _key_values(document, [("Tasks and/or outcomes have not been met or timescale slipped", "RED"),
                           ("Tasks and/or outcomes are on track; milestones met but not completed", "AMBER"),
                           ("Tasks and outcomes are completed; performance is on target", "GREEN")])
    for area in range(1, AREAS + 1):
        document.add_heading(f"{area}.0 Synthetic area {area} - Improving practice in area {area}", level=1)
        _key_values(document, [(f"R{area}", f"Recommendation {area} of the inspection")])
        _key_values(document, [("Date Ofsted identified Area for Improvement", "Areas for Improvement"),
                               ("September 2018 February 2020", f"Area for improvement {area}")])
        _action_table(document, area, rng)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _key_values(document, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=len(rows), cols=2)
    for row, (key, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = key, value


def _action_table(document, area: int, rng: random.Random) -> None:
    rows = 1 + ACTIONS_PER_AREA * MILESTONES_PER_ACTION
    table = document.add_table(rows=rows, cols=len(HEADINGS))  # created at its final size, filled row by row
    all_rows = list(table.rows)
    for cell, heading in zip(all_rows[0].cells, HEADINGS, strict=True):
        cell.text = heading
    for action in range(ACTIONS_PER_AREA):
        first = 1 + action * MILESTONES_PER_ACTION
        for offset in range(MILESTONES_PER_ACTION):
            cells = all_rows[first + offset].cells
            due = date(2020, 4, 1) + timedelta(days=rng.randint(0, 300))
            texts = [f"{area}.{action + 1}" if offset == 0 else "",
                     f"Improve service {area}.{action + 1}" if offset == 0 else "",
                     "Service action" if offset == 0 else "", rng.choice(PEOPLE),
                     " / ".join(rng.sample(PEOPLE, rng.randint(1, 2))),
                     f"Deliverable {offset + 1} of action {area}.{action + 1}: a new process agreed and in place",
                     due.strftime("%d/%m/%y"),
                     f"Update {rng.randint(1, 28)} July 2020\n• Work is progressing with partners.",
                     rng.choice(["", "", "Green", "Yellow", "Red"])]
            for cell, text in zip(cells, texts, strict=True):
                if text:
                    cell.text = text
        for column in range(3):  # the action's number, what and how span its milestone rows
            all_rows[first].cells[column].merge(all_rows[first + MILESTONES_PER_ACTION - 1].cells[column])


def time_import(runs: int) -> list[dict]:
    data = plan_docx()
    full, again = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(max(1, runs // 3)):
            app = _empty_app(Path(folder) / f"import-{run}.sqlite")
            with app.app_context():
                started = perf_counter()
                result = import_plan(read_plan(io.BytesIO(data)), same_people=set(), actor=None,
                                     now=datetime(2020, 7, 31, 9), source_name="the benchmark plan")
                full.append((perf_counter() - started) * 1000)
                milestones = result.count("milestones", "create")
                for _ in range(3):
                    started = perf_counter()
                    preview(read_plan(io.BytesIO(data)))
                    again.append((perf_counter() - started) * 1000)
                db.session.remove()
                db.engine.dispose()
    return [asdict(ImportTiming("import into an empty service", round(statistics.median(full), 1), len(full),
                                milestones)),
            asdict(ImportTiming("dry run of the same file again", round(statistics.median(again), 1), len(again),
                                milestones))]


def _empty_app(path: Path):
    url = f"sqlite:///{path}"
    with patch.object(TestingConfig, "SQLALCHEMY_DATABASE_URI", url):
        app = create_app("testing")
    with app.app_context():
        db.create_all()
    return app
