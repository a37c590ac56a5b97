"""Each milestone's stored facts and each action's tallies (services/plans/facts.py) must always say what the rules
say about the milestones as they are now: after every kind of change, on any day, and the first time they are read.
The expectation here is worked out afresh from the milestones themselves with the RAG rule (rag.suggest)."""

import itertools
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, text

from app.models import (
    ActionTally,
    Area,
    DueDateRevision,
    DueKind,
    FactsDate,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneFacts,
    MilestoneStatus,
    PersonKind,
    Rating,
    RevisionDecision,
    RevisionReason,
    Role,
)
from app.scheduler import build_scheduler
from app.services.plans import changes, rag
from app.services.plans import facts as milestone_facts
from app.services.plans.queries import PlanFilters, Window, milestone_rows, plan_overview
from app.services.reports import snapshots
from app.services.reports.plan_report import ALL_FIELDS
from tests.conftest import NOW, TODAY

DUE_DATES = [None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1)]
UPDATED = [None, TODAY - timedelta(days=31), TODAY - timedelta(days=30)]
PROBLEMS = [None, "31/09/20 is not a calendar date"]
REVISIONS = [None, RevisionDecision.PROPOSED, RevisionDecision.ACCEPTED, RevisionDecision.REJECTED]
SET_RATINGS = [None, Rating.GREEN]


def expected_facts(milestone: Milestone, today: date) -> dict:
    """The rules, applied now to the milestone as it is: what its stored facts must say."""
    waiting = [revision.old_on for revision in milestone.revisions if revision.decision == RevisionDecision.PROPOSED]
    suggested = rag.suggest(rag.MilestoneFacts(
        status=milestone.status, due_kind=milestone.due_kind, due_on=milestone.due_on,
        due_problem=milestone.due_problem, completed_on=milestone.completed_on,
        pending_revision_from=min(filter(None, waiting), default=None), has_pending_revision=bool(waiting)), today)
    open_work = milestone.status != MilestoneStatus.COMPLETE
    people = [milestone.responsible, *milestone.leads]
    first = min(milestone.revisions, key=lambda revision: revision.id).old_on if milestone.revisions else None
    moved = any(revision.decision != RevisionDecision.REJECTED for revision in milestone.revisions)
    return {
        "rating": rag.effective(suggested.rating, milestone.rag_set),
        "overdue": open_work and milestone.due_on is not None and milestone.due_on < today,
        "stale": open_work and (milestone.latest_update_on is None
                                or milestone.latest_update_on < today - timedelta(days=30)),
        "slipped": bool(milestone.revisions), "awaiting": bool(waiting),
        "unassigned": milestone.responsible is None or milestone.responsible.kind != PersonKind.INDIVIDUAL
        or any(person.kind == PersonKind.PLACEHOLDER for person in people if person),
        "first_due_on": first, "days_later": max((milestone.due_on - first).days, 0) if first and milestone.due_on else 0,
        "revised_passed": moved and open_work and milestone.due_on is not None and milestone.due_on < today,
    }


def stored_facts(db) -> dict[int, dict]:
    names = ("rating", "overdue", "stale", "slipped", "awaiting", "unassigned", "first_due_on", "days_later",
             "revised_passed")
    return {row.milestone_id: {name: getattr(row, name) for name in names}
            for row in db.session.scalars(select(MilestoneFacts))}


def assert_facts_hold(db, plan, today: date) -> None:
    """Read as a page does (which brings the facts to `today`), then compare with the rules applied afresh: each
    milestone's facts, and the overview's counts per area both from the tallies and from the facts themselves."""
    window = Window(today)
    overview = plan_overview(plan, PlanFilters(), window)
    db.session.expire_all()
    milestones = list(db.session.scalars(select(Milestone)))
    expected = {milestone.id: expected_facts(milestone, today) for milestone in milestones}
    assert stored_facts(db) == expected
    for summary in overview.areas:
        mine = [expected[m.id] for m in milestones if m.action.area_id == summary.area.id]
        assert summary.ratings == Counter(facts["rating"] for facts in mine)
        assert (summary.milestones, summary.overdue, summary.stale, summary.slipped, summary.unassigned) == (
            len(mine), *(sum(facts[flag] for facts in mine) for flag in ("overdue", "stale", "slipped", "unassigned")))
        assert (summary.later, summary.days, summary.passed, summary.unknown) == (
            sum(facts["days_later"] > 0 for facts in mine), sum(facts["days_later"] for facts in mine),
            sum(facts["revised_passed"] for facts in mine),
            sum(facts["slipped"] and facts["first_due_on"] is None for facts in mine))
    counted = plan_overview(plan, PlanFilters(search="e"), window)  # a filter: counted from the facts, not tallies
    assert [s.ratings for s in counted.areas] == [s.ratings for s in overview.areas]
    assert {row.id: row.rating for row in milestone_rows(window)} == {mid: f["rating"] for mid, f in expected.items()}


def every_combination(db, action) -> None:
    for due_on, updated, status, problem, revision, rag_set in itertools.product(
            DUE_DATES, UPDATED, list(MilestoneStatus), PROBLEMS, REVISIONS, SET_RATINGS):
        milestone = Milestone(action=action, deliverable="Combination", status=status,
                              completed_on=TODAY if status == MilestoneStatus.COMPLETE else None,
                              due_kind=DueKind.DATE if due_on else DueKind.ONGOING, due_on=due_on,
                              due_problem=problem, latest_update_on=updated,
                              rag_set=rag_set, rag_set_reason="set" if rag_set else None)
        db.session.add(milestone)
        if revision:
            db.session.add(DueDateRevision(milestone=milestone, new_kind=DueKind.DATE, reason=RevisionReason.OTHER,
                                           reason_text="x", proposed_at=NOW, decision=revision,
                                           old_on=None if problem else TODAY - timedelta(days=9)))
    db.session.commit()


def test_every_combination_of_facts_on_the_days_either_side_of_each_limit(db, plan_tree):
    every_combination(db, plan_tree["action"])
    for days in (0, 1, -1, 2, 31, -40, 400, 0):  # forwards, backwards, and back to where it began
        assert_facts_hold(db, plan_tree["plan"], TODAY + timedelta(days=days))
    assert set(stored_facts(db)[m]["rating"] for m in stored_facts(db)) == set(Rating)


def test_facts_follow_every_kind_of_change(db, plan_tree, make_person):
    plan, action, milestone = plan_tree["plan"], plan_tree["action"], plan_tree["milestone"]
    assert_facts_hold(db, plan, TODAY)
    milestone.due_on, milestone.due_raw = TODAY - timedelta(days=3), "28/07/20"  # overdue: Red
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    milestone.rag_set, milestone.rag_set_reason = Rating.AMBER, "Agreed at the board"
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    revision = DueDateRevision(milestone=milestone, new_kind=DueKind.DATE, reason=RevisionReason.OTHER,
                               reason_text="x", proposed_at=NOW, decision=RevisionDecision.PROPOSED,
                               old_on=TODAY - timedelta(days=3))
    db.session.add(revision)
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    revision.decision = RevisionDecision.ACCEPTED
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    milestone.leads = [make_person("To be decided", kind=PersonKind.PLACEHOLDER)]  # unassigned
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    owner = plan_tree["owner"]  # the responsible "person" turns out to be a team
    owner.kind, owner.email, owner.password_hash = PersonKind.GROUP, None, None
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    other = Area(plan=plan, number="2.0", title="Second area", position=1)
    action.area = other  # the action moves, with its milestone
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    second = Milestone(action=action, deliverable="Second", status=MilestoneStatus.COMPLETE, completed_on=TODAY)
    db.session.add(second)
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    db.session.delete(second)  # the product does not delete milestones; an administrator's SQL might
    db.session.commit()
    assert_facts_hold(db, plan, TODAY)
    assert db.session.scalar(select(ActionTally.milestones).where(ActionTally.action_id == action.id)) == 1


def test_facts_read_before_a_commit_include_the_changes_not_yet_committed(db, plan_tree):
    plan_tree["milestone"].status = MilestoneStatus.COMPLETE
    plan_tree["milestone"].completed_on = TODAY
    db.session.flush()
    overview = plan_overview(plan_tree["plan"], PlanFilters(), Window(TODAY))
    assert overview.totals.ratings == Counter({Rating.GREEN: 1})


def test_the_first_read_works_out_every_milestone(db, plan_tree):
    every_combination(db, plan_tree["action"])
    for table in (MilestoneFacts, ActionTally, FactsDate):  # as after the migration that made the tables
        db.session.execute(delete(table))
    db.session.commit()
    assert_facts_hold(db, plan_tree["plan"], TODAY)


def test_a_changed_stale_window_works_out_every_milestone_again(db, plan_tree):
    every_combination(db, plan_tree["action"])
    plan_overview(plan_tree["plan"], PlanFilters(), Window(TODAY, stale_after_days=5))
    stale = sum(facts["stale"] for facts in stored_facts(db).values())
    plan_overview(plan_tree["plan"], PlanFilters(), Window(TODAY))
    assert sum(facts["stale"] for facts in stored_facts(db).values()) < stale
    assert_facts_hold(db, plan_tree["plan"], TODAY)


def test_the_scheduler_works_out_the_new_days_facts_just_after_midnight(app, db, plan_tree):
    job = next(job for job in build_scheduler(app).get_jobs() if job.id == "milestone-facts")
    assert str(job.trigger) == "cron[hour='0', minute='0', second='30']"
    app.config["AS_OF_DATE"] = TODAY + timedelta(days=100)  # the milestone, due 30 September, is now overdue
    job.func()
    assert db.session.scalar(select(FactsDate.as_of)) == TODAY + timedelta(days=100)
    assert stored_facts(db)[plan_tree["milestone"].id]["overdue"] is True


def test_many_milestones_changed_in_one_commit_are_worked_out_a_chunk_at_a_time(db, plan_tree, monkeypatch):
    monkeypatch.setattr(milestone_facts, "CHUNK", 2)  # five milestones: three chunks
    for number in range(5):
        db.session.add(Milestone(action=plan_tree["action"], deliverable=f"Chunked {number}", due_kind=DueKind.DATE,
                                 due_on=TODAY - timedelta(days=number), status=MilestoneStatus.IN_PROGRESS))
    db.session.commit()
    assert_facts_hold(db, plan_tree["plan"], TODAY)


def test_the_scheduler_gathers_sqlites_statistics_for_its_planner(app, db, plan_tree):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum gathers them")
    job = next(job for job in build_scheduler(app).get_jobs() if job.id == "database-statistics")
    job.func()
    analysed = {table for (table,) in db.session.execute(text("SELECT tbl FROM sqlite_stat1"))}
    assert {"milestone_facts", "action_tallies", "milestones"} <= analysed


def test_updates_and_revised_dates_since_the_last_released_report_are_counted_with_the_facts(db, plan_tree,
                                                                                             make_person):
    """The overview's "added since the last released report" is counted per milestone with its facts: updates and
    revised dates added after the release count, those before do not, and a new release starts again from 0."""
    plan, milestone, owner = plan_tree["plan"], plan_tree["milestone"], plan_tree["owner"]
    manager = make_person("Pat Manager", role=Role.PROGRAMME_MANAGER)
    changes.add_update(milestone, body="Before the report", written_on=date(2020, 7, 28), actor=owner,
                       now=datetime(2020, 7, 28, 9), today=date(2020, 7, 28))
    release_progress_report(db, plan, manager, at=datetime(2020, 7, 29, 10))
    assert added_since(db, milestone) == (0, 0)
    for day in (29, 30):
        changes.add_update(milestone, body=f"On the {day}th", written_on=date(2020, 7, day), actor=owner,
                           now=datetime(2020, 7, day, 12), today=TODAY)
    db.session.add(DueDateRevision(milestone=milestone, new_kind=DueKind.DATE, reason=RevisionReason.OTHER,
                                   reason_text="x", proposed_at=datetime(2020, 7, 30, 12),
                                   decision=RevisionDecision.PROPOSED, old_on=milestone.due_on))
    db.session.commit()
    assert added_since(db, milestone) == (2, 1)
    assert db.session.execute(select(ActionTally.updates_since, ActionTally.revised_since)).one() == (2, 1)
    release_progress_report(db, plan, manager, at=datetime(2020, 7, 31, 10))
    assert added_since(db, milestone) == (0, 0)
    assert_facts_hold(db, plan, TODAY)


def added_since(db, milestone: Milestone) -> tuple[int, int]:
    milestone_facts.current(Window(TODAY))
    return tuple(db.session.execute(select(MilestoneFacts.updates_since, MilestoneFacts.revised_since)
                                    .where(MilestoneFacts.milestone_id == milestone.id)).one())


def release_progress_report(db, plan, manager, *, at: datetime) -> None:
    meeting = Meeting(kind=MeetingKind.BOARD, title=f"Board {at:%d %B}", held_on=at.date(),
                      update_deadline=at.date(), report_deadline=at.date())
    db.session.add(meeting)
    db.session.commit()
    details = {field.key: f"{field.label} as written" for field in ALL_FIELDS}
    report = snapshots.generate_plan_report(plan, meeting, details, actor=manager, now=at, today=at.date())
    snapshots.release(report, version=None, checked_warnings=True, actor=manager, now=at)
