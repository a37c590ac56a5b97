"""Cases for the audit pool from CSV: checked row by row first (a dry run listing every problem with its line),
imported only when every row is right."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import String, func, select

from app.extensions import db
from app.models import Person, PoolCase, Team
from app.services.audits.rounds import CASE_FLAGS
from app.services.transaction import transaction

COLUMNS = ["reference", "team", "allocated_worker", "team_manager", "service_manager", "plan_type", *CASE_FLAGS]
PLAN_TYPES = {"Child in Need", "Child Protection", "Child in Care", "Pathway Plan", "No current Plan", "Closed"}
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


@dataclass
class CaseRow:
    line: int
    values: dict
    problems: list[str] = field(default_factory=list)


@dataclass
class PoolPreview:
    rows: list[CaseRow]
    problems: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.problems and not any(row.problems for row in self.rows)

    @property
    def problem_rows(self) -> list[CaseRow]:
        return [row for row in self.rows if row.problems]


# the columns kept as written, and the most characters each holds
KEPT_LENGTHS = {column.name: column.type.length for column in PoolCase.__table__.columns
                if isinstance(column.type, String) and column.type.length}


def preview(text: str) -> PoolPreview:
    try:
        return _preview(text)
    except csv.Error as error:  # a cell too long for the csv module (128 KB), a NUL
        return PoolPreview([], [f"The cases cannot be read as CSV: {error}"])


def _preview(text: str) -> PoolPreview:
    reader = csv.DictReader(io.StringIO(text.strip()))
    headers = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in ("reference", "team") if column not in headers]
    if missing:
        return PoolPreview([], [f"The first line must name the columns; missing: {', '.join(missing)}"])
    reader.fieldnames = headers
    teams = {name.lower(): tid for tid, name in db.session.execute(select(Team.id, Team.name))}
    people = {name.lower(): pid for pid, name in db.session.execute(select(Person.id, Person.name))}
    existing = set(db.session.scalars(select(func.lower(PoolCase.reference))))
    seen: dict[str, int] = {}
    rows = [_check(reader.line_num, raw, teams, people, existing, seen) for raw in reader]  # the row's last line
    return PoolPreview(rows, [] if rows else ["The file has no cases"])


def _check(line: int, raw: dict, teams: dict, people: dict, existing: set, seen: dict) -> CaseRow:
    values = {column: (raw.get(column) or "").strip() for column in COLUMNS}
    row = CaseRow(line, values)
    reference = values["reference"]
    if not reference:
        row.problems.append("No case reference")
    elif reference.lower() in existing:
        row.problems.append(f"Case {reference} is already in the pool")
    elif reference.lower() in seen:
        row.problems.append(f"Case {reference} is also on line {seen[reference.lower()]}")
    seen.setdefault(reference.lower(), line)
    if values["team"].lower() not in teams:
        row.problems.append(f"No team called “{values['team']}”" if values["team"] else "No team given")
    for role in ("team_manager", "service_manager"):
        if values[role] and values[role].lower() not in people:
            row.problems.append(f"No one called “{values[role]}” is in People ({role.replace('_', ' ')})")
    if values["plan_type"] and values["plan_type"] not in PLAN_TYPES:
        row.problems.append(f"Plan type “{values['plan_type']}” is not one of: {', '.join(sorted(PLAN_TYPES))}")
    for column, limit in KEPT_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            row.problems.append(f"{column.replace('_', ' ').capitalize()} must be {limit} characters or fewer")
    for flag in CASE_FLAGS:
        if values[flag].lower() not in YES | NO:
            row.problems.append(f"{flag.replace('_', ' ').capitalize()} must be yes or no, not “{values[flag]}”")
    return row


@transaction("The case pool")
def import_cases(text: str, *, now: datetime) -> int:
    """Import every row, or nothing if any row has a problem (check with preview first)."""
    checked = preview(text)
    if not checked.ready:
        raise ValueError("The cases have problems: check them first")
    teams = {name.lower(): tid for tid, name in db.session.execute(select(Team.id, Team.name))}
    people = {name.lower(): pid for pid, name in db.session.execute(select(Person.id, Person.name))}
    for row in checked.rows:
        v = row.values
        db.session.add(PoolCase(reference=v["reference"], team_id=teams[v["team"].lower()],
                                allocated_worker=v["allocated_worker"], plan_type=v["plan_type"],
                                team_manager_id=people.get(v["team_manager"].lower()),
                                service_manager_id=people.get(v["service_manager"].lower()), added_at=now,
                                **{flag: v[flag].lower() in YES for flag in CASE_FLAGS}))
    return len(checked.rows)
