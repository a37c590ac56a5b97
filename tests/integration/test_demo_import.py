"""The real July 2020 plan, loaded by `flask demo load`: counts, flagged dates, raw text, idempotence."""

import re

from sqlalchemy import func, select

from app.models import (
    Action,
    Area,
    DueKind,
    ImprovementArea,
    Milestone,
    Person,
    PersonKind,
    ProgressUpdate,
    Rating,
    Recommendation,
    RevisionDecision,
)


def load(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def count(db, model, *conditions):
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_demo_load_gives_the_plan_and_is_idempotent(app, db):
    runner = app.test_cli_runner()
    output = load(runner)
    assert "5 areas, 38 actions, 176 milestones" in output
    assert "phil.hayden@council.example" in output
    again = load(runner)
    assert again.startswith("Already loaded")
    assert (count(db, Area), count(db, Action), count(db, Milestone)) == (5, 38, 176)
    assert count(db, Recommendation) == 12
    assert count(db, ImprovementArea) == 35


def test_impossible_and_undecided_dates(app, db):
    load(app.test_cli_runner())
    invalid = db.session.scalars(select(Milestone).where(Milestone.due_problem.is_not(None))).all()
    assert [m.due_raw for m in invalid] == ["31/09/20", "31/09/20"]
    assert all(m.due_on is None and "September 2020 has 30 days" in m.due_problem for m in invalid)
    assert count(db, Milestone, Milestone.due_kind == DueKind.TBD) == 10
    assert count(db, Milestone, Milestone.due_kind == DueKind.PHASED) == 2


def test_rag_cells_become_ratings_set_with_a_reason(app, db):
    load(app.test_cli_runner())
    set_ratings = db.session.scalars(select(Milestone).where(Milestone.rag_set.is_not(None))).all()
    assert len(set_ratings) == 14
    yellow = [m for m in set_ratings if "Yellow" in m.rag_set_reason]
    assert len(yellow) == 4 and all(m.rag_set == Rating.AMBER for m in yellow)


def test_people_groups_and_placeholders(app, db):
    load(app.test_cli_runner())
    placeholders = db.session.scalars(select(Person.name).where(Person.kind == PersonKind.PLACEHOLDER)).all()
    assert sorted(placeholders) == ["Programme Lead to be identified", "TBD"]
    assert count(db, Person, Person.kind == PersonKind.GROUP) == 11
    synthetic = db.session.scalars(select(Person.email).where(Person.email.is_not(None))).all()
    assert all(email.endswith("@council.example") for email in synthetic)


def test_revised_cells_await_a_decision_and_updates_are_signed(app, db):
    from app.models import DueDateRevision

    load(app.test_cli_runner())
    revisions = db.session.scalars(select(DueDateRevision)).all()
    assert len(revisions) == 7
    assert all(r.decision == RevisionDecision.PROPOSED and r.old_on is None for r in revisions)
    assert count(db, ProgressUpdate) == 172
    assert {u.signed_as for u in db.session.scalars(select(ProgressUpdate))} == {"Imported from the July 2020 plan"}


def test_pages_show_flags_and_raw_text(app, db, client, login):
    load(app.test_cli_runner())
    pm = db.session.scalar(select(Person).where(Person.email == "phil.hayden@council.example"))
    client.post("/login", data={"email": pm.email, "password": "demo-password"})
    invalid = db.session.scalar(select(Milestone).where(Milestone.due_problem.is_not(None)))
    page = client.get(f"/actions/{invalid.action_id}").get_data(as_text=True)
    assert "Invalid date" in page and "31/09/20" in page
    tbd = db.session.scalar(select(Milestone).where(Milestone.due_kind == DueKind.TBD))
    page = client.get(f"/milestones/{tbd.id}").get_data(as_text=True)
    assert "To be decided" in page and "As written:" in page and "TBD" in page
    overview = client.get("/plan").get_data(as_text=True)
    assert len(re.findall(r'data-area="\d\.0"', overview)) == 5


def test_renaming_the_plan_does_not_make_the_demo_load_it_again(app, db):
    from app.models import Plan

    load(app.test_cli_runner())
    plan = db.session.scalar(select(Plan))
    plan.title, plan.revision = "Improvement Plan", "Revised September 2020"
    db.session.commit()
    assert load(app.test_cli_runner()).startswith("Already loaded")
    assert count(db, Plan) == 1


def test_latest_update_dates_match_the_updates(app, db):
    load(app.test_cli_runner())
    latest = dict(db.session.execute(select(ProgressUpdate.milestone_id, func.max(ProgressUpdate.written_on))
                                     .group_by(ProgressUpdate.milestone_id)).all())
    kept = dict(db.session.execute(select(Milestone.id, Milestone.latest_update_on)).all())
    assert kept == {mid: latest.get(mid) for mid in kept}
