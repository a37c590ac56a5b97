"""The dry run of a Word plan import: what it would create, change and find missing, with every problem and its
table and row, and the people it names matched to those the service knows. Nothing is written."""

import io
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from app import demo
from app.models import Milestone, Plan
from app.services.importers.plan_docx import read_plan
from app.services.importers.plan_import import FieldChange, preview

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "improvement-plan-2020-07.docx"


def counts(result, items: str) -> dict[str, int]:
    return {outcome: result.count(items, outcome) for outcome in ("create", "change", "unchanged", "missing")}


def edited(edit) -> io.BytesIO:
    """The fixture with an edit made to it, as a file."""
    document = docx.Document(str(FIXTURE))
    edit(document)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def row_containing(document, text: str):
    return next((table, row) for table in document.tables for row in table.rows
                if any(text in cell.text for cell in row.cells))


def test_into_an_empty_service_everything_is_new_and_the_impossible_dates_are_problems(db):
    result = preview(read_plan(FIXTURE))
    assert result.existing_plan_id is None
    assert (counts(result, "areas")["create"], counts(result, "actions")["create"],
            counts(result, "milestones")["create"]) == (5, 38, 176)
    assert [(p.table, p.row) for p in result.problems] == [(7, 33), (7, 34)]
    assert all("31/09/20 is not a calendar date" in p.message for p in result.problems)
    assert {person.outcome for person in result.people} == {"new"}
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 0  # a dry run writes nothing


@pytest.fixture
def loaded(db):
    demo.load_demo(now=datetime(2020, 7, 31, 9))


def test_the_same_plan_again_changes_nothing(loaded):
    result = preview(read_plan(FIXTURE))
    assert result.existing_plan_id is not None
    assert counts(result, "areas") == {"create": 0, "change": 0, "unchanged": 5, "missing": 0}
    assert counts(result, "actions") == {"create": 0, "change": 0, "unchanged": 38, "missing": 0}
    # The demo's JSON has two cells in HTML (<p>Phase 1 30/09/20</p> …): read as lines, as the Word plan has them.
    assert counts(result, "milestones") == {"create": 0, "change": 0, "unchanged": 176, "missing": 0}


def test_an_edited_copy_shows_exactly_its_edits(loaded, db):
    def edit(document):
        _, row = row_containing(document, "Review of Viewpoint")  # 1.1's second milestone
        due = [c for c in row.cells if c.text.strip() == "30/06/20"][0]
        due.paragraphs[0].text = "30/09/20"
        progress = [c for c in row.cells if c.text.startswith("Update")][0]
        progress.paragraphs[0].insert_paragraph_before("Update 14 September 2020 Viewpoint relaunched with new questions")
        table, doomed = row_containing(document, "A remuneration package")  # not the first of its action
        table._tbl.remove(doomed._tr)

    before = {m.deliverable for m in db.session.scalars(select(Milestone))}
    result = preview(read_plan(edited(edit)))
    assert counts(result, "milestones") == {"create": 0, "change": 1, "unchanged": 174, "missing": 1}
    viewpoint = next(m for m in result.milestones if m.deliverable.startswith("Review of Viewpoint"))
    assert viewpoint.changes == [FieldChange("When will it be done?", "30/06/20", "30/09/20")]
    assert [(u.written_on, u.body.strip()) for u in viewpoint.new_updates] == [
        (date(2020, 9, 14), "Viewpoint relaunched with new questions")]
    [missing] = [m for m in result.milestones if m.outcome == "missing"]
    assert missing.action == "1.13" and missing.deliverable.startswith("A remuneration package")
    assert {m.deliverable for m in db.session.scalars(select(Milestone))} == before  # nothing written
