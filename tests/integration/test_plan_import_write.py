"""Importing a Word plan: everything into an empty service, the same file again changes nothing, an edited copy
changes exactly what was edited (a re-dated milestone becomes an accepted revision, a new update is added, a row
removed from the document is kept), and near matches of names are used only when confirmed."""

from datetime import date, datetime

from sqlalchemy import func, select

from app.models import (
    Action,
    Area,
    DueDateRevision,
    ImprovementArea,
    Milestone,
    Person,
    PersonKind,
    ProgressUpdate,
    Recommendation,
    RevisionDecision,
    Role,
)
from app.services.importers.plan_docx import read_plan
from app.services.importers.plan_import import preview
from app.services.importers.plan_write import import_plan
from tests.integration.test_plan_import_preview import FIXTURE, counts, edited, row_containing

NOW = datetime(2020, 9, 20, 10)


def total(db, model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def run(document, actor, same=frozenset()):
    return import_plan(document, same_people=set(same), actor=actor, now=NOW, source_name="the plan of July 2020")


def test_into_an_empty_service_and_again(db, make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    run(read_plan(FIXTURE), manager)
    assert (total(db, Area), total(db, Action), total(db, Milestone)) == (5, 38, 176)
    assert total(db, Recommendation) == 12 and total(db, ImprovementArea) == 35
    invalid = db.session.scalars(select(Milestone).where(Milestone.due_problem.is_not(None))).all()
    assert [m.due_raw for m in invalid] == ["31/09/20", "31/09/20"] and all(m.due_on is None for m in invalid)
    assert db.session.scalar(select(Person.kind).where(Person.name == "tbd")) == PersonKind.PLACEHOLDER
    updates = total(db, ProgressUpdate)
    assert updates > 150
    again = preview(read_plan(FIXTURE))  # the same file: nothing to do
    assert counts(again, "milestones") == {"create": 0, "change": 0, "unchanged": 176, "missing": 0}
    run(read_plan(FIXTURE), manager)
    assert (total(db, Milestone), total(db, ProgressUpdate)) == (176, updates)


def test_an_edited_copy_changes_exactly_what_was_edited(db, make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    run(read_plan(FIXTURE), manager)

    def edit(document):
        _, row = row_containing(document, "Review of Viewpoint")
        [c for c in row.cells if c.text.strip() == "30/06/20"][0].paragraphs[0].text = "30/09/20"
        progress = [c for c in row.cells if c.text.startswith("Update")][0]
        progress.paragraphs[0].insert_paragraph_before("Update 14 September 2020 Viewpoint relaunched")
        table, doomed = row_containing(document, "A remuneration package")
        table._tbl.remove(doomed._tr)
        what = next(c for c in row.cells if c.text.startswith("Develop a Child"))
        what.paragraphs[0].text = "Develop a Child and Young Person's participation strategy, reworded"

    run(read_plan(edited(edit)), manager)
    assert db.session.scalar(select(Action.what).where(Action.number == "1.1")).endswith("strategy, reworded")
    viewpoint = db.session.scalar(select(Milestone).where(Milestone.deliverable.startswith("Review of Viewpoint")))
    assert (viewpoint.due_raw, viewpoint.due_on) == ("30/09/20", date(2020, 9, 30))
    [revision] = db.session.scalars(select(DueDateRevision).where(DueDateRevision.milestone_id == viewpoint.id))
    assert (revision.old_on, revision.new_on, revision.decision, revision.decided_by_id) == (
        date(2020, 6, 30), date(2020, 9, 30), RevisionDecision.ACCEPTED, manager.id)
    newest = db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.milestone_id == viewpoint.id)
                                .order_by(ProgressUpdate.written_on.desc())).first()
    assert newest.written_on == date(2020, 9, 14) and "Viewpoint relaunched" in newest.body
    assert viewpoint.latest_update_on == date(2020, 9, 14)
    assert total(db, Milestone, Milestone.deliverable.startswith("A remuneration package")) == 1  # kept
    assert total(db, Milestone) == 176


def test_a_near_match_is_the_known_person_only_when_confirmed(db, make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    known = make_person("Sasha Bhat")
    document = read_plan(FIXTURE)
    plan = preview(document)
    near = [p for p in plan.people if p.outcome == "near"]
    assert [(p.written, p.known_as) for p in near] == [("Sasha Bat", "Sasha Bhat")]
    run(document, manager, same={"Sasha Bat"})
    led = db.session.scalar(select(Milestone).where(Milestone.deliverable.startswith("Full assessment and report")))
    assert known in led.leads and total(db, Person, Person.name == "Sasha Bat") == 0


def test_the_command_prints_the_dry_run_then_imports(app, db, tmp_path):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["plans", "import", str(FIXTURE), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Milestones: 176 new, 0 changed, 0 unchanged, 0 missing from the file." in dry.output
    assert "Table 7, row 33: When will it be done? “31/09/20”" in dry.output and "Dry run: nothing was written." in dry.output
    assert total(db, Milestone) == 0
    real = runner.invoke(args=["plans", "import", str(FIXTURE)])
    assert real.exit_code == 0 and "Imported improvement-plan-2020-07.docx." in real.output
    assert total(db, Milestone) == 176
    bad = tmp_path / "plan.docx"
    bad.write_bytes(b"not a zip at all")
    refused = runner.invoke(args=["plans", "import", str(bad)])
    assert refused.exit_code == 1 and "is not a Word document" in refused.output


def test_new_milestones_are_numbered_in_the_documents_order(db, make_person):
    run(read_plan(FIXTURE), make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    action = db.session.scalar(select(Action).where(Action.number == "1.13"))
    assert [m.position for m in action.milestones] == list(range(10))
    assert action.milestones[0].deliverable.startswith("Staff Baseline Report")
