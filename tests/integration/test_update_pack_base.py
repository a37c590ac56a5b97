"""Update packs made quickly, as a reminder run makes them: from one lean base document and from data read for every
recipient at once. What the owners rely on: each pack has their milestones and no one else's, opens in Word's
reader, is small to e-mail; the rows written as XML text are what the shared table functions would write; the run's
pack queries grow with its batches of recipients, not with each recipient; and the e-mail's HTML part says what its
text part says."""

import io
import re
import zipfile
from datetime import date
from unittest.mock import patch

from docx import Document
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.table import _Cell
from lxml import etree

from app.models import Action, Milestone, MilestoneStatus, Person, Rating
from app.services.plans import facts as milestone_facts
from app.services.plans.due_dates import long_date
from app.services.plans.queries import Window
from app.services.reminders import compose
from app.services.reminders import jobs as reminder_jobs
from app.services.reports import document, update_pack
from tests.conftest import QueryCounter
from tests.integration.test_reminder_emails import SEPT_3, board_before_its_update_deadline

WINDOW = Window(today=date(2020, 9, 3))


def owned(db, action: Action, deliverable: str, owner, due_on: date, leads=()) -> Milestone:
    milestone = Milestone(action=action, deliverable=deliverable, responsible=owner, leads=list(leads),
                          status=MilestoneStatus.IN_PROGRESS, due_kind="date", due_on=due_on,
                          due_raw=f"{due_on:%d/%m/%y}")
    db.session.add(milestone)
    db.session.commit()
    return milestone


def pack_text(docx: bytes) -> str:
    """Every paragraph's text (in table cells too), a line each, as python-docx reads the file back."""
    body = Document(io.BytesIO(docx)).element.body
    return "\n".join("".join(text.text or "" for text in paragraph.iter(qn("w:t"))) for paragraph in body.iter(qn("w:p")))


def packs_sent(server) -> dict[str, bytes]:
    """Each recipient's update pack, as it arrived."""
    return {recipients[0]: part.get_content() for recipients, message in server.inbox.messages
            for part in message.iter_attachments() if part.get_filename().startswith("update-pack-")}


def test_two_owners_in_one_run_each_get_their_own_milestones_and_no_one_elses(plan_tree, smtp_server, db, make_person):
    board_before_its_update_deadline(db)
    olive, lee, action = plan_tree["owner"], plan_tree["lead"], plan_tree["action"]
    rita = make_person("Rita Responsible")
    owned(db, action, "Olive's audit tool agreed", olive, date(2020, 8, 3))
    owned(db, action, "Rita's practice standards published", rita, date(2020, 9, 2))
    owned(db, action, "Rita's learning shared, Lee leading", rita, date(2020, 10, 2), leads=[lee])
    reminder_jobs.send_due(SEPT_3)
    packs = {address: pack_text(docx) for address, docx in packs_sent(smtp_server).items()}
    assert set(packs) == {olive.email, rita.email, lee.email}
    assert "Olive's audit tool agreed" in packs[olive.email]
    assert "Supervision audit completed" in packs[olive.email]  # the fixture's milestone: Olive is responsible
    assert "Rita" not in packs[olive.email].replace("Update pack: Olive Owner", "")
    assert "Rita's practice standards published" in packs[rita.email]
    assert "Olive" not in packs[rita.email] and "Supervision audit" not in packs[rita.email]
    lee_pack = packs[lee.email]
    assert "Supervision audit completed" in lee_pack and "Rita's learning shared, Lee leading" in lee_pack
    assert "Olive's audit tool" not in lee_pack and "Rita's practice standards" not in lee_pack
    assert re.search(r"Supervision audit completed\nLead\n", lee_pack)  # his role, not the owner's


def test_a_pack_reopens_has_only_what_it_uses_and_every_style_it_names(plan_tree, db):
    meeting = board_before_its_update_deadline(db)
    docx = update_pack.write(update_pack.gather(plan_tree["owner"], meeting, WINDOW), generated_at=SEPT_3)
    Document(io.BytesIO(docx))  # python-docx reads it back
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        names = set(package.namelist())
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in package.infolist())
        styles = etree.fromstring(package.read("word/styles.xml"))
        named = {element.get(qn("w:val")) for name in names if name.startswith("word/") and name.endswith(".xml")
                 for tag in ("w:pStyle", "w:rStyle", "w:tblStyle")
                 for element in etree.fromstring(package.read(name)).iter(qn(tag))}
        settings = package.read("word/settings.xml")
    assert not names & {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml",
                        "word/theme/theme1.xml", "word/fontTable.xml", "docProps/app.xml"}
    assert b"Theme=" not in etree.tostring(styles) and b"themeColor" not in etree.tostring(styles)  # named colours
    assert b"compatibilityMode" in settings and b"rsid" not in settings  # Word's mode kept, its editing ids not
    defined = {style.get(qn("w:styleId")) for style in styles.iter(qn("w:style"))}
    assert named and named <= defined
    assert len(defined) < 30  # the base document has 165
    assert len(docx) < 8 * 1024  # a pack of two milestones: the letter's size, not its parts'


def test_rows_written_as_text_are_what_the_shared_table_functions_write(plan_tree, db):
    """The same part written both ways: document.table, spanning_row, rag_cell and link, as every other report
    writes its tables, and the pack's rows as XML text; escaped characters, line breaks, tabs, spaces at the ends
    and a rating set by a person included."""
    milestone = {"deliverable": "Audit <tool> & standards\nagreed", "update_link": "http://x.example/m/1?a=1&b=2",
                 "role": "responsible", "rating": Rating.RED.value, "rating_was_set": True, "why": "Set by Max: late",
                 "suggested": "Due 3 August 2020,\t31 days overdue ", "overdue": True, "due_soon": False,
                 "latest_update": {"written_on": "2020-08-20", "by": None, "body": " Tabs\tand <tags> "},
                 "pending_revision": None,
                 "due": {"as_written": "03/08/20", "on": "2020-08-03", "problem": None, "as_read": "3 August 2020"}}
    plain = dict(milestone, rating=Rating.GREEN.value, rating_was_set=False, why="On track", deliverable="Second")
    part = {"actions": [{"number": "1.1", "what": "Improve <supervision> & audit", "milestones": [milestone, plain]}]}
    fast, reference = _new(), _new()
    table = update_pack._part_table(fast, part)
    _reference_table(reference, part)
    reopened = Document(io.BytesIO(update_pack._saved(fast, [table], {})))  # the text put in place, as a pack is saved
    assert _canonical(reopened) == _canonical(reference)


def test_a_pack_written_quickly_is_what_python_docx_would_write(plan_tree, db):
    """Every part of the package the same (canonical XML) whichever way the pack is written: quickly (on a copy of the
    shell made once, its header's title and date put in as it is saved, the tables' text put in place), or with every
    step done by python-docx (a new document from the lean base, its header and footer made for this pack, the tables
    parsed into it, then saved). The owner's name is escaped, and never taken for a placeholder."""
    owned(db, plan_tree["action"], "Audit tool <agreed> & published", plan_tree["owner"], date(2020, 8, 3))
    owned(db, plan_tree["action"], "Practice standards published", plan_tree["owner"], date(2020, 9, 10))
    db.session.execute(Person.__table__.update().where(Person.id == plan_tree["owner"].id)
                       .values(name="Olive <O'Owner> & PACK-DATED-HERE"))
    db.session.commit()
    data = update_pack.gather(plan_tree["owner"], board_before_its_update_deadline(db), WINDOW)
    fast = update_pack.write(data, generated_at=SEPT_3)
    with _step_by_step(data):
        slow = update_pack.write(data, generated_at=SEPT_3)
    with zipfile.ZipFile(io.BytesIO(fast)) as fast_package, zipfile.ZipFile(io.BytesIO(slow)) as slow_package:
        assert fast_package.namelist() == slow_package.namelist()
        for name in slow_package.namelist():
            assert _c14n(fast_package.read(name)) == _c14n(slow_package.read(name)), name
    reopened = Document(io.BytesIO(fast))
    assert reopened.core_properties.title == "Update pack: Olive <O'Owner> & PACK-DATED-HERE"
    assert [paragraph.text for paragraph in reopened.sections[0].header.paragraphs] == [
        "OFFICIAL", "Update pack: Olive <O'Owner> & PACK-DATED-HERE · 3 September 2020"]


def _step_by_step(data: dict):
    """update_pack.write with every step python-docx's: no shell (a new document for this pack), and the tables'
    text parsed into the document before python-docx saves it."""
    def new(marking):
        return document.new_document(f"Update pack: {data['person']['name']}", generated_at=SEPT_3,
                                     dated=long_date(data["today"]), marking=marking,
                                     base=Document(io.BytesIO(update_pack.pack_base())))

    def saved(report, tables, header):
        placeholders = [node for node in report.element.body if isinstance(node, etree._Comment)]
        assert len(placeholders) == len(tables) == 3
        for placeholder, table in zip(placeholders, tables, strict=True):
            placeholder.getparent().replace(placeholder,
                                            parse_xml(table.replace("<w:tbl>", f"<w:tbl {nsdecls('w', 'r')}>", 1)))
        return document.to_bytes(report)

    return patch.multiple(update_pack, _shell=new, _saved=saved)


def _c14n(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def _new():
    return document.new_document("Pack", generated_at=SEPT_3, dated="3 September 2020", marking="OFFICIAL",
                                 base=Document(io.BytesIO(update_pack.pack_base())))


def _reference_table(report, part) -> None:
    """The pack's table as the shared functions write it (update_pack wrote it this way before it wrote text)."""
    rows, kinds = [], []
    for action in part["actions"]:
        rows.append([f"{action['number']} {action['what']}".strip(), *[""] * (len(update_pack.COLUMNS) - 1)])
        kinds.append(action)
        for milestone in action["milestones"]:
            rows.append(update_pack._cells(milestone))
            kinds.append(milestone)
    table = document.table(report, update_pack.COLUMNS, rows, widths_cm=update_pack.WIDTHS_CM)
    for row, what in zip(document.body_rows(table), kinds, strict=True):
        if "milestones" in what:
            document.spanning_row(table, row, fill=update_pack.ACTION_FILL)
        else:
            cells = document.cells_of(row)
            document.rag_cell(_Cell(cells[update_pack.RAG_COLUMN], table), Rating(what["rating"]),
                              "(set by a person)" if what["rating_was_set"] else "")
            document.link(report, cells[update_pack.MILESTONE_COLUMN], what["deliverable"], what["update_link"])


def _canonical(report) -> bytes:
    """The table in canonical XML, each link's relationship id replaced by its address."""
    table = report.element.body.find(qn("w:tbl"))
    rels = report.part.rels
    for link in table.iter(qn("w:hyperlink")):
        link.set(qn("r:id"), rels[link.get(qn("r:id"))].target_ref)
    return etree.tostring(table, method="c14n")


def test_the_packs_of_a_run_are_read_in_the_same_queries_for_one_owner_or_three(plan_tree, db, make_person):
    meeting, action = board_before_its_update_deadline(db), plan_tree["action"]
    people = [plan_tree["owner"], plan_tree["lead"], make_person("Rita Responsible")]
    for number, person in enumerate(people):
        owned(db, action, f"Milestone {number}", person, date(2020, 9, 1 + number))
    milestone_facts.current(WINDOW)  # the facts for the window's day are worked out once, by the first read of the day
    counts = []
    for some in (people[:1], people):
        with QueryCounter(db.engine) as counter:
            gathered = update_pack.gather_all([person.id for person in some], meeting, WINDOW)
            [gathered.pack_of(person) for person in some]
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_a_run_reads_its_packs_in_batches_each_in_the_same_few_queries(plan_tree, smtp_server, db, make_person):
    """With batches of 2, the run's five owners' pack data is read in three batches (2, 2, 1) in order, each in the
    same queries, and one batch is held at a time; every owner still gets their own pack."""
    board_before_its_update_deadline(db)
    action = plan_tree["action"]
    people = [plan_tree["owner"], plan_tree["lead"], *(make_person(name) for name in ("Rita Responsible",
                                                                                       "Sam Second", "Tess Third"))]
    for number, person in enumerate(people):
        owned(db, action, f"{person.name}'s milestone", person, date(2020, 9, 1 + number))
    batches = []
    real = update_pack.gather_all

    def counted(person_ids, meeting, window):
        with QueryCounter(db.engine) as counter:
            gathered = real(person_ids, meeting, window)
        batches.append((sorted(person_ids), counter.count))
        return gathered

    with patch.object(compose, "PACK_BATCH", 2), patch.object(update_pack, "gather_all", counted):
        reminder_jobs.send_due(SEPT_3)
    ids = sorted(person.id for person in people)
    assert [batch for batch, _ in batches] == [ids[:2], ids[2:4], ids[4:]]
    [(_, first), (_, two), (_, one)] = batches
    assert two == one and first >= two  # the same few queries for 2 owners or 1 (the first also works out the day's
    # milestone facts, once a day)
    packs = {address: pack_text(docx) for address, docx in packs_sent(smtp_server).items()}
    assert all(f"{person.name}'s milestone" in packs[person.email] for person in people)


def test_the_html_part_says_everything_the_text_part_says(plan_tree, smtp_server, db):
    board_before_its_update_deadline(db)
    olive, action = plan_tree["owner"], plan_tree["action"]
    owned(db, action, "Audit tool agreed & published", olive, date(2020, 8, 3))
    reminder_jobs.send_due(SEPT_3)
    [message] = [message for recipients, message in smtp_server.inbox.messages if recipients == [olive.email]]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    words = " ".join(re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").split())
    for line in text.splitlines():
        line = line.strip().removeprefix("- ").removeprefix("--").strip()
        for piece in re.split(r": (?=http)|(?<=reminders) \(|\): ", line):  # text's "label: address" is a link there
            piece = piece.strip()
            if piece.startswith("http"):
                assert f'href="{piece}"' in html
            elif piece:
                assert piece.rstrip(")") in words, piece
