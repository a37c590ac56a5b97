"""An action owner's update pack: exactly their open milestones (responsible or lead), overdue first, grouped under
their actions (the action's words once), the counts the database gives, RAG cells in words and shading, a tight
latest update, the milestone's words as the link to update it, laid out as a clerk would send it, and a fixed number
of queries."""

import io
import json
import re
from datetime import date, datetime

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
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
from tests.integration.report_reading import fill, headings, layout_problems, lines_of

WINDOW = Window(today=TODAY)  # 31/07/2020: due soon until 14/08/2020
GENERATED_AT = datetime(2020, 7, 31, 15, 30)
MILESTONE, ROLE, WHEN_DUE, LATEST_UPDATE, RAG, WHY = range(6)


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


def table_rows(table) -> list[list]:
    """A table's rows below the heading row, each as its cells (w:tc): one cell for an action's heading row."""
    return [tr.tc_lst for tr in table._tbl.tr_lst[1:]]


def milestone_rows(pack) -> list[list]:
    return [cells for table in pack.tables for cells in table_rows(table) if len(cells) == len(update_pack.COLUMNS)]


def cell_text(element) -> str:
    """A cell's (or paragraph's) text as a reader sees it: a line break is a new line."""
    return "\n".join(lines_of(element))


def texts(cells) -> list[str]:
    return [cell_text(tc) for tc in cells]


def row_for(pack, deliverable: str) -> list[str]:
    return next(texts(cells) for cells in milestone_rows(pack) if cell_text(cells[MILESTONE]) == deliverable)


def cells_for(pack, deliverable: str) -> list:
    return next(cells for cells in milestone_rows(pack) if cell_text(cells[MILESTONE]) == deliverable)


def outline(pack) -> list[tuple[str, list[str]]]:
    """Each part's heading with its rows in order: "action: …" for an action's heading row, else the milestone."""
    body = list(pack.element.body.iterchildren())
    result = []
    for element in body:
        if element.tag == qn("w:p") and re.fullmatch(r"(Overdue|Due in|Later).*: \d+ milestones?", cell_text(element)):
            result.append((cell_text(element), []))
        elif element.tag == qn("w:tbl") and result:
            for tr in element.findall(qn("w:tr"))[1:]:
                cells = tr.findall(qn("w:tc"))
                result[-1][1].append(("action: " if len(cells) == 1 else "") + cell_text(cells[0]))
    return result


def open_milestones_in_database(db, person: Person, *conditions) -> list[str]:
    """Counted straight from the tables, not through the code under test."""
    led = select(milestone_leads.c.milestone_id).where(milestone_leads.c.person_id == person.id)
    return list(db.session.scalars(
        select(Milestone.deliverable).where(or_(Milestone.responsible_id == person.id, Milestone.id.in_(led)),
                                            Milestone.status != MilestoneStatus.COMPLETE, *conditions)))


def test_the_pack_lists_exactly_the_persons_open_milestones(db, owner_work):
    olive = owner_work["owner"]
    pack = open_pack(update_pack.gather(olive, owner_work["meeting"], WINDOW))
    listed = sorted(cell_text(cells[MILESTONE]) for cells in milestone_rows(pack))
    assert listed == sorted(open_milestones_in_database(db, olive))
    assert listed == sorted(["Supervision audit completed", "Overdue deliverable", "Due soon deliverable",
                             "Re-planned deliverable", "Led deliverable"])
    text = "\n".join(cell_text(tc) for cells in milestone_rows(pack) for tc in cells)
    assert "Completed deliverable" not in text and "Rita's own" not in text and "Lee's own" not in text


def test_overdue_first_then_due_soon_then_the_rest_by_due_date_each_under_its_action_once(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    assert outline(pack) == [
        ("Overdue: 1 milestone", ["action: 1.1 Improve supervision", "Overdue deliverable"]),
        ("Due in the next 14 days: 1 milestone", ["action: 1.1 Improve supervision", "Due soon deliverable"]),
        ("Later, or no date: 3 milestones", ["action: 1.1 Improve supervision", "Supervision audit completed",
                                             "action: 1.2 Audit practice monthly", "Led deliverable",  # 31/10/2020
                                             "Re-planned deliverable"]),  # 30/11/2020, awaiting a decision
    ]
    for cells in milestone_rows(pack):  # the action's words are in its heading row only
        assert not any("Improve supervision" in text or "Audit practice" in text for text in texts(cells))


def test_an_actions_heading_row_spans_the_table_in_bold_and_stays_with_its_first_milestone(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    action_rows = [cells[0] for table in pack.tables for cells in table_rows(table) if len(cells) == 1]
    assert len(action_rows) == 4
    for tc in action_rows:
        assert tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == str(len(update_pack.COLUMNS))
        assert fill(tc) == update_pack.ACTION_FILL
        assert all(run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None for run in tc.iter(qn("w:r")))
        assert tc.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:keepNext')}") is not None


def test_the_milestone_is_the_link_to_add_its_update(app, db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    targets = {rel.rId: rel.target_ref for rel in pack.part.rels.values() if rel.reltype == RELATIONSHIP_TYPE.HYPERLINK}
    milestones = {"Overdue deliverable": owner_work["overdue"], "Due soon deliverable": owner_work["due_soon"],
                  "Re-planned deliverable": owner_work["replanned"], "Led deliverable": owner_work["led"],
                  "Supervision audit completed": owner_work["milestone"]}
    for deliverable, milestone in milestones.items():
        links = cells_for(pack, deliverable)[MILESTONE].findall(f"{qn('w:p')}/{qn('w:hyperlink')}")
        assert len(links) == 1, deliverable
        assert "".join(t.text for t in links[0].iter(qn("w:t"))) == deliverable
        assert targets[links[0].get(qn("r:id"))] == f"{app.config['BASE_URL']}/milestones/{milestone.id}/updates/new"
    assert len(targets) == len(milestones)  # one link a milestone, and no column of addresses
    text = "\n".join(cell_text(tc) for cells in milestone_rows(pack) for tc in cells)
    assert "http" not in text and "/updates/new" not in text


def test_headings_use_heading_styles_and_the_intro_says_what_is_asked(db, owner_work):
    olive = owner_work["owner"]
    pack = open_pack(update_pack.gather(olive, owner_work["meeting"], WINDOW))
    assert headings(pack) == [("Heading 1", "Update pack: Olive Owner"), ("Heading 2", "Overdue: 1 milestone"),
                              ("Heading 2", "Due in the next 14 days: 1 milestone"),
                              ("Heading 2", "Later, or no date: 3 milestones")]
    intro = "\n".join(p.text for p in pack.paragraphs)
    assert "For the Improvement Board on 15 September 2020." in intro
    assert "Please add your updates in Improvement Tracker by Wednesday 2 September 2020." in intro
    assert "Made on 31 July 2020, with dates and ratings as at 31 July 2020." in intro
    assert pack.core_properties.title == "Update pack: Olive Owner"
    assert pack.sections[-1].page_width > pack.sections[-1].page_height  # the tables are on landscape pages


def test_a_deadline_moved_off_a_weekend_is_explained(db, owner_work):
    committee = Meeting(kind=MeetingKind.COMMITTEE, title="Scrutiny Committee", held_on=date(2020, 8, 20),
                        update_deadline=date(2020, 7, 31), report_deadline=date(2020, 8, 7))  # the default dates
    db.session.add(committee)
    db.session.commit()
    intro = "\n".join(p.text for p in open_pack(update_pack.gather(owner_work["owner"], committee, WINDOW)).paragraphs)
    assert ("Please add your updates in Improvement Tracker by Friday 31 July 2020 (moved from Sunday 2 August, a "
            "weekend).") in intro


def test_the_pack_is_laid_out_as_a_clerk_would_send_it(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    assert layout_problems(pack) == []
    for table in pack.tables:
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)


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
    assert (overdue[ROLE], led[ROLE]) == ("Responsible", "Lead")
    assert overdue[WHEN_DUE] == "30 June 2020 (overdue)"  # 30/06/20 is the same date: not said twice
    assert due_soon[WHEN_DUE] == "10 August 2020 (due soon)\nThe plan says: Revised 10/08/20"
    assert led[WHEN_DUE] == "October 2020"
    assert replanned[WHEN_DUE].endswith("Revised from 31/07/20 (Capacity), awaiting a programme manager's decision")


def test_an_impossible_date_is_shown_as_written_and_flagged(db, owner_work):
    milestone = owner_work["milestone"]
    plan_changes.apply_due(milestone, parse_due_text("31/09/20"), actor=None, now=NOW)
    db.session.commit()
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    cells = cells_for(pack, "Supervision audit completed")
    assert cell_text(cells[WHEN_DUE]) == "31/09/20\nInvalid date: 31/09/20 is not a calendar date: September 2020 has 30 days"
    assert cell_text(cells[RAG]) == "Not rated" and fill(cells[RAG]) == document.RAG_FILL[Rating.NOT_RATED]


def test_rag_cells_carry_the_word_and_the_shading(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    expected = {"Supervision audit completed": Rating.AMBER, "Overdue deliverable": Rating.RED,
                "Due soon deliverable": Rating.AMBER, "Re-planned deliverable": Rating.RED,
                "Led deliverable": Rating.RED}
    for deliverable, rating in expected.items():
        cell = cells_for(pack, deliverable)[RAG]
        assert cell_text(cell).splitlines()[0] == RATING_WORDS[rating], deliverable
        assert fill(cell) == document.RAG_FILL[rating], deliverable
    assert row_for(pack, "Overdue deliverable")[WHY] == "Due 30 June 2020, 31 days overdue"  # the RAG cell says Red
    led = row_for(pack, "Led deliverable")
    assert "(set by a person)" in led[RAG]
    assert led[WHY].startswith("Set by Max Manager: Key staff left\nSuggested: Amber: on track")


def test_the_latest_update_says_its_date_once_and_the_start_of_its_text(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    overdue = row_for(pack, "Overdue deliverable")
    assert overdue[LATEST_UPDATE] == "20 July 2020, Olive Owner: Newest update text Second line"
    assert "Older update text" not in overdue[LATEST_UPDATE]
    assert row_for(pack, "Due soon deliverable")[LATEST_UPDATE] == "No update yet"


def test_a_long_or_imported_update_is_cut_to_its_start_and_says_its_date_once(db, owner_work):
    milestone = owner_work["due_soon"]
    words = " ".join(f"word{n}" for n in range(100))
    plan_changes.add_update(milestone, body=f"First line\n\n{words}", written_on=date(2020, 7, 28),
                            actor=owner_work["owner"], now=NOW, today=TODAY)
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    latest = row_for(pack, "Due soon deliverable")[LATEST_UPDATE]
    assert latest.startswith("28 July 2020, Olive Owner: First line word0 word1 ")
    assert latest.endswith("…") and "word99" not in latest
    assert len(latest) <= len("28 July 2020, Olive Owner: ") + update_pack.UPDATE_EXCERPT + 1
    assert len(re.findall(r"28 July 2020|28/07/2020|2020-07-28", latest)) == 1
    imported = {"written_on": "2020-07-20", "body": "Report to the panel", "by": None}  # signed by its source
    assert update_pack._latest_update(imported) == "20 July 2020: Report to the panel"


def test_the_header_row_repeats_on_every_page(db, owner_work):
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    assert len(pack.tables) == 3
    for table in pack.tables:
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert [cell.text for cell in header.cells] == list(update_pack.COLUMNS)


def test_the_data_is_plain_json_with_iso_dates(db, owner_work):
    data = update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW)
    assert json.loads(json.dumps(data)) == data
    assert data["meeting"] == {"id": owner_work["meeting"].id, "title": "Improvement Board",
                               "held_on": "2020-09-15", "update_deadline": "2020-09-02",
                               "update_deadline_text": "Wednesday 2 September 2020"}
    later = data["parts"][-1]
    replanned = next(m for action in later["actions"] for m in action["milestones"]
                     if m["deliverable"] == "Re-planned deliverable")
    assert replanned["due"] == {"as_written": "30/11/20", "on": "2020-11-30", "problem": None,
                                "as_read": "30 November 2020"}
    assert replanned["pending_revision"]["from_on"] == "2020-07-31"
    assert replanned["pending_revision"]["reason_text"] == "Two vacancies"
    assert [part["key"] for part in data["parts"]] == ["overdue", "due_soon", "later"]
    assert [action["number"] for action in later["actions"]] == ["1.1", "1.2"]


def test_a_person_with_no_open_milestones_is_told_so(db, owner_work, make_person):
    nobody = make_person("Nina Nothing")
    pack = open_pack(update_pack.gather(nobody, None, WINDOW))
    text = "\n".join(p.text for p in pack.paragraphs)
    assert "You have no open milestones, so there is nothing to update for now." in text
    assert "Please keep your milestones up to date in Improvement Tracker." in text
    assert pack.tables == []
    assert layout_problems(pack) == []


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


def test_a_milestone_written_on_two_lines_is_one_link_of_two_lines(app, db, owner_work):
    two_lines = owner_work["due_soon"]
    two_lines.deliverable = "Due soon deliverable\nsecond line"
    db.session.commit()
    pack = open_pack(update_pack.gather(owner_work["owner"], owner_work["meeting"], WINDOW))
    cell = cells_for(pack, "Due soon deliverable\nsecond line")[MILESTONE]
    [link] = cell.findall(f"{qn('w:p')}/{qn('w:hyperlink')}")
    assert [t.text for t in link.iter(qn("w:t"))] == ["Due soon deliverable", "second line"]
    assert len(list(link.iter(qn("w:br")))) == 1
    assert layout_problems(pack) == []
