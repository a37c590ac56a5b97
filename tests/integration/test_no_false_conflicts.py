"""Adding a progress update or evidence is an append: it never clashes with anyone else's, even at the same moment.
Edits of the milestone's own fields are still checked: a save from a stale page is refused."""

import threading
from datetime import date
from functools import partial
from io import BytesIO

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import (
    Action,
    Area,
    ChangeRecord,
    DueKind,
    Milestone,
    MilestoneStatus,
    Person,
    Plan,
    ProgressUpdate,
    Role,
)
from app.services.errors import ConflictError
from app.services.plans import changes as plan_changes
from tests.conftest import NOW, PASSWORD, TODAY
from tests.integration.at_once import run_together
from tests.integration.served_form import page_form
from tests.integration.test_outbox import shared_database  # noqa: F401 (a fixture)

CONFLICT = "changed by someone else"


def signed_in(app, person: Person):
    """A browser of its own, signed in as `person`."""
    browser = app.test_client()
    assert browser.post("/login", data={"email": person.email, "password": PASSWORD}).status_code == 302
    return browser


def opened(browser, url: str):
    """Open a page and return what its form would send as served."""
    page = browser.get(url)
    assert page.status_code == 200
    return page_form(page.get_data(as_text=True), url)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def not_started(db, plan_tree):
    milestone = plan_tree["milestone"]
    milestone.status = MilestoneStatus.NOT_STARTED
    db.session.commit()
    return milestone


def test_two_first_updates_from_pages_opened_together_are_both_saved(app, db, plan_tree, not_started):
    milestone, url = not_started, f"/milestones/{not_started.id}/updates/new"
    olive, lee = signed_in(app, plan_tree["owner"]), signed_in(app, plan_tree["lead"])
    olives_form, lees_form, version = opened(olive, url), opened(lee, url), milestone.version
    lees_form["body"] = "Audit tool agreed with team managers"
    olives_form["body"] = "First audits booked"
    olives_form.setlist("written_on", ["20", "7", "2020"])
    assert lee.post(url, data=lees_form).status_code == 302
    assert olive.post(url, data=olives_form).status_code == 302  # after Lee's, and dated earlier
    db.session.expire_all()
    assert {(u.body, u.signed_as) for u in milestone.updates} == {
        ("Audit tool agreed with team managers", "Lee Lead"), ("First audits booked", "Olive Owner")}
    assert (milestone.status, milestone.version) == (MilestoneStatus.IN_PROGRESS, version)  # started, not edited
    assert milestone.latest_update_on == date(2020, 7, 31)  # the newest, not the last saved
    page = text(olive.get(f"/milestones/{milestone.id}"))
    assert "Audit tool agreed with team managers" in page and "First audits booked" in page
    started = db.session.scalars(select(ChangeRecord).where(ChangeRecord.field == "status")).all()
    assert [(c.old_value, c.new_value, c.changed_by.name) for c in started] == [
        ("not_started", "in_progress", "Lee Lead")]  # the start is recorded once, by the first to save


def test_two_people_uploading_evidence_at_once_both_keep_it(app, db, plan_tree, not_started, tmp_path):
    url = f"/milestones/{not_started.id}/evidence/new"
    olive, lee = signed_in(app, plan_tree["owner"]), signed_in(app, plan_tree["lead"])
    forms = {olive: opened(olive, url), lee: opened(lee, url)}
    forms[olive].add("file", (BytesIO(b"%PDF-1.4 minutes"), "Board minutes.pdf"))
    forms[lee].add("file", (BytesIO(b"Audit,Grade\nC0001,Good\n"), "Audit grades.csv"))
    version = not_started.version
    for browser in (olive, lee):
        assert browser.post(url, data=forms[browser], content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert sorted(item.filename for item in not_started.evidence) == ["Audit grades.csv", "Board minutes.pdf"]
    assert not_started.version == version  # an upload is not an edit: others' open forms stay valid


def test_updates_do_not_make_an_open_form_stale_but_an_edit_does(app, db, plan_tree, not_started, make_person):
    milestone = not_started
    manager = signed_in(app, make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    olive, lee = signed_in(app, plan_tree["owner"]), signed_in(app, plan_tree["lead"])
    complete_url, edit_url = f"/milestones/{milestone.id}/complete", f"/milestones/{milestone.id}/edit"
    completion, edit = opened(olive, complete_url), opened(manager, edit_url)
    update_url = f"/milestones/{milestone.id}/updates/new"
    update = opened(lee, update_url)
    update["body"] = "Audits done"
    assert lee.post(update_url, data=update).status_code == 302
    assert olive.post(complete_url, data=completion).status_code == 302  # Lee's update is not an edit
    edit["deliverable"] = "Supervision audit completed and reported"
    refused = manager.post(edit_url, data=edit)  # opened before Olive marked it complete
    assert refused.status_code == 200 and CONFLICT in text(refused)
    db.session.expire_all()
    assert (milestone.status, milestone.deliverable) == (MilestoneStatus.COMPLETE, "Supervision audit completed")


def _milestone_with_leads(count: int) -> int:
    plan = Plan(title="Shared plan", revision="1")
    action = Action(area=Area(plan=plan, number="1.0", title="Area", position=0), number="1.1", what="Act",
                    position=0)
    leads = [Person(name=f"Lead {n}", email=f"lead{n}@test.example") for n in range(count)]
    milestone = Milestone(action=action, deliverable="Deliverable", status=MilestoneStatus.NOT_STARTED, leads=leads,
                          due_kind=DueKind.DATE, due_on=date(2020, 12, 31), due_raw="31/12/20")
    _db.session.add_all([plan, action, milestone, *leads])
    _db.session.commit()
    return milestone.id


def test_fifteen_first_updates_at_the_same_moment_are_all_saved(shared_database):  # noqa: F811
    """Fifteen leads (as many as one server process has database connections: a pool of 5 and 10 more), each in a
    thread of their own as on a server, all read the milestone while it is not started, then all add an update at
    once. On PostgreSQL (TEST_DATABASE_URL) this is the real race, row locks and all; on SQLite the database lets one
    writer in at a time. Before the start was written without a version check, 14 of the 15 were refused."""
    count = 15
    with shared_database.app_context():
        milestone_id = _milestone_with_leads(count)
    barrier, refused, errors = threading.Barrier(count), [], []

    def lead(n: int) -> None:
        with shared_database.app_context():
            try:
                milestone = _db.session.get(Milestone, milestone_id)
                author = _db.session.scalar(select(Person).where(Person.email == f"lead{n}@test.example"))
                assert milestone.status == MilestoneStatus.NOT_STARTED
                barrier.wait()
                plan_changes.add_update(milestone, body=f"Update from lead {n}", written_on=date(2020, 7, n + 1),
                                        actor=author, now=NOW, today=TODAY)
            except ConflictError as conflict:
                refused.append(conflict)
            except Exception as error:  # reported below
                errors.append(error)
                barrier.abort()

    run_together([partial(lead, n) for n in range(count)])
    assert errors == [] and refused == []
    with shared_database.app_context():
        milestone = _db.session.get(Milestone, milestone_id)
        assert _db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == count
        assert (milestone.status, milestone.latest_update_on, milestone.version) == (
            MilestoneStatus.IN_PROGRESS, date(2020, 7, count), 1)
        assert _db.session.scalar(select(func.count()).where(ChangeRecord.field == "status")) == 1
