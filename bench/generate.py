"""Synthetic plan data for the benchmarks, bulk-inserted into a SQLite file under bench/results/.

A fixed seed gives the same data every time. At scale 1: 500 people, one plan with 8 areas, 2,000 actions,
20,000 milestones, 100,000 progress updates, 3,000 due-date revisions and 5,000 change records. Two people
can sign in (password PASSWORD): "Bench Owner" (viewer, owns or leads about 75 milestones) and "Bench Manager"
(programme manager). Action 1 is the large action page: 10 milestones and about 400 updates.

    .venv/bin/python -m bench.generate [--scale 0.1] [--regenerate]
"""

import argparse
import calendar
import os
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from typing import NamedTuple
from unittest.mock import patch

import flask_migrate
from flask import Flask
from sqlalchemy import func, insert, inspect, select, update
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.models import (
    Action,
    Area,
    ChangeRecord,
    DeliveryType,
    DueDateRevision,
    DueKind,
    Milestone,
    MilestoneStatus,
    Person,
    PersonKind,
    Plan,
    ProgressUpdate,
    RagKeyEntry,
    Rating,
    RevisionDecision,
    RevisionReason,
    Role,
)
from app.models.plans import milestone_leads
from app.services.due_dates import format_date
from config import BASE_DIR, TestingConfig

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DATA_VERSION = 4  # bump when the generator changes, so that old files are rebuilt
SEED = 20200731
AS_OF = date(2021, 6, 30)  # the app's "today": due dates run a year either side of it
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

FULL_SIZE = {"people": 500, "actions": 2_000, "milestones": 20_000, "progress_updates": 100_000,
             "due_date_revisions": 3_000, "change_records": 5_000}
# Per-person and per-page sizes scale too, so that an N+1 query would show as a higher count on the large data.
FULL_SHAPE = {"owner_milestones": 75, "manager_milestones": 20, "bench_action_milestones": 10,
              "bench_action_updates": 400, "bench_action_changes": 40}

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
    return {"marker": data_marker(scale)} | {table: sizes(scale)[table] for table in FULL_SIZE}


def data_marker(scale: float) -> str:
    return f"bench data v{DATA_VERSION}, seed {SEED}, scale {scale:g}"


def database_path(scale: float) -> Path:
    return RESULTS_DIR / f"bench-scale-{scale:g}.sqlite"


def create_bench_app(path: Path) -> Flask:
    """The app in its testing configuration, on the bench database, with "today" fixed at AS_OF."""
    url = f"sqlite:///{path}"
    os.environ["TEST_DATABASE_URL"] = url
    # config.py reads TEST_DATABASE_URL once, on import, so set the class attribute for this app as well.
    with patch.object(TestingConfig, "SQLALCHEMY_DATABASE_URI", url):
        app = create_app("testing")
    app.config["AS_OF_DATE"] = AS_OF
    return app


def bench_app(scale: float = 1.0, regenerate: bool = False) -> tuple[Flask, float | None]:
    """The app on this scale's bench database and the seconds spent generating it (None when the file was reused)."""
    path = database_path(scale)
    app = create_bench_app(path)
    with app.app_context():
        if not regenerate and path.exists() and current_data() == expected_data(scale):
            print(f"Reusing {path.relative_to(BASE_DIR)} (scale {scale:g}); pass --regenerate to rebuild it")
            return app, None
        db.session.remove()  # let go of the old file before deleting it
        db.engine.dispose()
        for stale in path.parent.glob(path.name + "*"):  # the database and its -wal and -shm files
            stale.unlink()
        seconds = generate(scale)
        print(f"Generated {path.relative_to(BASE_DIR)} (scale {scale:g}) in {seconds:.1f} s: {current_data()}")
    return app, seconds


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
    db.session.commit()
    return perf_counter() - started


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

    # --- People and the plan's structure ---------------------------------------------------------

    def people(self) -> list[dict]:
        rows = [self._login(1, OWNER), self._login(2, MANAGER)]
        rows += [self._person(pid) for pid in range(3, self.size["people"] + 1)]
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
                 "revision": data_marker(self.scale), "lead_author": "Person 0003",
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
    args = parser.parse_args()
    bench_app(args.scale, args.regenerate)


if __name__ == "__main__":
    main()
