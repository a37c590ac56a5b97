"""Synthetic plan and audit data for the benchmarks, bulk-inserted into a SQLite file under bench/results/.

A fixed seed gives the same data every time. At scale 1: 500 people, one plan with 8 areas, 2,000 actions,
20,000 milestones, 100,000 progress updates, 3,000 due-date revisions and 5,000 change records; and 24 monthly
audit rounds (July 2019 to June 2021) with 20,000 case-file audits of 12,000 pool cases by 60 auditors: every
started audit has all 68 standards answered and its 9 elements graded (about 1.35 million answers), a fifth of
the submitted ones are moderated, with SMART recommendations and learning points. Four people can sign in
(password PASSWORD): "Bench Owner" (viewer, owns or leads about 75 milestones), "Bench Manager" (programme
manager), "Bench Administrator" (for People) and "Bench Auditor" (auditor, with an audit in progress on case
BENCH_CASE). Action 1 is the large
action page: 10 milestones and about 400 updates.

    .venv/bin/python -m bench.generate [--scale 0.1] [--regenerate]
"""

import argparse
import calendar
import hashlib
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from typing import NamedTuple
from unittest.mock import patch

import flask_migrate
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import bindparam, create_engine, func, insert, inspect, select, text, update
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.models import (
    Action,
    Answer,
    Area,
    Audit,
    AuditAnswer,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    AuditState,
    ChangeRecord,
    DeliveryType,
    DueDateRevision,
    DueKind,
    Grade,
    LearningPoint,
    Milestone,
    MilestoneStatus,
    Moderation,
    ModerationGrade,
    Person,
    PersonKind,
    Plan,
    PoolCase,
    ProgressUpdate,
    RagKeyEntry,
    Rating,
    RecommendationStatus,
    Report,
    ReportKind,
    ReportState,
    RevisionDecision,
    RevisionReason,
    Role,
    RoundKind,
    RoundSelection,
    SmartRecommendation,
    Team,
)
from app.models.audits import GRADE_ORDER
from app.models.plans import milestone_leads
from app.services.audits import tallies as audit_tallies
from app.services.audits.tool import load_tool
from app.services.plans import facts as milestone_facts
from app.services.plans.due_dates import format_date
from app.services.plans.facts import Window
from app.services.reports import plan_data
from config import TestingConfig

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DATA_VERSION = 10  # bump when the generator changes, so that old files are rebuilt
SEED = 20200731
AS_OF = date(2021, 6, 30)  # the app's "today": due dates run a year either side of it
RELEASED_ON = AS_OF - timedelta(days=28)  # the last board's progress report, released that day
FIRST_DUE, LAST_DUE = date(2020, 7, 1), date(2022, 6, 30)
FIRST_UPDATE = date(2020, 1, 6)
AREA_COUNT = 8
BENCH_ACTION_ID = 1
PASSWORD = "bench-password"


class BenchLogin(NamedTuple):
    name: str
    email: str
    role: Role


OWNER = BenchLogin("Bench Owner", "owner@bench.example", Role.VIEWER)
MANAGER = BenchLogin("Bench Manager", "manager@bench.example", Role.PROGRAMME_MANAGER)
AUDITOR = BenchLogin("Bench Auditor", "auditor@bench.example", Role.AUDITOR)
QA_LEAD = BenchLogin("QA Moderator 1", "qa1@bench.example", Role.QA_LEAD)  # the first QA moderator signs in
ADMIN = BenchLogin("Bench Administrator", "admin@bench.example", Role.ADMIN)  # the People page

FULL_SIZE = {"people": 500, "actions": 2_000, "milestones": 20_000, "progress_updates": 100_000,
             "due_date_revisions": 3_000, "change_records": 5_000, "pool_cases": 12_000, "audits": 20_000}
# Per-person and per-page sizes scale too, so that an N+1 query would show as a higher count on the large data.
FULL_SHAPE = {"owner_milestones": 75, "manager_milestones": 20, "bench_action_milestones": 10,
              "bench_action_updates": 400, "bench_action_changes": 40, "auditors": 60}

# Audits: 24 monthly rounds; the findings page is measured over all of them.
AUDIT_MONTHS = tuple(date(2019 + (6 + i) // 12, (6 + i) % 12 + 1, 1) for i in range(24))  # July 2019 to June 2021
AUDIT_TEAMS = 20
BENCH_CASE = "CF-BENCH"  # the Bench Auditor's audit in progress: the audit form page

DELIVERABLES = (
    "Audit of case files completed and findings reported to the Improvement Board",
    "New supervision policy agreed, published and briefed to every team manager",
    "Recruitment campaign for permanent social workers launched with the HR business partner",
    "Quality assurance framework refreshed and monthly practice week in place",
    "Performance scorecard for the front door reviewed with partners each month",
)
UPDATES = (
    "Work is progressing as planned; the draft has gone to the Head of Service for comment.",
    "Delayed by staffing pressures in the team; a revised timetable will go to the next board.",
    "Workshops held with practitioners and partners. Feedback is being written up.",
    "Completed the first phase; the second phase starts once the new manager is in post.",
)
CHANGES = (("status", "not_started", "in_progress"), ("status", "in_progress", "complete"),
           ("rag_set", None, "AMBER"), ("deliverable", "Draft wording", "Agreed wording"))
STATUSES = (MilestoneStatus.NOT_STARTED, MilestoneStatus.IN_PROGRESS, MilestoneStatus.COMPLETE)
DECISIONS = (RevisionDecision.PROPOSED, RevisionDecision.ACCEPTED, RevisionDecision.REJECTED)


def sizes(scale: float) -> dict[str, int]:
    return {name: max(3, round(count * scale)) for name, count in (FULL_SIZE | FULL_SHAPE).items()}


def expected_data(scale: float) -> dict:
    size = sizes(scale)
    counts = {table: size[table] for table in FULL_SIZE}
    counts["people"] += AuditGenerator.people_count(size)  # the plan's people, then the audits'
    return {"marker": data_marker(scale)} | counts


def data_marker(scale: float) -> str:
    return f"bench data v{DATA_VERSION}, seed {SEED}, scale {scale:g}"


class BenchDatabase:
    """Where one scale's bench data lives: an SQLite file in bench/results, or, for "postgresql", a database named
    for the scale (bench_scale_1, bench_scale_0_1) on the server BENCH_POSTGRES_URL names (any database of it the
    role may connect to; the role needs CREATEDB). Benches that write work on a scratch copy."""

    def __init__(self, scale: float, backend: str = "sqlite"):
        self.scale, self.backend = scale, backend

    @property
    def name(self) -> str:
        return f"bench_scale_{self.scale:g}".replace(".", "_")

    @property
    def url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{RESULTS_DIR / f'bench-scale-{self.scale:g}.sqlite'}"
        return self._server().set(database=self.name).render_as_string(hide_password=False)

    def exists(self) -> bool:
        if self.backend == "sqlite":
            return Path(make_url(self.url).database).exists()
        with self._admin() as connection:
            return bool(connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                          {"name": self.name}))

    def wipe(self) -> None:
        """Delete the data, so it can be generated again (every web connection to it must be closed first)."""
        if self.backend == "sqlite":
            path = Path(make_url(self.url).database)
            for stale in path.parent.glob(path.name + "*"):  # the database and its -wal and -shm files
                stale.unlink()
            return
        with self._admin() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))

    @contextmanager
    def scratch_copy(self) -> Iterator[str]:
        """The URL of a copy of this data, deleted afterwards."""
        if self.backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                copy = Path(folder) / "scratch.sqlite"
                shutil.copyfile(make_url(self.url).database, copy)
                yield f"sqlite:///{copy}"
            return
        scratch = f"{self.name}_scratch"
        with self._admin() as connection:  # a template may have no other connection while it is copied
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                               {"name": self.name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{scratch}" TEMPLATE "{self.name}"'))
        try:
            yield self._server().set(database=scratch).render_as_string(hide_password=False)
        finally:
            with self._admin() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))

    @staticmethod
    def _server():
        return make_url(os.environ["BENCH_POSTGRES_URL"])

    @contextmanager
    def _admin(self):
        engine = create_engine(self._server(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()


def create_bench_app(url: str) -> Flask:
    """The app in its testing configuration, on the bench database at `url`, with "today" fixed at AS_OF."""
    os.environ["TEST_DATABASE_URL"] = url
    # config.py reads TEST_DATABASE_URL once, on import, so set the class attribute for this app as well.
    with patch.object(TestingConfig, "SQLALCHEMY_DATABASE_URI", url):
        app = create_app("testing")
    app.config["AS_OF_DATE"] = AS_OF
    return app


def bench_app(scale: float = 1.0, regenerate: bool = False, backend: str = "sqlite") -> tuple[Flask, float | None]:
    """The app on this scale's bench database and the seconds spent generating it (None when it was reused)."""
    database = BenchDatabase(scale, backend)
    RESULTS_DIR.mkdir(exist_ok=True)
    if not database.exists():
        database.wipe()  # on PostgreSQL: creates the empty database
    app = create_bench_app(database.url)
    where = f"{database.name} on {backend}"
    with app.app_context():
        if not regenerate and schema_is_current() and current_data() == expected_data(scale):
            print(f"Reusing {where}; pass --regenerate to rebuild it")
            return app, None
        db.session.remove()  # let go of the old data before deleting it
        db.engine.dispose()
        database.wipe()
        seconds = generate(scale)
        print(f"Generated {where} in {seconds:.1f} s: {current_data()}")
    return app, seconds


def schema_is_current() -> bool:
    """Whether the file's schema is at the newest migration (an older file is rebuilt, not reused)."""
    head = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_current_head()
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head


def current_data() -> dict:
    if not inspect(db.engine).has_table("plans"):
        return {}
    counts = {table: db.session.scalar(select(func.count()).select_from(db.metadata.tables[table])) for table in FULL_SIZE}
    return {"marker": db.session.scalar(select(Plan.revision).limit(1))} | counts


def generate(scale: float) -> float:
    """Build the schema through the migrations and write the data. Needs an app context."""
    started = perf_counter()
    RESULTS_DIR.mkdir(exist_ok=True)
    flask_migrate.upgrade()
    Generator(scale).write()
    audit_tallies.recount_all()  # the audits were written in bulk, so count the findings' totals once at the end
    _release_reports()
    milestone_facts.work_out_all(Window.configured(AS_OF))  # and the milestones' facts
    _continue_id_sequences()
    db.session.commit()
    _analyse()
    return perf_counter() - started


def _release_reports() -> None:
    """The reports a live service has released by the bench's today:
    - the plan's progress report as at RELEASED_ON, released that day, as a board's would be: the overview compares
      with it (completed, rated better or worse, revised dates and updates since), as every live plan's does. Its
      figures are the report's own (plan_data.gather, from the facts as at that day);
    - last month's audit report, which the scheduler made on the month's first working day and QA leads released,
      so the reminder run does not make it again as a catch-up.
    Their documents are left empty: no bench opens them."""
    window = Window.configured(RELEASED_ON)
    milestone_facts.work_out_all(window)
    plan = db.session.scalar(select(Plan))
    last_month = (AS_OF.replace(day=1) - timedelta(days=1)).replace(day=1)
    db.session.add_all([
        _released(ReportKind.PLAN_PROGRESS, f"{plan.title}: progress update", RELEASED_ON,
                  plan_data.gather(plan, window), plan_id=plan.id),
        _released(ReportKind.AUDIT_MONTHLY, f"Case-file audits: {last_month:%B %Y}", AS_OF.replace(day=3), {},
                  month=last_month)])
    db.session.flush()


def _released(kind: ReportKind, title: str, on: date, data: dict, **which) -> Report:
    at = datetime.combine(on, time(10))
    return Report(kind=kind, title=title, as_at=on, data=data, document=b"", generated_at=at,
                  document_sha256=hashlib.sha256(b"").hexdigest(), state=ReportState.RELEASED, released_at=at, **which)


def _analyse() -> None:
    """Gather the planner's statistics now, as a live service has them (PostgreSQL's autovacuum soon after a bulk
    load; on SQLite the scheduler's `PRAGMA optimize`): without them the planner guesses how many milestones match a
    filter, and the bench would measure its guesses."""
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def _continue_id_sequences() -> None:
    """On PostgreSQL, start each table's id sequence after the ids the generator numbered itself."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                    f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))


class Generator:
    """Builds each table's rows as dicts, numbering the ids itself so rows can refer to each other."""

    def __init__(self, scale: float):
        self.rng = random.Random(SEED)
        self.scale = scale
        self.size = sizes(scale)
        self.names: dict[int, str] = {}
        self.individuals: list[int] = []  # may own work and write updates (the two logins are placed by hand)
        self.others: list[int] = []  # groups and placeholders
        self.milestones: list[dict] = []
        self.extra_leads: list[dict] = []

    def write(self) -> None:
        steps = ((Person, self.people), (Plan, self.plan), (RagKeyEntry, self.rag_key), (Area, self.areas),
                 (Action, self.actions), (Milestone, self.milestone_rows), (milestone_leads, self.leads),
                 (ProgressUpdate, self.updates), (DueDateRevision, self.revisions), (ChangeRecord, self.change_records))
        for target, build in steps:  # Core inserts into the tables: about 3x faster than ORM bulk inserts here
            db.session.execute(insert(getattr(target, "__table__", target)), build())
        latest = (select(func.max(ProgressUpdate.written_on)).where(ProgressUpdate.milestone_id == Milestone.id)
                  .scalar_subquery())
        db.session.execute(update(Milestone).values(latest_update_on=latest))  # as the app keeps it
        AuditGenerator(self.scale, self.size, first_person_id=self.size["people"] + 1).write()

    # --- People and the plan's structure ---------------------------------------------------------

    def people(self) -> list[dict]:
        rows = [self._login(1, OWNER), self._login(2, MANAGER), self._login(3, ADMIN)]
        rows += [self._person(pid) for pid in range(4, self.size["people"] + 1)]
        self.names = {row["id"]: row["name"] for row in rows}
        return rows

    def _login(self, pid: int, login: BenchLogin) -> dict:
        return _person_row(pid, login.name, PersonKind.INDIVIDUAL, login.email, login.role, generate_password_hash(PASSWORD))

    def _person(self, pid: int) -> dict:
        if pid % 40 == 0:
            self.others.append(pid)
            return _person_row(pid, f"Group {pid:04d}", PersonKind.GROUP)
        if pid % 50 == 0:
            self.others.append(pid)
            return _person_row(pid, f"Placeholder {pid:04d} (to be identified)", PersonKind.PLACEHOLDER)
        self.individuals.append(pid)
        return _person_row(pid, f"Person {pid:04d}", PersonKind.INDIVIDUAL, f"person{pid:04d}@bench.example")

    def plan(self) -> list[dict]:
        return [{"id": 1, "title": "Bench improvement plan", "organisation": "Bench Borough Council",
                 "revision": data_marker(self.scale), "lead_author": "Person 0004",
                 "progress_label": f"Progress as at {format_date(AS_OF)}", "version": 1}]

    def rag_key(self) -> list[dict]:
        return [{"plan_id": 1, "rating": rating, "label": rating.value.title(), "definition": f"{rating.value} work",
                 "synonyms": "", "position": position} for position, rating in enumerate(Rating)]

    def areas(self) -> list[dict]:
        return [{"id": n, "plan_id": 1, "number": str(n), "title": f"Synthetic area {n}", "summary": "",
                 "position": n, "version": 1} for n in range(1, AREA_COUNT + 1)]

    def actions(self) -> list[dict]:
        return [self._action(aid) for aid in range(1, self.size["actions"] + 1)]

    def _action(self, aid: int) -> dict:
        area, position = (aid - 1) % AREA_COUNT + 1, (aid - 1) // AREA_COUNT + 1
        return {"id": aid, "area_id": area, "number": f"{area}.{position}", "position": position,
                "what": f"Action {aid}: improve the quality and consistency of practice", "how": "Service action",
                "delivery_type": self.rng.choice(list(DeliveryType)), "project_code": None, "version": 1}

    # --- Milestones --------------------------------------------------------------------------------

    def milestone_rows(self) -> list[dict]:
        mid = 0
        for action_id, count in enumerate(self._milestones_per_action(), start=1):
            for position in range(1, count + 1):
                mid += 1
                self.milestones.append(self._milestone(mid, action_id, position))
        self._hand_to(1, self.size["owner_milestones"])
        self._hand_to(2, self.size["manager_milestones"])
        return self.milestones

    def _milestones_per_action(self) -> list[int]:
        """5 to 15 milestones an action (the bench action has its own size), adding up to the milestone total."""
        others = self.size["actions"] - 1
        counts = [self.size["bench_action_milestones"]] + [self.rng.randint(5, 15) for _ in range(others)]
        while excess := sum(counts) - self.size["milestones"]:
            index = self.rng.randint(1, others)
            counts[index] = max(1, counts[index] - (1 if excess > 0 else -1))
        return counts

    def _milestone(self, mid: int, action_id: int, position: int) -> dict:
        kind, due_on, raw, note, problem = self._due()
        status, completed_on = self._status(due_on)
        return {"id": mid, "action_id": action_id, "position": position,
                "sub_action": f"Sub-action {position}" if position % 4 == 1 else None,
                "deliverable": f"Deliverable {mid}: {self.rng.choice(DELIVERABLES)}",
                "responsible_id": self._responsible(), "status": status, "completed_on": completed_on,
                "due_kind": kind, "due_on": due_on, "due_raw": raw, "due_note": note, "due_problem": problem,
                "version": 1, **self._rating()}

    def _due(self) -> tuple:
        """A mix of exact dates, months, TBD, ongoing work and dates that do not exist."""
        roll = self.rng.random()
        if roll < 0.10:
            return DueKind.TBD, None, "TBD", "Awaiting the service redesign", None
        if roll < 0.20:
            on = self._due_day() if roll < 0.17 else None
            return DueKind.ONGOING, on, f"{format_date(on)} and ongoing" if on else "Ongoing", "", None
        if roll < 0.45:
            on = _month_end(self._due_day())
            return DueKind.MONTH, on, on.strftime("%B %Y"), "", None
        if roll < 0.46:
            return DueKind.DATE, None, "31/09/2021", "", "31/09/2021 is not a calendar date: September 2021 has 30 days"
        on = self._due_day()
        return DueKind.DATE, on, format_date(on), "", None

    def _due_day(self) -> date:
        return FIRST_DUE + timedelta(days=self.rng.randint(0, (LAST_DUE - FIRST_DUE).days))

    def _status(self, due_on: date | None) -> tuple[MilestoneStatus, date | None]:
        past_due = due_on is not None and due_on < AS_OF
        status = self.rng.choices(STATUSES, (15, 35, 50) if past_due else (40, 50, 10))[0]
        if status != MilestoneStatus.COMPLETE:
            return status, None
        return status, min(AS_OF, (due_on or AS_OF) + timedelta(days=self.rng.randint(-60, 10)))

    def _responsible(self) -> int | None:
        roll = self.rng.random()
        if roll < 0.02:
            return None
        return self.rng.choice(self.others if roll < 0.05 else self.individuals)

    def _rating(self) -> dict:
        if self.rng.random() >= 0.05:
            return {"rag_set": None, "rag_set_reason": None, "rag_set_by_id": None, "rag_set_at": None}
        return {"rag_set": self.rng.choice((Rating.RED, Rating.AMBER, Rating.GREEN)),
                "rag_set_reason": "Rated by the service lead after the Improvement Board review",
                "rag_set_by_id": self.rng.choice(self.individuals), "rag_set_at": datetime.combine(AS_OF, time(10))}

    def _hand_to(self, pid: int, count: int) -> None:
        """Make a bench login responsible for about half of `count` milestones and a lead on the rest."""
        chosen = self.rng.sample(self.milestones, count)
        for milestone in chosen[: count // 2 + 1]:
            milestone["responsible_id"] = pid
        self.extra_leads += [{"milestone_id": milestone["id"], "person_id": pid} for milestone in chosen[count // 2 + 1:]]

    def leads(self) -> list[dict]:
        pool = self.individuals + self.others
        rows = [{"milestone_id": milestone["id"], "person_id": pid}
                for milestone in self.milestones for pid in self.rng.sample(pool, self.rng.randint(1, 3))]
        return rows + self.extra_leads

    # --- Activity ----------------------------------------------------------------------------------

    def updates(self) -> list[dict]:
        """The bench action gets its own share; other milestones get uneven shares (about 5% get none)."""
        bench, others = self._split_bench_action()
        bench_count = self.size["bench_action_updates"]
        weights = [0.05 + self.rng.random() for _ in others]
        targets = self.rng.choices(bench, k=bench_count)
        targets += self.rng.choices(others, weights, k=self.size["progress_updates"] - bench_count)
        return [self._update(uid, milestone) for uid, milestone in enumerate(targets, start=1)]

    def _update(self, uid: int, milestone: dict) -> dict:
        written_on = self._recent_day()
        author = self.rng.choice(self.individuals)
        return {"id": uid, "milestone_id": milestone["id"], "written_on": written_on,
                "body": f"Update {uid}. {self.rng.choice(UPDATES)}", "author_id": author, "signed_as": self.names[author],
                "created_at": datetime.combine(written_on, time(9)) + timedelta(minutes=uid % 480)}

    def _recent_day(self) -> date:
        """Mostly recent: a mean of 90 days before AS_OF, none before FIRST_UPDATE."""
        return max(FIRST_UPDATE, AS_OF - timedelta(days=int(self.rng.expovariate(1 / 90))))

    def revisions(self) -> list[dict]:
        """One revision each for dated milestones, including every dated one in the bench action; 20% pending."""
        bench, others = self._split_bench_action(lambda m: m["due_on"] is not None and m["due_kind"] != DueKind.ONGOING)
        chosen = bench + self.rng.sample(others, self.size["due_date_revisions"] - len(bench))
        return [self._revision(rid, milestone) for rid, milestone in enumerate(chosen, start=1)]

    def _revision(self, rid: int, milestone: dict) -> dict:
        decision = self.rng.choices(DECISIONS, (20, 70, 10))[0]
        old_on, new_on = self._revision_dates(milestone, decision)
        proposed_at = datetime.combine(min(old_on, AS_OF) - timedelta(days=self.rng.randint(0, 20)), time(14))
        decided = decision != RevisionDecision.PROPOSED
        return {"id": rid, "milestone_id": milestone["id"], "old_kind": DueKind.DATE, "old_on": old_on,
                "old_raw": format_date(old_on), "new_kind": DueKind.DATE, "new_on": new_on, "new_raw": format_date(new_on),
                "reason": self.rng.choice(list(RevisionReason)), "proposed_at": proposed_at,
                "reason_text": "The team lost two managers and the work was re-planned",
                "proposed_by_id": self.rng.choice(self.individuals), "decision": decision,
                "decided_by_id": 2 if decided else None, "decided_at": proposed_at + timedelta(days=3) if decided else None,
                "decision_note": ""}

    def _revision_dates(self, milestone: dict, decision: RevisionDecision) -> tuple[date, date]:
        """Proposed and accepted revisions moved the milestone to its date; a rejected one left it where it was."""
        moved = timedelta(days=self.rng.randint(30, 120))
        if decision == RevisionDecision.REJECTED:
            return milestone["due_on"], milestone["due_on"] + moved
        return milestone["due_on"] - moved, milestone["due_on"]

    def change_records(self) -> list[dict]:
        bench, _ = self._split_bench_action()
        targets = self.rng.choices(bench, k=self.size["bench_action_changes"])
        targets += self.rng.choices(self.milestones, k=self.size["change_records"] - len(targets))
        return [self._change(cid, milestone) for cid, milestone in enumerate(targets, start=1)]

    def _change(self, cid: int, milestone: dict) -> dict:
        field, old, new = self.rng.choice(CHANGES)
        return {"id": cid, "entity_type": "milestone", "entity_id": milestone["id"], "action_id": milestone["action_id"],
                "field": field, "old_value": old, "new_value": new, "changed_by_id": self.rng.choice(self.individuals),
                "changed_at": datetime.combine(self._recent_day(), time(11)) + timedelta(minutes=cid % 300)}

    def _split_bench_action(self, keep=lambda milestone: True) -> tuple[list[dict], list[dict]]:
        kept = [milestone for milestone in self.milestones if keep(milestone)]
        bench = [milestone for milestone in kept if milestone["action_id"] == BENCH_ACTION_ID]
        return bench, [milestone for milestone in kept if milestone["action_id"] != BENCH_ACTION_ID]


class AuditGenerator:
    """Case-file audits: teams, auditors and managers (people after the plan's), the pool, 24 monthly rounds and
    their audits with everything recorded. Ids are numbered here; answers are written in chunks to keep memory low."""

    NO_RATE = (0.10, 0.15, 0.17, 0.14, 0.10, 0.12, 0.21, 0.23, 0.14)  # by element, as in the demo
    CHUNK = 1_000  # audits per batch of answers

    def __init__(self, scale: float, size: dict[str, int], first_person_id: int):
        self.rng = random.Random(SEED + 1)  # its own stream: the plan data stays as it was
        self.size = size
        self.first_person_id = first_person_id
        self.elements: list[tuple[int, list[int]]] = []  # element id, its standard ids
        self.team_of: dict[int, int] = {}  # person id → team id
        self.auditors: list[int] = []
        self.managers: dict[int, tuple[int, int]] = {}  # team id → (team manager, service manager)
        self.moderators: list[int] = []
        self.cases: list[dict] = []
        self.audits: list[dict] = []
        self.bench_auditor = first_person_id

    def write(self) -> None:
        tool, _ = load_tool(now=datetime.combine(AUDIT_MONTHS[0], time(9)))
        self.tool_id = tool.id
        self.elements = [(element.id, [standard.id for standard in element.standards]) for element in tool.elements]
        steps = ((Team, self.teams), (Person, self.people), (PoolCase, self.pool), (AuditRound, self.rounds),
                 (Audit, self.audit_rows), (RoundSelection, self.selections), (AuditRecord, self.records),
                 (AuditElementGrade, self.element_grades), (Moderation, self.moderations),
                 (ModerationGrade, self.moderation_grades), (SmartRecommendation, self.recommendations),
                 (LearningPoint, self.learning_points))
        for model, build in steps:
            db.session.execute(insert(model.__table__), build())
        columns = ("audit_id", "standard_id", "answer")
        if db.engine.dialect.name == "postgresql":  # 1.35 million rows: COPY, the fastest way in
            driver = db.session.connection().connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(f"COPY audit_answers ({', '.join(columns)}) FROM STDIN") as copy:
                for rows in self.answers():
                    for row in rows:
                        copy.write_row(row)
            return
        statement = str(insert(AuditAnswer.__table__).values({column: bindparam(column) for column in columns})
                        .compile(db.engine))  # INSERT INTO audit_answers (audit_id, standard_id, answer) VALUES (?, ?, ?)
        for rows in self.answers():  # 1.35 million rows: straight to the driver as tuples, about 3x faster
            db.session.connection().exec_driver_sql(statement, rows)

    # --- Who --------------------------------------------------------------------------------------------

    @staticmethod
    def people_count(size: dict[str, int]) -> int:
        """The Bench Auditor and the other auditors, service and team managers, and three QA moderators."""
        return size["auditors"] + AUDIT_TEAMS // 4 + AUDIT_TEAMS + 3

    def teams(self) -> list[dict]:
        return [{"id": tid, "name": f"Synthetic team {tid:02d}", "version": 1} for tid in range(1, AUDIT_TEAMS + 1)]

    def people(self) -> list[dict]:
        pid = self.first_person_id
        login = _person_row(pid, AUDITOR.name, PersonKind.INDIVIDUAL, AUDITOR.email, AUDITOR.role,
                            generate_password_hash(PASSWORD))
        rows = [login | {"team_id": 1}]
        self.team_of[pid] = 1
        self.auditors.append(pid)
        for n in range(1, self.size["auditors"]):
            pid += 1
            team = n % AUDIT_TEAMS + 1
            rows.append(_person_row(pid, f"Auditor {n:03d}", PersonKind.INDIVIDUAL, f"auditor{n:03d}@bench.example",
                                    Role.AUDITOR) | {"team_id": team})
            self.team_of[pid] = team
            self.auditors.append(pid)
        service_managers = []
        for n in range(1, AUDIT_TEAMS // 4 + 1):
            pid += 1
            rows.append(_person_row(pid, f"Service Manager {n:02d}", PersonKind.INDIVIDUAL, f"sm{n:02d}@bench.example"))
            service_managers.append(pid)
        for team in range(1, AUDIT_TEAMS + 1):
            pid += 1
            rows.append(_person_row(pid, f"Team Manager {team:02d}", PersonKind.INDIVIDUAL, f"tm{team:02d}@bench.example")
                        | {"team_id": team})
            self.managers[team] = (pid, service_managers[(team - 1) // 4])
        for n in range(1, 4):
            pid += 1
            rows.append(_person_row(pid, f"QA Moderator {n}", PersonKind.INDIVIDUAL, f"qa{n}@bench.example", Role.QA_LEAD,
                                    generate_password_hash(PASSWORD) if n == 1 else None))
            self.moderators.append(pid)
        return rows

    def pool(self) -> list[dict]:
        plan_types = ("Child in Need", "Child Protection", "Child in Care", "Pathway Plan", "No current Plan", "Closed")
        added = datetime.combine(AUDIT_MONTHS[0] - timedelta(days=30), time(9))
        for cid in range(1, self.size["pool_cases"] + 1):
            team = self.rng.randint(1, AUDIT_TEAMS)
            plan_type = self.rng.choices(plan_types, (30, 25, 25, 8, 7, 5))[0]
            self.cases.append({
                "id": cid, "reference": BENCH_CASE if cid == 1 else f"CF-{100_000 + cid}", "team_id": 2 if cid == 1 else team,
                "allocated_worker": f"Worker {team:02d}-{cid % 7}", "team_manager_id": self.managers[team][0],
                "service_manager_id": self.managers[team][1], "plan_type": plan_type, "closed_recently": plan_type == "Closed",
                "step_up": self.rng.random() < 0.1, "neglect": self.rng.random() < 0.3, "under_two": self.rng.random() < 0.1,
                "domestic_abuse": self.rng.random() < 0.25, "added_at": added})
        self.cases[0] |= {"team_manager_id": self.managers[2][0], "service_manager_id": self.managers[2][1]}
        return self.cases

    # --- Rounds and audits ------------------------------------------------------------------------------

    def rounds(self) -> list[dict]:
        per_round = self.size["audits"] / len(AUDIT_MONTHS)
        self.round_sizes = [round(per_round * (n + 1)) - round(per_round * n) for n in range(len(AUDIT_MONTHS))]
        return [{"id": rid, "kind": RoundKind.ROUTINE, "month": month, "title": f"Routine audit {month:%B %Y}", "theme": None,
                 "selection_criteria": "All cases in the pool", "sample_size": self.round_sizes[rid - 1], "seed": SEED + rid,
                 "created_by_id": self.moderators[0], "created_at": datetime.combine(month, time(9)), "version": 1}
                for rid, month in enumerate(AUDIT_MONTHS, start=1)]

    def audit_rows(self) -> list[dict]:
        aid = 0
        last = len(AUDIT_MONTHS)
        for rid, (month, count) in enumerate(zip(AUDIT_MONTHS, self.round_sizes, strict=True), start=1):
            cases = self.rng.sample(self.cases[1:], count)
            if rid == last:
                cases[0] = self.cases[0]  # the Bench Auditor's audit in progress
            for position, case in enumerate(cases):
                aid += 1
                auditor = self.bench_auditor if rid == last and position == 0 else self._auditor(case["team_id"])
                state = self._state(rid == last)
                if rid == last and position == 0:
                    state = AuditState.IN_PROGRESS
                allocated_at = datetime.combine(month + timedelta(days=1), time(9)) + timedelta(minutes=position)
                completed_on = submitted_at = None
                if state == AuditState.SUBMITTED:
                    completed_on = min(allocated_at.date() + timedelta(days=self.rng.randint(5, 30)), AS_OF)
                    submitted_at = datetime.combine(completed_on, time(16))
                self.audits.append({"id": aid, "round_id": rid, "case_id": case["id"], "tool_id": self.tool_id,
                                    "auditor_id": auditor, "state": state, "allocated_by_id": self.moderators[0],
                                    "allocated_at": allocated_at, "allocation_override_reason": None,
                                    "completed_on": completed_on, "submitted_at": submitted_at, "version": 1,
                                    "position": position, "quality": self.rng.lognormvariate(0, 0.55),
                                    "team_id": case["team_id"], "month": month})
        self._moderate()
        return [{key: value for key, value in row.items() if key not in ("position", "quality", "team_id", "month", "grades",
                                                                          "overall")}
                for row in self.audits]

    def _auditor(self, team: int) -> int:
        while True:
            auditor = self.rng.choice(self.auditors)
            if self.team_of[auditor] != team:  # never an auditor from the case's own team
                return auditor

    def _state(self, latest: bool) -> AuditState:
        roll = self.rng.random()
        if latest:
            return AuditState.ALLOCATED if roll < 0.15 else AuditState.IN_PROGRESS if roll < 0.3 else AuditState.SUBMITTED
        return AuditState.IN_PROGRESS if roll < 0.03 else AuditState.SUBMITTED

    def _moderate(self) -> None:
        """Grades for every started audit, then a fifth of the submitted ones moderated (15% of grades changed)."""
        self.moderation_rows, self.moderation_grade_rows = [], []
        for audit in self.audits:
            if audit["state"] == AuditState.ALLOCATED:
                continue
            audit["grades"] = [self._grade(audit["quality"] * rate) for rate in self.NO_RATE]
            audit["overall"] = GRADE_ORDER[sorted(GRADE_ORDER.index(g) for g in audit["grades"])[4]]
            if audit["state"] != AuditState.SUBMITTED or self.rng.random() >= 0.2:
                continue
            mid = len(self.moderation_rows) + 1
            selected_at = audit["submitted_at"] + timedelta(days=self.rng.randint(2, 10))
            completed = self.rng.random() < 0.9
            changed = [self._moderated(grade) for grade in audit["grades"]]
            overall = GRADE_ORDER[sorted(GRADE_ORDER.index(g) for g in changed)[4]]
            self.moderation_rows.append({
                "id": mid, "audit_id": audit["id"], "moderator_id": self.rng.choice(self.moderators),
                "selected_by_id": self.moderators[0], "selected_at": selected_at, "seed": SEED,
                "overall_grade": overall if completed else None,
                "overall_reason": "Follows the moderated element grades" if completed and overall != audit["overall"] else "",
                "completed_at": selected_at + timedelta(days=2) if completed else None, "version": 1})
            if completed:
                audit["state"] = AuditState.MODERATED
                self.moderation_grade_rows += [
                    {"moderation_id": mid, "element_id": eid, "original_grade": original, "grade": grade,
                     "reason": "The evidence on file supports another grade" if grade != original else ""}
                    for (eid, _), original, grade in zip(self.elements, audit["grades"], changed, strict=True)]

    def _grade(self, no_rate: float) -> Grade:
        share = min(0.9, no_rate * self.rng.uniform(0.3, 1.7))
        return GRADE_ORDER[0 if share < 0.05 else 1 if share < 0.2 else 2 if share < 0.4 else 3]

    def _moderated(self, grade: Grade) -> Grade:
        if self.rng.random() >= 0.15:
            return grade
        at = GRADE_ORDER.index(grade)
        return GRADE_ORDER[at + 1 if at == 0 or (at < 3 and self.rng.random() < 0.6) else at - 1]

    def selections(self) -> list[dict]:
        return [{"round_id": audit["round_id"], "case_id": audit["case_id"], "position": audit["position"]}
                for audit in self.audits]

    def records(self) -> list[dict]:
        rows = []
        for audit in self.audits:
            if audit["state"] == AuditState.ALLOCATED:
                continue
            done = audit["state"] != AuditState.IN_PROGRESS
            case = self.cases[audit["case_id"] - 1]
            rows.append({"audit_id": audit["id"], "allocated_worker": case["allocated_worker"],
                         "team_manager": f"Team Manager {case['team_id']:02d}",
                         "service_team": f"Synthetic team {case['team_id']:02d}",
                         "gender": self.rng.choice(("Female", "Male")), "age": self.rng.randint(0, 17),
                         "ethnicity": "White British", "primary_language": "English", "plan_types": case["plan_type"],
                         "case_overview": "Synthetic case for the benchmarks.",
                         "overall_grade": audit["overall"] if done else None,
                         "summary": "Synthetic summary of the reasons for the overall grade." if done else "",
                         "completed_with_worker": (self.rng.random() < 0.8) if done else None,
                         "sent_to_team_manager_on": audit["completed_on"]})
        return rows

    def element_grades(self) -> list[dict]:
        return [{"audit_id": audit["id"], "element_id": eid, "grade": grade, "comment": "Synthetic comment."}
                for audit in self.audits if "grades" in audit
                for (eid, _), grade in zip(self.elements, audit["grades"], strict=True)]

    def moderations(self) -> list[dict]:
        return self.moderation_rows

    def moderation_grades(self) -> list[dict]:
        return self.moderation_grade_rows

    def recommendations(self) -> list[dict]:
        """About two for each started audit (three for the bench audit), owned by the case's team manager."""
        rows = []
        for audit in self.audits:
            if "grades" not in audit:
                continue
            case = self.cases[audit["case_id"] - 1]
            start = audit["completed_on"] or audit["allocated_at"].date() + timedelta(days=10)
            count = 3 if audit["case_id"] == 1 else self.rng.randint(0, 4)
            for position in range(count):
                due_on = start + timedelta(days=self.rng.choice((14, 28, 42, 56)))
                roll = self.rng.random()
                status, done_on = RecommendationStatus.OPEN, None
                if due_on < AS_OF and roll < 0.8:
                    status, done_on = RecommendationStatus.DONE, min(due_on, AS_OF)
                elif due_on < AS_OF and roll < 0.85:
                    status = RecommendationStatus.CANCELLED
                rows.append({"audit_id": audit["id"], "position": position,
                             "what": "Update the chronology and case summary",
                             "how": "Within 15 working days, with the child's views",
                             "owner_id": self.managers[case["team_id"]][0], "who": "", "due_on": due_on,
                             "status": status, "done_on": done_on, "version": 1})
        return rows

    def learning_points(self) -> list[dict]:
        rows = []
        for audit in self.audits:
            count = 2 if audit["case_id"] == 1 else int("grades" in audit and self.rng.random() < 0.3)
            rows += [{"audit_id": audit["id"], "position": position, "text": f"Learning point {audit['id']}.{position + 1}: "
                      "chronologies are not kept up to date across teams", "action_id": None} for position in range(count)]
        return rows

    def answers(self):
        """All 68 standards for every started audit, in chunks; more No answers where the element grade is worse."""
        no_rate = {grade: rate for grade, rate in zip(GRADE_ORDER, (0.0, 0.1, 0.3, 0.6), strict=True)}
        random_ = self.rng.random
        rows = []
        for audit in self.audits:
            if "grades" not in audit:
                continue
            aid = audit["id"]
            for (_, standards), grade in zip(self.elements, audit["grades"], strict=True):
                rate = no_rate[grade]
                for sid in standards:
                    roll = random_()
                    answer = Answer.NOT_APPLICABLE if roll < 0.03 else Answer.NO if roll < 0.03 + rate else Answer.YES
                    rows.append((aid, sid, answer.value))
            if len(rows) >= self.CHUNK * 68:
                yield rows
                rows = []
        if rows:
            yield rows


def _person_row(pid: int, name: str, kind: PersonKind, email: str | None = None, role: Role = Role.VIEWER,
                password_hash: str | None = None) -> dict:
    return {"id": pid, "name": name, "kind": kind, "email": email, "job_title": None, "organisation": None,
            "team_id": None, "role": role, "password_hash": password_hash, "active": True, "last_login_at": None}


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full-size data set (default 1)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the file even if it has the right data")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                        help="where: an SQLite file, or PostgreSQL on the server BENCH_POSTGRES_URL names")
    args = parser.parse_args()
    bench_app(args.scale, args.regenerate, args.backend)


if __name__ == "__main__":
    main()
