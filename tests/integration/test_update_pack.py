"""An action owner's update pack: exactly their open milestones (responsible or lead), the counts the database
gives, RAG cells in words and shading, the latest update, the link to update each, and a fixed number of queries."""

import io
import json
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import or_, select

from app.models import (
    Action,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneStatus,
    Person,
    Rating,
    RevisionReason,
    Role,
)
from app.models.plans import milestone_leads
from app.services.plans import changes as plan_changes
from app.services.plans.due_dates import parse_due_text
from app.services.plans.queries import Window
from app.services.plans.rag import RATING_WORDS
from app.services.reports import document, update_pack
from tests.conftest import NOW, TODAY

WINDOW = Window(today=TODAY)  # 31/07/2020: due soon until 14/08/2020
GENERATED_AT = datetime(2020, 7, 31, 15, 30)
ROLE, WHEN_DUE, LATEST_UPDATE, RAG, WHY, LINK = 2, 3, 4, 5, 6, 7


def add_milestone(db, action, responsible, text, *, due_raw="", leads=(), status=MilestoneStatus.IN_PROGRESS,
                  completed_on=None) -> Milestone:
    due = parse_due_text(due_raw)
    milestone = Milestone(action=action, deliverable=text, responsible=responsible, leads=list(leads), status=status,
                          completed_on=completed_on, due_kind=due.kind, due_on=due.on, due_raw=due.raw,
                          due_note=due.note, due_problem=due.problem)
    db.session.add(milestone)
    db.session.commit()
    return milestone


@pytest.fixture
def owner_work(db, plan_tree, make_person):
    """Olive Owner: the fixture's milestone (Amber, due 30/09/2020), one overdue with two updates, one due soon,
    one re-planned awaiting a decision, one she only leads (rated Red by a manager), one complete. Rita and Lee
    have milestones of their own."""
    olive, lee, action = plan_tree["owner"], plan_tree["lead"], plan_tree["action"]
    rita, max_manager = make_person("Rita Responsible"), make_person("Max Manager", Role.PROGRAMME_MANAGER)
    second = Action(area=plan_tree["area"], number="1.2", what="Audit practice monthly", position=1)
    db.session.add(second)
    work = {
        "overdue": add_milestone(db, action, olive, "Overdue deliverable", due_raw="30/06/20"),
        "due_soon": add_milestone(db, action, olive, "Due soon deliverable", due_raw="Revised 10/08/20"),
        "replanned": add_milestone(db, second, olive, "Re-planned deliverable", due_raw="31/07/20"),
        "led": add_milestone(db, second, rita, "Led deliverable", due_raw="October 2020", leads=[olive]),
        "complete": add_milestone(db, action, olive, "Completed deliverable", due_raw="01/07/20",
                                  status=MilestoneStatus.COMPLETE, completed_on=date(2020, 7, 1)),
        "rita_only": add_milestone(db, second, rita, "Rita's own deliverable", due_raw="30/06/20"),
        "lee_only": add_milestone(db, action, lee, "Lee's own deliverable", due_raw="05/08/20"),
    }
    plan_changes.add_update(work["overdue"], body="Older update text", written_on=date(2020, 6, 1), actor=olive,
                            now=NOW, today=TODAY)
    plan_changes.add_update(work["overdue"], body="Newest update text\nSecond line", written_on=date(2020, 7, 20),
                            actor=olive, now=NOW, today=TODAY)
    plan_changes.propose_revision(work["replanned"], new_due=parse_due_text("30/11/20"), reason=RevisionReason.CAPACITY,
                                  reason_text="Two vacancies", version=work["replanned"].version, actor=olive, now=NOW)
    plan_changes.set_rating(work["led"], rating=Rating.RED, reason="Key staff left", version=work["led"].version,
                            actor=max_manager, now=NOW)
    meeting = Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=date(2020, 9, 15),
                      update_deadline=date(2020, 9, 2), report_deadline=date(2020, 9, 2))
    db.session.add(meeting)
    db.session.commit()
    return {**plan_tree, **work, "rita": rita, "meeting": meeting}


def open_pack(data: dict) -> Document:
    return Document(io.BytesIO(update_pack.write(data, generated_at=GENERATED_AT)))


def body_rows(pack) -> list:
    return [row for table in pack.tables for row in table.rows[1:]]


def row_for(pack, deliverable: str):
    return next(row for row in body_rows(pack) if row.cells[1].text == deliverable)


def shading(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd"))
    return None if shd is None else shd.get(qn("w:fill"))


def open_milestones_in_database(db, person: Person, *conditions) -> list[str]:
    """Counted straight from the tables, not through the code under test."""
    led = select(milestone_leads.c.milestone_id).where(milestone_leads.c.person_id == person.id)
    return list(db.session.scalars(
        select(Milestone.deliverable).where(or_(Milestone.responsible_id == person.id, Milestone.id.in_(led)),
                                            Milestone.status != MilestoneStatus.COMPLETE, *conditions)))


def test_the_pack_lists_exactly_the_persons_open_milestones(db, owner_work):
    olive = owner_work["owner"]
    pack = open_pack(update_pack.gather(olive, owner_work["meeting"], WINDOW))
    listed = sorted(row.cells[1].text for row in body_rows(pack))
    assert listed == sorted(open_milestones_in_database(db, olive))
    assert listed == sorted(["Supervision audit completed", "Overdue deliverable", "Due soon deliverable",
                             "Re-planned deliverable", "Led deliverable"])
    text = "\n".join(cell.text for row in body_rows(pack) for cell in row.cells)
    assert "Completed deliverable" not in text and "Rita's own" not in text and "Lee's own" not in text


def test_headings_use_heading_styles_and_the_intro_says_what_is_asked(db, owner_work):
    olive = owner_work["owner"]
    pack = open_pack(update_pack.gather(olive, owner_work["meeting"], WINDOW))
    headings = [(p.style.name, p.text) for p in pack.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Update pack: Olive Owner"), ("Heading 2", "1.0 Management oversight")]
    intro = "\n".join(p.text for p in pack.paragraphs)
    assert "For the Improvement Board on 15/09/2020." in intro
    assert "Please add your updates in Improvement Tracker by 02/09/2020." in intro
    assert pack.core_properties.title == "Update pack: Olive Owner"
    assert pack.sections[-1].page_width > pack.sections[-1].page_height  # the table is on landscape pages


def test_the_counts_in_the_intro_are_the_databases(db, owner_work):
    olive = owner_work["owner"]
    total = len(open_milestones_in_database(db, olive))
    overdue = len(open_milestones_in_database(db, olive, Milestone.due_on < TODAY))
    due_soon = len(open_milestones_in_database(db, olive, Milestone.due_on.between(TODAY, WINDOW.soon_end)))
    assert (total, overdue, due_soon) == (5, 1, 1)
    data = update_pack.gather(olive, owner_work["meeting"], WINDOW)
    assert data["counts"] == {"open": total, "overdue": overdue, "due_soon": due_soon}
    intro = "\n".join(p.text for p in open_pack(data).paragraphs)
    assert (f"You are responsible for or lead {total} open milestones: {overdue} overdue and {due_soon} due in the "
            f"next 14 days.") in intro


def test_each_row_says_the_role_the_due_date_and_overdue_in_words(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    overdue, due_soon = row_for(pack, "Overdue deliverable"), row_for(pack, "Due soon deliverable")
    led, replanned = row_for(pack, "Led deliverable"), row_for(pack, "Re-planned deliverable")
    assert overdue.cells[0].text == "1.1 Improve supervision" and led.cells[0].text == "1.2 Audit practice monthly"
    assert (overdue.cells[ROLE].text, led.cells[ROLE].text) == ("Responsible", "Lead")
    assert overdue.cells[WHEN_DUE].text == "30/06/20 (overdue)"  # the same date: not read out twice
    assert due_soon.cells[WHEN_DUE].text == "Revised 10/08/20 (due soon)\nRead as: 10/08/2020"
    assert led.cells[WHEN_DUE].text == "October 2020"
    assert replanned.cells[WHEN_DUE].text.endswith(
        "Revised from 31/07/20 (Capacity), awaiting a programme manager's decision")


def test_an_impossible_date_is_shown_as_written_and_flagged(db, owner_work):
    milestone = owner_work["milestone"]
    plan_changes.apply_due(milestone, parse_due_text("31/09/20"), actor=None, now=NOW)
    db.session.commit()
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    cells = row_for(pack, "Supervision audit completed").cells
    assert cells[WHEN_DUE].text == "31/09/20\nInvalid date: 31/09/20 is not a calendar date: September 2020 has 30 days"
    assert cells[RAG].text == "Not rated" and shading(cells[RAG]) == document.RAG_FILL[Rating.NOT_RATED]


def test_rag_cells_carry_the_word_and_the_shading(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    expected = {"Supervision audit completed": Rating.AMBER, "Overdue deliverable": Rating.RED,
                "Due soon deliverable": Rating.AMBER, "Re-planned deliverable": Rating.RED,
                "Led deliverable": Rating.RED}
    for deliverable, rating in expected.items():
        cell = row_for(pack, deliverable).cells[RAG]
        assert cell.text.splitlines()[0] == RATING_WORDS[rating], deliverable
        assert shading(cell) == document.RAG_FILL[rating], deliverable
    assert row_for(pack, "Overdue deliverable").cells[WHY].text == "Due 30/06/2020, 31 days overdue"  # the RAG cell says Red
    led = row_for(pack, "Led deliverable").cells
    assert "(set by a person)" in led[RAG].text
    assert led[WHY].text.startswith("Set by Max Manager: Key staff left\nSuggested: Amber: on track")


def test_the_latest_update_and_the_link_to_add_one(app, db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    overdue = row_for(pack, "Overdue deliverable").cells
    assert overdue[LATEST_UPDATE].text == "20/07/2020, Olive Owner:\nNewest update text\nSecond line"
    assert "Older update text" not in overdue[LATEST_UPDATE].text
    assert row_for(pack, "Due soon deliverable").cells[LATEST_UPDATE].text == "No update yet"
    address = f"{app.config['BASE_URL']}/milestones/{owner_work['overdue'].id}/updates/new"
    assert overdue[LINK].text == address
    assert address in [rel.target_ref for rel in pack.part.rels.values() if rel.is_external]


def test_the_header_row_repeats_on_every_page(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    assert pack.tables
    for table in pack.tables:
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [cell.text for cell in header.cells] == list(update_pack.COLUMNS)


def test_the_data_is_plain_json_with_iso_dates(db, owner_work):
    data = update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW)
    assert json.loads(json.dumps(data)) == data
    assert data["meeting"] == {"id": owner_work["meeting"].id, "title": "Improvement Board",
                               "held_on": "2020-09-15", "update_deadline": "2020-09-02"}
    replanned = next(m for area in data["areas"] for action in area["actions"] for m in action["milestones"]
                     if m["deliverable"] == "Re-planned deliverable")
    assert replanned["due"] == {"as_written": "30/11/20", "on": "2020-11-30", "problem": None, "as_read": "30/11/2020"}
    assert replanned["pending_revision"]["from_on"] == "2020-07-31"
    assert replanned["pending_revision"]["reason_text"] == "Two vacancies"
    assert [action["number"] for action in data["areas"][0]["actions"]] == ["1.1", "1.2"]


def test_a_person_with_no_open_milestones_is_told_so(db, owner_work, make_person):
    nobody = make_person("Nina Nothing")
    pack = open_pack(update_pack.gather(nobody, None, WINDOW))
    text = "\n".join(p.text for p in pack.paragraphs)
    assert "You have no open milestones, so there is nothing to update for now." in text
    assert "Please keep your milestones up to date in Improvement Tracker." in text
    assert pack.tables == []


def test_the_number_of_queries_does_not_grow_with_the_milestones(db, owner_work, count_queries):
    olive, rita = owner_work["owner"], owner_work["rita"]

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            update_pack.gather(olive, owner_work["meeting"], WINDOW)
        return counter.count

    few = queries()
    for number in range(10):
        action = Action(area=owner_work["area"], number=f"9.{number}", what="More", position=number + 2)
        db.session.add(action)
        for position in range(3):
            milestone = add_milestone(db, action, olive if position else rita, f"More {number}.{position}",
                                      due_raw="30/06/20", leads=[olive])
            plan_changes.add_update(milestone, body="Update", written_on=date(2020, 7, 1), actor=olive, now=NOW,
                                    today=TODAY)
    assert len(open_milestones_in_database(db, olive)) == 35
    assert queries() == few
