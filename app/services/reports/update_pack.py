"""An action owner's update pack: the open milestones a person is responsible for or leads, as a Word document sent
with each update request before a meeting, so that they can see what to update and follow the link to do it.
Overdue milestones first, then those due soon, then the rest, each part grouped under the milestones' actions (the
action's words once, in a heading row); the milestone's words are the link to its update page.

gather() reads the data in a fixed number of queries (however many milestones the person has) into plain,
JSON-serialisable values (dates as ISO strings); gather_all() does so for many people in the same few queries (the
reminder run gathers every recipient's pack at once); write() turns them into the .docx, on a copy of the packs'
shell (_shell(): worked out once per process, the reports' base document with only the styles and parts a pack uses,
pack_base(), and its running header and footer).
Ratings, overdue and due-soon flags come from app.services.plans.queries, the same rules as the plan pages and My work.
"""

import copy
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml.ns import qn
from docx.shared import Cm
from flask import current_app
from lxml import etree
from sqlalchemy import false, select, true, union_all
from sqlalchemy.orm import aliased

from app.extensions import db
from app.metrics import timed_report
from app.models import (
    Action,
    Area,
    DueDateRevision,
    Meeting,
    Milestone,
    MilestoneStatus,
    Person,
    Plan,
    ProgressUpdate,
    Rating,
    RevisionDecision,
    RevisionReason,
)
from app.models.plans import milestone_leads
from app.services import meetings
from app.services.plans import queries as plan_queries
from app.services.plans.due_dates import describe, long_date, read_date
from app.services.plans.rag import RATING_WORDS
from app.services.reminders.sweep import settings as reminder_settings
from app.services.reminders.wording import MilestoneWording
from app.services.reports import document
from app.services.wording import plural

COLUMNS = ("Milestone (select it to add your update)", "Your role", "When due", "Latest update", "RAG", "Why")
WIDTHS_CM = (6.6, 2.4, 3.5, 7.1, 2.0, 4.1)  # 25.7 cm: a landscape A4 page inside 2 cm margins
MILESTONE_COLUMN, RAG_COLUMN = 0, COLUMNS.index("RAG")
ACTION_FILL = "F3F2F1"  # the action's heading row: light grey, so the milestones under it stand out
UPDATE_EXCERPT = 200  # characters of the latest update: enough to recall it; the service has the whole text
RATING_SETTER = aliased(Person, name="rating_setter")
OPEN = aliased(Milestone, name="open_milestone")


# --- The data -----------------------------------------------------------------------------------


def gather(person: Person, meeting: Meeting | None, window: plan_queries.Window) -> dict:
    """The person's open milestones, overdue first, then due soon, then the rest, each part grouped by action, with
    what the pack says about each."""
    return gather_all([person.id], meeting, window).pack_of(person)


@dataclass(frozen=True)
class OwnPack:
    """A person's own update pack, downloaded from My work."""

    content: bytes
    filename: str
    counts: dict  # open, overdue, due_soon


def own_pack(person: Person, now: datetime) -> OwnPack:
    """The person's update pack made now, from the current data, for the next meeting with an update deadline (as the
    update request before it will carry), or for no meeting when none is coming up."""
    meeting = meetings.next_for_updates(now.date())
    data = gather(person, meeting, plan_queries.Window.configured(now.date()))
    day = meeting.held_on if meeting else now.date()
    return OwnPack(write(data, generated_at=now), f"update-pack-{day:%Y-%m-%d}.docx", data["counts"])


@dataclass
class Gathered:
    """What the packs of several people are made from, read for them all at once; pack_of(person) gives one
    person's pack data, as gather() does, made when asked for (so a run holds the rows once, not every pack)."""

    shared: dict  # what every pack says alike: the meeting, the service, the date
    window: plan_queries.Window
    rows: dict[int, plan_queries.MilestoneRow]  # open milestones by id, in plan order
    roles: dict[int, dict[int, bool]]  # person: milestone: responsible for it (else a lead)
    details: dict[int, dict]
    updates: dict[int, dict]
    revisions: dict[int, dict]

    def __post_init__(self):
        self.position = {milestone_id: number for number, milestone_id in enumerate(self.rows)}
        self.made: dict[int, dict] = {}  # each milestone's data, made for the first pack with it (in 2.4 packs each)

    def rows_of(self, person: Person) -> list[plan_queries.MilestoneRow]:
        """The person's open milestones, in plan order, as plan_queries.my_milestones gives them."""
        roles_of = self.roles.get(person.id, {})
        return [self.rows[mid] for mid in sorted(roles_of.keys() & self.rows.keys(), key=self.position.get)]

    def pack_of(self, person: Person) -> dict:
        roles_of, mine = self.roles.get(person.id, {}), self.rows_of(person)
        milestones = [{**self._milestone(row), "role": "responsible" if roles_of[row.id] else "lead"} for row in mine]
        return {"person": {"id": person.id, "name": person.name}, **self.shared,
                "counts": {"open": len(mine), "overdue": sum(row.overdue for row in mine),
                           "due_soon": sum(row.due_soon for row in mine)},
                "parts": _parts(mine, milestones, self.details, self.window)}

    def _milestone(self, row: plan_queries.MilestoneRow) -> dict:
        if row.id not in self.made:
            self.made[row.id] = _milestone(row, self.details[row.id], self.updates.get(row.id),
                                           self.revisions.get(row.id), current_app.config["BASE_URL"])
        return self.made[row.id]


def gather_all(person_ids: list[int], meeting: Meeting | None, window: plan_queries.Window) -> Gathered:
    """What the packs of all these people are made from, in five queries (six with the reminder settings, for a
    meeting's deadline) however many people and milestones: a reminder run's packs cost the same few queries for
    each batch of recipients, one recipient or a batch of compose.PACK_BATCH."""
    roles = _roles(person_ids)
    chosen = (select(OPEN.id).where(OPEN.id.in_(select(roles.c.milestone_id)), OPEN.status != MilestoneStatus.COMPLETE)
              .scalar_subquery())  # their open milestones (an alias: not correlated to the queries' Milestone)
    rows = plan_queries.milestone_rows(window, Milestone.id.in_(chosen))
    responsible: dict[int, dict[int, bool]] = defaultdict(dict)
    for milestone_id, person_id, is_responsible in db.session.execute(select(roles)):
        responsible[person_id][milestone_id] = responsible[person_id].get(milestone_id, False) or is_responsible
    shared = {"meeting": _meeting(meeting) if meeting else None, "service_name": current_app.config["SERVICE_NAME"],
              "today": window.today.isoformat(), "due_soon_days": window.due_soon_days}
    return Gathered(shared, window, {row.id: row for row in rows}, dict(responsible), _details(chosen),
                    _latest_updates(chosen), _pending_revisions(chosen))


def _roles(person_ids: list[int]):
    """(milestone, person, responsible) for each milestone the people are responsible for or lead."""
    return union_all(
        select(Milestone.id.label("milestone_id"), Milestone.responsible_id.label("person_id"),
               true().label("responsible")).where(Milestone.responsible_id.in_(person_ids)),
        select(milestone_leads.c.milestone_id, milestone_leads.c.person_id, false())
        .where(milestone_leads.c.person_id.in_(person_ids)),
    ).subquery()


def _meeting(meeting: Meeting) -> dict:
    """The meeting, with its update deadline in words and how it was moved off a weekend or bank holiday."""
    moved = meetings.update_deadline_moved(meeting, reminder_settings())
    return {"id": meeting.id, "title": meeting.title, "held_on": meeting.held_on.isoformat(),
            "update_deadline": meeting.update_deadline.isoformat(),
            "update_deadline_text": meetings.deadline_text(meeting.update_deadline, moved)}


def _details(ids) -> dict[int, dict]:
    """What the plan rows do not carry: the due note, who set a rating and why, and the action's and area's
    words."""
    query = (
        select(Milestone.id, Milestone.due_note, Milestone.rag_set_reason,
               RATING_SETTER.name.label("rating_set_by"), Action.what, Area.number.label("area_number"),
               Area.title.label("area_title"), Plan.title.label("plan_title"))
        .join(Action, Milestone.action_id == Action.id)
        .join(Area, Action.area_id == Area.id)
        .join(Plan, Area.plan_id == Plan.id)
        .outerjoin(RATING_SETTER, Milestone.rag_set_by_id == RATING_SETTER.id)
        .where(Milestone.id.in_(ids))
    )
    return {row.id: row._asdict() for row in db.session.execute(query)}


def _latest_updates(ids) -> dict[int, dict]:
    """Each milestone's newest progress update (plan_queries.newest_update_ids), as plain data. One query."""
    query = select(ProgressUpdate.milestone_id, ProgressUpdate.written_on, ProgressUpdate.body,
                   ProgressUpdate.signed_as, ProgressUpdate.author_id
                   ).where(ProgressUpdate.id.in_(plan_queries.newest_update_ids(ids)))
    return {row.milestone_id: {"written_on": row.written_on.isoformat(), "body": row.body,
                               "by": row.signed_as if row.author_id else None}  # a person's name; not an import's
            for row in db.session.execute(query)}


def _pending_revisions(ids) -> dict[int, dict]:
    """Revised dates awaiting a programme manager's decision (the latest one, should there be several)."""
    query = (select(DueDateRevision.milestone_id, DueDateRevision.old_raw, DueDateRevision.old_on,
                    DueDateRevision.new_raw, DueDateRevision.new_on, DueDateRevision.reason,
                    DueDateRevision.reason_text, DueDateRevision.proposed_at)
             .where(DueDateRevision.milestone_id.in_(ids), DueDateRevision.decision == RevisionDecision.PROPOSED)
             .order_by(DueDateRevision.id))
    return {row.milestone_id: {"from_as_written": row.old_raw, "from_on": _iso(row.old_on),
                               "to_as_written": row.new_raw, "to_on": _iso(row.new_on),
                               "reason": RevisionReason(row.reason).label, "reason_text": row.reason_text,
                               "proposed_on": row.proposed_at.date().isoformat()}
            for row in db.session.execute(query)}


def _milestone(row: plan_queries.MilestoneRow, detail: dict, latest_update: dict | None,
               pending_revision: dict | None, base_url: str) -> dict:
    """The milestone's data in every pack with it; each pack adds the reader's role."""
    links = MilestoneWording(row.id, row.action_number, row.deliverable, row.due_on)  # the reminders' own links
    return {
        "id": row.id,
        "deliverable": row.deliverable,
        "due": {"as_written": row.due_raw, "on": _iso(row.due_on), "problem": row.due_problem,
                "as_read": describe(kind=row.due_kind, on=row.due_on, note=detail["due_note"], problem=row.due_problem,
                                  dates=long_date)},
        "overdue": row.overdue,
        "due_soon": row.due_soon,
        "stale": row.stale,
        "rating": Rating(row.rating).value,
        "rating_word": RATING_WORDS[Rating(row.rating)],
        "rating_was_set": row.rating_was_set,
        "why": _why(row, detail),
        "suggested": row.suggested.explanation,
        "latest_update": latest_update,
        "pending_revision": pending_revision,
        "link": base_url + links.link,
        "update_link": base_url + links.update_link,
    }


def _why(row: plan_queries.MilestoneRow, detail: dict) -> str:
    """The suggestion's reason (the RAG column beside it has the word) or, for a rating a person set, who set it and
    their reason."""
    if not row.rating_was_set:
        return row.suggested.why
    return f"Set by {detail['rating_set_by'] or 'a person'}: {detail['rag_set_reason']}"


def _parts(rows: list[plan_queries.MilestoneRow], milestones: list[dict], details: dict[int, dict],
           window: plan_queries.Window) -> list[dict]:
    """Overdue, then due soon, then the rest (the parts with milestones): in each, the milestones by due date (those
    without one last, then in plan order), grouped under their action, the actions in the order of their first
    milestone."""
    parts = {"overdue": ("Overdue", []), "due_soon": (f"Due in the next {window.due_soon_days} days", []),
             "later": ("Later, or no date", [])}
    for row, milestone in zip(rows, milestones, strict=True):
        part = "overdue" if row.overdue else "due_soon" if row.due_soon else "later"
        parts[part][1].append((row, milestone))
    return [{"key": key, "title": title, "count": len(pairs), "actions": _by_action(pairs, details)}
            for key, (title, pairs) in parts.items() if pairs]


def _by_action(pairs: list[tuple[plan_queries.MilestoneRow, dict]], details: dict[int, dict]) -> list[dict]:
    actions: dict[int, dict] = {}
    for row, milestone in sorted(pairs, key=lambda pair: (pair[0].due_on is None, pair[0].due_on or date.min)):
        detail = details[row.id]
        action = actions.setdefault(row.action_id, {
            "number": row.action_number, "what": detail["what"], "area": f"{detail['area_number']} "
            f"{detail['area_title']}".strip(), "plan": detail["plan_title"], "milestones": []})
        action["milestones"].append(milestone)
    return list(actions.values())


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- The document -------------------------------------------------------------------------------

# What a pack's base keeps of the reports' base document: the styles a pack uses (with those they are based on,
# linked to or followed by, and the defaults), and the parts Word needs. Dropped: the other styles, Word's copy of
# the styles with effects, the thumbnail, the custom XML and the web settings, which a pack never uses and which
# were four fifths of every pack e-mailed; and the theme, the font table and the application's properties, which
# Word and LibreOffice do without (the styles name their fonts and colours themselves), and the settings Word
# keeps for its own editing (revision ids, equation and drawing defaults): a fifth of what was left.
TABLE_STYLE = "Table Grid"  # document.table's, as every report's tables
PACK_STYLES = ("Normal", "Heading 1", "Heading 2", "List Bullet", document.TABLE_TEXT, TABLE_STYLE, "Header", "Footer")
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"  # Word 2010's
UNUSED_PARTS = (STYLES_WITH_EFFECTS, RELATIONSHIP_TYPE.WEB_SETTINGS, RELATIONSHIP_TYPE.CUSTOM_XML,
                RELATIONSHIP_TYPE.THUMBNAIL, RELATIONSHIP_TYPE.THEME, RELATIONSHIP_TYPE.FONT_TABLE,
                RELATIONSHIP_TYPE.EXTENDED_PROPERTIES)
EDITING_SETTINGS = ("w:rsids", "m:mathPr", "w:shapeDefaults", "w14:docId", "w:proofState", "w:savePreviewPicture",
                    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotAutoCompressPictures")
THEME_ATTRIBUTES = tuple(qn(f"w:{name}") for name in ("themeColor", "themeShade", "themeTint", "asciiTheme",
                                                       "hAnsiTheme", "eastAsiaTheme", "cstheme"))
_STYLE, _STYLE_ID, _NAME, _VAL = qn("w:style"), qn("w:styleId"), qn("w:name"), qn("w:val")
_STYLE_REFERENCES = tuple(qn(tag) for tag in ("w:basedOn", "w:link", "w:next"))


@cache
def pack_base() -> bytes:
    """The base document of every pack, worked out once per process: the reports' base document with only what a
    pack uses (PACK_STYLES, and the parts Word needs), as a .docx. Each pack opens a copy of it."""
    base = Document(str(document.BASE_DOCUMENT))
    for package_part in (base.part.package, base.part):
        for rel_id, rel in list(package_part.rels.items()):
            if rel.reltype in UNUSED_PARTS:
                package_part.rels.pop(rel_id)
    numbered = {style.get(_VAL) for style in base.part.numbering_part.element.iter(qn("w:pStyle"))}
    _keep_styles(base.styles.element, PACK_STYLES, numbered)
    _without_theme(base.styles.element)
    settings = base.settings.element
    for setting in [element for tag in EDITING_SETTINGS for element in settings.findall(qn(tag))]:
        settings.remove(setting)
    return document.to_bytes(base)


def _without_theme(styles) -> None:
    """The styles' colours and fonts as they name them, not as the theme (which a pack has not) would: Word and
    LibreOffice use the named ones when there is no theme, but say so in the file."""
    for element in styles.iter():
        for attribute in THEME_ATTRIBUTES:
            element.attrib.pop(attribute, None)


def _keep_styles(styles, names: tuple[str, ...], ids: set[str]) -> None:
    """Remove every style but the named ones, those with the given ids (the list styles the numbering names), the
    defaults and the styles they refer to; and the latent styles (Word's list of its built-in styles' settings,
    which it knows without it)."""
    by_id = {style.get(_STYLE_ID): style for style in styles.iter(_STYLE)}
    wanted = [style_id for style_id, style in by_id.items()
              if style.get(qn("w:default")) == "1" or style_id in ids
              or style.find(_NAME).get(_VAL) in _names_in_file(names)]
    kept: set[str] = set()
    while wanted:
        style_id = wanted.pop()
        if style_id in kept or style_id not in by_id:
            continue
        kept.add(style_id)
        wanted += [reference.get(_VAL) for tag in _STYLE_REFERENCES for reference in by_id[style_id].iter(tag)]
    for style_id, style in by_id.items():
        if style_id not in kept:
            styles.remove(style)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)


def _names_in_file(names: tuple[str, ...]) -> set[str]:
    """Word writes its built-in styles' names in lower case in the file ("heading 1"); python-docx reads both."""
    return {*names, *(name.lower() for name in names)}



@timed_report("update_pack")
def write(data: dict, *, generated_at: datetime) -> bytes:
    """The update pack as a .docx: what is asked and by when, then on landscape pages a table for each part (overdue,
    due soon, later), one row per milestone under a heading row for its action; the milestone is the link to add
    the update."""
    title = f"Update pack: {data['person']['name']}"
    report = copy.deepcopy(_shell(document.protective_marking()))
    document.set_properties(report, title, generated_at)
    header = {_TITLE_HERE: title, _DATED_HERE: long_date(data["today"])}
    document.heading(report, title, 1)
    document.paragraphs(report, _introduction(data, generated_at))
    if not data["parts"]:
        document.paragraphs(report, "You have no open milestones, so there is nothing to update for now.")
        return _saved(report, [], header)
    document.bullets(report, _what_to_do(data))
    document.landscape_section(report)
    tables = []
    for part in data["parts"]:
        document.heading(report, f"{part['title']}: {plural(part['count'], 'milestone')}", 2)
        tables.append(_part_table(report, part))
    return _saved(report, tables, header)


@cache
def _shell(marking: str) -> WordDocument:
    """Every pack before its content, made once per process (and marking): the lean base (pack_base) with the running
    header and footer, whose line naming the pack says _TITLE_HERE · _DATED_HERE; each pack is written on a copy,
    and _saved() puts its own title and date in their place (making the header and footer was a seventh of a pack's
    time)."""
    shell = document.new_document(_TITLE_HERE, generated_at=datetime.min, dated=_DATED_HERE, marking=marking,
                                  base=Document(io.BytesIO(pack_base())))
    document.style_ids(shell)  # looked up now, for every copy
    return shell


_TITLE_HERE, _DATED_HERE = "PACK-TITLE-HERE", "PACK-DATED-HERE"  # only in the shell's header: its other line is the marking
_IN_HEADER = re.compile(f"{_TITLE_HERE}|{_DATED_HERE}".encode())


def _introduction(data: dict, generated_at: datetime) -> str:
    service, meeting, counts = data["service_name"], data["meeting"], data["counts"]
    if meeting:
        asked = (f"For the {meeting['title']} on {long_date(meeting['held_on'])}.\n"
                 f"Please add your updates in {service} by {meeting['update_deadline_text']}.")
    else:
        asked = f"Please keep your milestones up to date in {service}."
    total = plural(counts["open"], "open milestone")
    summary = (f"You are responsible for or lead {total}: {counts['overdue']} overdue and {counts['due_soon']} due "
               f"in the next {data['due_soon_days']} days." if counts["open"] else "")
    return f"{asked}\n{summary}\nMade on {long_date(generated_at.date())}, with dates and ratings as at " \
           f"{long_date(data['today'])}."


def _what_to_do(data: dict) -> list[str]:
    service = data["service_name"]
    return [f"Add a dated progress update to each milestone in {service}: select the milestone's name in the tables "
            "to open its update page.",
            "Overdue milestones come first, then those due soon, each under its action.",
            "If a date has to change, propose a revised date with the reason; a programme manager decides.",
            "Mark a milestone complete when it is done."]


def _part_table(report: WordDocument, part: dict) -> str:
    """The part's table: its header row (repeated on every page), then one heading row per action (its number and
    words, across the table, shaded, kept with the row after it) and a row per milestone. Written as XML text, never
    parsed: a placeholder stands for it in the document, and _saved() puts the text in its place (making each element
    in Python, then parsing the text, then writing the parsed table out again were most of a pack's time). The table
    is what document.table, spanning_row, rag_cell and link write for every other report (no row split across pages,
    the widths on the grid and on each cell); tests/integration/test_update_pack_base.py compares the two. A heading
    comes before each table, so two tables never touch."""
    rows = _Rows(report)
    for action in part["actions"]:
        rows.action(f"{action['number']} {action['what']}".strip())
        for milestone in action["milestones"]:
            rows.milestone(milestone)
    grid = "".join(f'<w:gridCol w:w="{twips}"/>' for twips in rows.twips)
    report.element.body.sectPr.addprevious(etree.Comment(_TABLE_HERE))  # before the last section's properties
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="{rows.table_style}"/>'
            f'<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>{_TABLE_LOOK}</w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>{rows.header()}{"".join(rows.xml)}</w:tbl>')


_TABLE_HERE = "update pack table"  # a comment: no text in a document can end one early (its "<" are escaped)


def _saved(report: WordDocument, tables: list[str], header: dict[str, str]) -> bytes:
    """The .docx as python-docx's save writes it (docx.opc.pkgwriter.PackageWriter: the content types, the package's
    relationships, then each part and its relationships), except that the tables' text goes in place of their
    placeholders, the header's line naming the pack says `header` (the shell's placeholders: their text), and the
    document's relationships (a hyperlink per milestone) are written as text."""
    buffer, package, main = io.BytesIO(), report.part.package, report.part
    parts = list(package.iter_parts())
    writer = PhysPkgWriter(buffer)
    writer.write(CONTENT_TYPES_URI, _ContentTypesItem.from_parts(parts).blob)
    writer.write(PACKAGE_URI.rels_uri, package.rels.xml)
    said = {placeholder.encode(): escape(text).encode() for placeholder, text in header.items()}
    for part in parts:
        blob = _with_tables(main.blob, tables) if part is main else part.blob
        if part.content_type == CONTENT_TYPE.WML_HEADER:
            blob = _IN_HEADER.sub(lambda found: said[found.group()], blob)
        writer.write(part.partname, blob)
        if len(part.rels):
            writer.write(part.partname.rels_uri, _relationships(part.rels) if part is main else part.rels.xml)
    writer.close()
    return buffer.getvalue()


def _with_tables(blob: bytes, tables: list[str]) -> bytes:
    """The document with each table's text in place of its placeholder (as many of one as of the other)."""
    pieces = blob.split(f"<!--{_TABLE_HERE}-->".encode())
    return b"".join(piece for pair in zip(pieces, [*(table.encode() for table in tables), b""], strict=True)
                    for piece in pair)


def _relationships(rels) -> bytes:
    """A part's relationships as python-docx writes them (CT_Relationships), as text: building an element per
    hyperlink was a tenth of a pack's time."""
    items = "".join(f'<Relationship Id="{rel.rId}" Type="{rel.reltype}" Target="{escape(rel.target_ref, _QUOTE)}"'
                    + (' TargetMode="External"/>' if rel.is_external else "/>") for rel in rels.values())
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<Relationships xmlns="{RELATIONSHIPS_NAMESPACE}">{items}</Relationships>').encode()


_QUOTE = {'"': "&quot;"}
RELATIONSHIPS_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/relationships"


class _Rows:
    """Table rows as WordprocessingML text, in the pack's column widths and the base document's Table Text style."""

    def __init__(self, report: WordDocument):
        self.report, self.xml = report, []
        ids = document.style_ids(report)
        self.style, self.table_style = ids[document.TABLE_TEXT], ids[TABLE_STYLE]
        self.twips = [int(Cm(width).twips) for width in WIDTHS_CM]
        # each milestone cell's start, up to its paragraph's content (the same in every row but the RAG cell's fill)
        self.starts = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/>' for twips in self.twips]
        self.paragraph_start = f'<w:p><w:pPr><w:pStyle w:val="{self.style}"/></w:pPr>'

    def header(self) -> str:
        shading = _shading(document.HEADER_FILL)
        return ('<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>' + "".join(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/>{shading}</w:tcPr>'
            f'{self._paragraph(_runs(heading, bold=True), keep_next=True)}</w:tc>'
            for heading, twips in zip(COLUMNS, self.twips, strict=True)) + "</w:tr>")

    def action(self, text: str) -> None:
        shading = _shading(ACTION_FILL)
        self.xml.append(f'<w:tr>{_CANT_SPLIT}<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{sum(self.twips)}"/>'
                        f'<w:gridSpan w:val="{len(COLUMNS)}"/>{shading}</w:tcPr>'
                        f'{self._paragraph(_runs(text, bold=True) if text else "", keep_next=True)}</w:tc></w:tr>')

    def milestone(self, milestone: dict) -> None:
        rating = Rating(milestone["rating"])
        rag = _runs(RATING_WORDS[rating], bold=True) + (
            _runs("\n(set by a person)") if milestone["rating_was_set"] else "")
        _, role, when, latest, _, why = _cells(milestone)
        cells = [self._link(milestone["deliverable"], milestone["update_link"]), *map(_runs, (role, when, latest)),
                 rag, _runs(why)]
        self.xml.append(f"<w:tr>{_CANT_SPLIT}" + "".join(
            self._cell(number, content, document.RAG_FILL[rating] if number == RAG_COLUMN else None)
            for number, content in enumerate(cells)) + "</w:tr>")

    def _cell(self, number: int, content: str, fill: str | None) -> str:
        return (f'{self.starts[number]}{_shading(fill) if fill else ""}</w:tcPr>'
                f"{self.paragraph_start}{content}</w:p></w:tc>")

    def _paragraph(self, content: str, *, keep_next: bool = False) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="{self.style}"/>{"<w:keepNext/>" if keep_next else ""}</w:pPr>{content}</w:p>'

    def _link(self, text: str, url: str) -> str:
        """The milestone's words as a link to its update page (document.link's runs: underlined, link colour)."""
        rel_id = f"rIdPack{len(self.report.part.rels) + 1}"
        self.report.part.rels.add_relationship(RELATIONSHIP_TYPE.HYPERLINK, url, rel_id, is_external=True)
        style = f'<w:rPr><w:color w:val="{document.LINK_COLOUR}"/><w:u w:val="single"/></w:rPr>'
        runs = "".join(f'<w:r>{style}{"<w:br/>" if number else ""}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
                       for number, line in enumerate(text.splitlines() or [""]))
        return f'<w:hyperlink r:id="{rel_id}">{runs}</w:hyperlink>'


_CANT_SPLIT = "<w:trPr><w:cantSplit/></w:trPr>"
_TABLE_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
               'w:noVBand="1" w:val="04A0"/>')  # python-docx's new table's


def _shading(fill: str) -> str:
    return f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'


def _runs(text: str, *, bold: bool = False) -> str:
    """A run saying the text, as document's _fill_run writes it: each line break a w:br, each tab a w:tab; nothing
    for no text."""
    if not text:
        return ""
    pieces = _BREAK.split(text)
    parts = _text(text) if len(pieces) == 1 else "".join(_BREAKS.get(piece) or _text(piece) for piece in pieces if piece)
    return f'<w:r>{"<w:rPr><w:b/></w:rPr>" if bold else ""}{parts}</w:r>'


_BREAK = re.compile("(\r\n|\r|\n|\t)")
_BREAKS = {"\r\n": "<w:br/>", "\r": "<w:br/>", "\n": "<w:br/>", "\t": "<w:tab/>"}


def _text(piece: str) -> str:
    space = ' xml:space="preserve"' if piece[0].isspace() or piece[-1].isspace() else ""
    return f"<w:t{space}>{escape(piece)}</w:t>"


def _cells(milestone: dict) -> list[str]:
    """A milestone row's text; the milestone (a link) and RAG cells are filled afterwards."""
    return ["", milestone["role"].capitalize(), _when_due(milestone), _latest_update(milestone["latest_update"]), "",
            _why_text(milestone)]


def _when_due(milestone: dict) -> str:
    """The due date in words, and what the plan says when that adds something ("Revised 10/08/20")."""
    due = milestone["due"]
    written = due["as_written"]
    lines = [(due["as_read"] if not due["problem"] else written) or written or "No date given"]
    lines[0] += " (overdue)" if milestone["overdue"] else " (due soon)" if milestone["due_soon"] else ""
    if due["problem"]:
        lines.append(f"Invalid date: {due['problem']}")
    elif written and not _reads_as_written(due, written):
        lines.append(f"The plan says: {written}")
    revision = milestone["pending_revision"]
    if revision:
        lines.append(f"Revised from {revision['from_as_written'] or _date(revision['from_on']) or 'no date'} "
                     f"({revision['reason']}), awaiting a programme manager's decision")
    return "\n".join(lines)


def _reads_as_written(due: dict, written: str) -> bool:
    """True when the plan's words add nothing: the same words, or the same date written another way (30/09/20)."""
    if due["as_read"] in ("", written):
        return True
    return due["on"] is not None and read_date(written).on == date.fromisoformat(due["on"])


def _why_text(milestone: dict) -> str:
    """For a rating a person set, the suggestion is shown beside their reason."""
    if milestone["rating_was_set"]:
        return f"{milestone['why']}\nSuggested: {milestone['suggested']}"
    return milestone["why"]


def _latest_update(update: dict | None) -> str:
    """The date once (and who wrote it, for an update a person added), then the start of the text on the same
    line: "20 July 2020, Olive Owner: Newest update text…"."""
    if update is None:
        return "No update yet"
    signed = f", {update['by']}" if update["by"] else ""
    return f"{long_date(update['written_on'])}{signed}: {_excerpt(update['body'])}"


def _excerpt(body: str) -> str:
    """The update's first UPDATE_EXCERPT characters or so, its lines run together, cut at a word."""
    text = " ".join(body.split())
    if len(text) <= UPDATE_EXCERPT:
        return text
    return text[:UPDATE_EXCERPT].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def _date(iso: str | None) -> str:
    return long_date(iso) if iso else ""
