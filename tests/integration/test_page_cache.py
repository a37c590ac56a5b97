"""The plan overview is drawn once for each version of the plan's data and kept (app/page_cache.py): a visit after
any change to what it shows must show the change, exactly as a page drawn afresh would; visits while nothing has
changed are served the kept page without drawing it again. Today is 31 July 2020."""

import re
import threading
from datetime import date, datetime
from functools import partial

import pytest
from sqlalchemy import func, select

from app.extensions import cache
from app.extensions import db as _db
from app.models import (
    Action,
    ActionTally,
    Area,
    DueKind,
    FactsDate,
    ImprovementArea,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneStatus,
    Person,
    PersonKind,
    Plan,
    ProgressUpdate,
    Rating,
    Recommendation,
    Role,
)
from app.services.plans import changes
from app.services.plans import facts as milestone_facts
from app.services.reports import snapshots
from app.services.reports.plan_report import ALL_FIELDS
from tests.conftest import NOW, PASSWORD, TODAY
from tests.integration.at_once import run_together
from tests.integration.test_milestone_facts import assert_facts_hold
from tests.integration.test_outbox import shared_database  # noqa: F401 (a fixture)

DETAILS = {field.key: f"{field.label} as written" for field in ALL_FIELDS}


@pytest.fixture
def manager(make_person, login):
    person = make_person("Pat Manager", role=Role.PROGRAMME_MANAGER)
    login(person)
    return person


@pytest.fixture
def draws(monkeypatch):
    """How many times the overview's content has been drawn."""
    from app.plans.routes import pages

    counted = {"draws": 0}
    real = pages.plan_dashboard

    def counting(*args, **kwargs):
        counted["draws"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "plan_dashboard", counting)
    return counted


def main_of(client) -> str:
    html = client.get("/plan").get_data(as_text=True)
    return re.search(r"<main.*</main>", html, re.DOTALL).group(0)


def assert_shown_as_drawn_afresh(client) -> str:
    """The overview as the next visitor gets it equals the overview drawn with nothing kept."""
    served = main_of(client)
    cache.clear()
    assert served == main_of(client)
    return served


def version(db) -> int:
    return db.session.scalar(select(FactsDate.version))


def release_a_report(db, plan, manager) -> None:
    meeting = Meeting(kind=MeetingKind.COMMITTEE, title="Scrutiny committee", held_on=date(2020, 7, 30),
                      update_deadline=date(2020, 7, 29), report_deadline=date(2020, 7, 29))
    db.session.add(meeting)
    db.session.commit()
    at = datetime(2020, 7, 30, 10)
    report = snapshots.generate_plan_report(plan, meeting, DETAILS, actor=manager, now=at, today=date(2020, 7, 30))
    snapshots.release(report, version=None, checked_warnings=True, actor=manager, now=at)


def test_after_every_kind_of_change_the_overview_shows_it_as_if_drawn_afresh(client, db, plan_tree, manager):
    plan, area, action, milestone, owner = (plan_tree[key] for key in ("plan", "area", "action", "milestone", "owner"))
    finding = Recommendation(plan=plan, area=area, code="R1", text="Improve management oversight")
    db.session.add(finding)
    db.session.commit()
    release_a_report(db, plan, manager)
    before = assert_shown_as_drawn_afresh(client)

    def edit(change) -> str:
        nonlocal before
        change()
        db.session.commit()
        after = assert_shown_as_drawn_afresh(client)
        changed, before = after != before, after
        return changed

    assert edit(lambda: changes.set_rating(milestone, rating=Rating.RED, reason="Key staff left", version=None,
                                           actor=manager, now=NOW))
    assert edit(lambda: changes.mark_complete(milestone, completed_on=TODAY, version=None, actor=owner, now=NOW,
                                              today=TODAY))
    assert edit(lambda: db.session.add(Milestone(action=action, deliverable="Audit of supervision records",
                                                 responsible=owner, status=MilestoneStatus.NOT_STARTED, due_kind=DueKind.DATE,
                                                 due_on=date(2020, 6, 30), due_raw="30/06/20")))
    assert edit(lambda: setattr(area, "title", "Leadership and oversight"))
    assert edit(lambda: action.recommendations.append(finding))
    assert edit(lambda: setattr(action, "number", "1.9"))
    assert edit(lambda: setattr(finding, "text", "Strengthen management oversight"))
    assert edit(lambda: db.session.add(ImprovementArea(area=area, code="AfI1", text="Timely assessments")))
    def owner_turns_out_to_be_a_team():  # their milestones are unassigned now
        owner.kind, owner.email, owner.password_hash = PersonKind.GROUP, None, None

    assert edit(owner_turns_out_to_be_a_team)
    edit(lambda: setattr(plan, "title", "The plan renamed"))
    edit(lambda: setattr(plan.rag_key[0], "label", "Off track"))
    edit(lambda: changes.add_update(milestone, body="Done and dusted", written_on=TODAY, actor=owner, now=NOW,
                                    today=TODAY))


def test_a_kept_overview_is_served_while_nothing_it_shows_changes(client, db, plan_tree, manager, draws):
    main_of(client)
    kept = version(db)
    for _ in range(3):
        assert client.get("/plan/export.csv").status_code == 200  # recorded in the security event log
        main_of(client)
    assert draws["draws"] == 1
    assert version(db) == kept


def test_signing_in_again_leaves_the_kept_overview(client, db, plan_tree, manager, draws):
    """A sign-in writes the person's last sign-in (a column of people, which the plan's pages show names from, but
    never this): the morning's sign-ins do not each have the overview drawn again."""
    main_of(client)
    kept = version(db)
    client.post("/logout")
    signed_in = client.post("/login", data={"email": manager.email, "password": PASSWORD})
    assert signed_in.status_code == 302 and client.get("/my-work").status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, manager.id).last_login_at is not None  # it was written
    main_of(client)
    assert draws["draws"] == 1
    assert version(db) == kept


def test_a_change_rolled_back_leaves_the_version_and_the_kept_page(client, db, plan_tree, manager, draws):
    shown = main_of(client)
    kept = version(db)
    plan_tree["area"].title = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert version(db) == kept
    assert main_of(client) == shown
    assert draws["draws"] == 1


def test_a_visit_that_has_changed_the_plan_draws_its_page_but_keeps_nothing_for_others(db, plan_tree):
    window = milestone_facts.Window(TODAY)
    assert milestone_facts.current(window) == version(db)
    plan_tree["milestone"].deliverable = "Not yet committed"
    db.session.flush()
    assert milestone_facts.current(window) is None
    db.session.rollback()


def test_each_day_the_overview_is_drawn_again(app, client, db, plan_tree, manager, draws):
    main_of(client)
    app.config["AS_OF_DATE"] = date(2020, 10, 1)  # the milestone due on 30 September is overdue now
    overdue = re.search(r'data-figure="overdue">(.*?)</span>', main_of(client), re.DOTALL).group(1)
    assert "Overdue 1" in overdue
    assert draws["draws"] == 2


def test_a_programme_manager_and_a_viewer_each_get_their_own_page(client, db, plan_tree, manager, make_person, login):
    assert "Edit the RAG key" in main_of(client)
    login(make_person("Vic Viewer", role=Role.VIEWER))
    assert "Edit the RAG key" not in main_of(client)


def test_people_changing_one_action_at_the_same_moment_all_save_and_its_counts_add_up(shared_database):  # noqa: F811
    """Eight owners add updates to their milestones of one action while a programme manager re-rates one of them and
    another rewords the action: ten people at once, each in a thread as on a server. On PostgreSQL (TEST_DATABASE_URL)
    writers queue at the data version's row, taken before any other, so none waits for a row another holds (no
    deadlock), every change is saved, and the action's counts and the facts are those of its milestones."""
    owners = 8
    with shared_database.app_context():
        plan, milestone_ids = _action_of_many_owners(owners)
        kept = version(_db)
    barrier, errors = threading.Barrier(owners + 2), []

    def at_once(change) -> None:
        with shared_database.app_context():
            try:
                barrier.wait()
                change()
                _db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
                barrier.abort()

    def update(n: int):
        milestone = _db.session.get(Milestone, milestone_ids[n])
        changes.add_update(milestone, body=f"Update {n}", written_on=TODAY, actor=milestone.responsible, now=NOW,
                           today=TODAY)

    def rate():
        milestone = _db.session.get(Milestone, milestone_ids[0])
        changes.set_rating(milestone, rating=Rating.RED, reason="Key staff left", version=None,
                           actor=milestone.responsible, now=NOW)

    def reword():
        _db.session.scalar(select(Action)).what = "Reworded at the same moment"

    run_together([partial(at_once, change) for change in (*(partial(update, n) for n in range(owners)), rate, reword)])
    assert errors == []
    with shared_database.app_context():
        assert _db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == owners
        assert _db.session.scalar(select(Action.what)) == "Reworded at the same moment"
        assert version(_db) != kept
        assert_facts_hold(_db, _db.session.get(Plan, plan), TODAY)
        assert _db.session.scalar(select(ActionTally.red)) == 1


def _action_of_many_owners(count: int) -> tuple[int, list[int]]:
    plan = Plan(title="Shared plan", revision="1")
    action = Action(area=Area(plan=plan, number="1.0", title="Area", position=0), number="1.1", what="Act",
                    position=0)
    milestones = [Milestone(action=action, deliverable=f"Deliverable {n}", status=MilestoneStatus.IN_PROGRESS,
                            responsible=Person(name=f"Owner {n}", email=f"owner{n}@test.example"),
                            due_kind=DueKind.DATE, due_on=date(2020, 12, 31), due_raw="31/12/20")
                  for n in range(count)]
    _db.session.add_all([plan, action, *milestones])
    _db.session.flush()
    milestone_facts.work_out_all(milestone_facts.Window(TODAY))
    _db.session.commit()
    return plan.id, [milestone.id for milestone in milestones]
