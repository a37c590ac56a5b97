"""An action owner's update pack: the open milestones a person is responsible for or leads, as a Word document sent
with each update request before a meeting, so that they can see what to update and follow the link to do it.

gather() reads the data in a fixed number of queries (however many milestones the person has) into plain,
JSON-serialisable values (dates as ISO strings); write() turns them into the .docx. Ratings, overdue and due-soon
flags come from app.services.plans.queries, the same rules as the plan pages and My work.
"""

from datetime import date, datetime

from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Action,
    Area,
    DueDateRevision,
    Meeting,
    Milestone,
    Person,
    Plan,
    ProgressUpdate,
    Rating,
    RevisionDecision,
    RevisionReason,
)
from app.models.plans import milestone_leads
from app.services.plans import queries as plan_queries
from app.services.plans.due_dates import describe, format_date, long_date, read_date
from app.services.plans.rag import RATING_WORDS
from app.services.reminders.wording import MilestoneWording
from app.services.reports import document
from app.services.wording import plural

COLUMNS = ("Action", "Milestone / deliverable", "Your role", "When due", "Latest update", "RAG", "Why",
           "Add your update at")
WIDTHS_CM = (2.8, 4.2, 2.2, 3.0, 4.8, 1.9, 3.6, 3.2)  # 25.7 cm: a landscape A4 page inside 2 cm margins
RAG_COLUMN, LINK_COLUMN = COLUMNS.index("RAG"), COLUMNS.index("Add your update at")
LINK_COLOUR = "0563C1"
RATING_SETTER = aliased(Person, name="rating_setter")


# --- The data -----------------------------------------------------------------------------------


def gather(person: Person, meeting: Meeting | None, window: plan_queries.Window) -> dict:
    """The person's open milestones, grouped by area and action, with what the pack says about each. Four queries."""
    rows = plan_queries.my_milestones(person, window)
    ids = [row.id for row in rows]
    details, updates, revisions = _details(person, ids), _latest_updates(ids), _pending_revisions(ids)
    base_url = current_app.config["BASE_URL"]
    milestones = [_milestone(row, details[row.id], updates.get(row.id), revisions.get(row.id), base_url)
                  for row in rows]
    return {
        "person": {"id": person.id, "name": person.name},
        "meeting": _meeting(meeting),
        "service_name": current_app.config["SERVICE_NAME"],
        "today": window.today.isoformat(),
        "due_soon_days": window.due_soon_days,
        "counts": {"open": len(rows), "overdue": sum(row.overdue for row in rows),
                   "due_soon": sum(row.due_soon for row in rows)},
        "areas": _grouped(rows, milestones, details),
    }


def _meeting(meeting: Meeting | None) -> dict | None:
    if meeting is None:
        return None
    return {"id": meeting.id, "title": meeting.title, "held_on": meeting.held_on.isoformat(),
            "update_deadline": meeting.update_deadline.isoformat()}


def _details(person: Person, ids: list[int]) -> dict[int, dict]:
    """What the plan rows do not carry: the person's role, the due note, who set a rating and why, and the
    action's and area's words."""
    led = select(milestone_leads.c.milestone_id).where(milestone_leads.c.person_id == person.id)
    query = (
        select(Milestone.id, (Milestone.responsible_id == person.id).label("responsible"),
               Milestone.id.in_(led).label("lead"), Milestone.due_note, Milestone.rag_set_reason,
               RATING_SETTER.name.label("rating_set_by"), Action.what, Area.number.label("area_number"),
               Area.title.label("area_title"), Plan.title.label("plan_title"))
        .join(Action, Milestone.action_id == Action.id)
        .join(Area, Action.area_id == Area.id)
        .join(Plan, Area.plan_id == Plan.id)
        .outerjoin(RATING_SETTER, Milestone.rag_set_by_id == RATING_SETTER.id)
        .where(Milestone.id.in_(ids))
    )
    return {row.id: row._asdict() for row in db.session.execute(query)}


def _latest_updates(ids: list[int]) -> dict[int, dict]:
    """Each milestone's newest progress update (by its date, then the order written), in one query."""
    newest_first = func.row_number().over(partition_by=ProgressUpdate.milestone_id,
                                          order_by=(ProgressUpdate.written_on.desc(), ProgressUpdate.id.desc()))
    ranked = (select(ProgressUpdate.milestone_id, ProgressUpdate.written_on, ProgressUpdate.body,
                     ProgressUpdate.signed_as, newest_first.label("rank"))
              .where(ProgressUpdate.milestone_id.in_(ids)).subquery())
    query = select(ranked.c.milestone_id, ranked.c.written_on, ranked.c.body, ranked.c.signed_as).where(ranked.c.rank == 1)
    return {milestone_id: {"written_on": written_on.isoformat(), "body": body, "signed_as": signed_as}
            for milestone_id, written_on, body, signed_as in db.session.execute(query)}


def _pending_revisions(ids: list[int]) -> dict[int, dict]:
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
    links = MilestoneWording(row.id, row.action_number, row.deliverable, row.due_on)  # the reminders' own links
    return {
        "id": row.id,
        "deliverable": row.deliverable,
        "role": "responsible" if detail["responsible"] else "lead",
        "due": {"as_written": row.due_raw, "on": _iso(row.due_on), "problem": row.due_problem,
                "as_read": describe(kind=row.due_kind, on=row.due_on, note=detail["due_note"], problem=row.due_problem)},
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


def _grouped(rows: list[plan_queries.MilestoneRow], milestones: list[dict], details: dict[int, dict]) -> list[dict]:
    """Milestones under their action under their area, in the plan's order."""
    areas: dict[int, dict] = {}
    for row, milestone in zip(rows, milestones, strict=True):
        detail = details[row.id]
        area = areas.setdefault(row.area_id, {"number": detail["area_number"], "title": detail["area_title"],
                                              "plan": detail["plan_title"], "actions": {}})
        action = area["actions"].setdefault(row.action_id, {"number": row.action_number, "what": detail["what"],
                                                            "milestones": []})
        action["milestones"].append(milestone)
    return [{**area, "actions": list(area["actions"].values())} for area in areas.values()]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- The document -------------------------------------------------------------------------------


def write(data: dict, *, generated_at: datetime) -> bytes:
    """The update pack as a .docx: what is asked and by when, then a landscape table of the milestones per area."""
    title = f"Update pack: {data['person']['name']}"
    report = document.new_document(title, generated_at=generated_at,
                                 marking=document.protective_marking(), dated=long_date(data["today"]))
    document.heading(report, title, 1)
    document.paragraphs(report, _introduction(data, generated_at))
    if not data["areas"]:
        document.paragraphs(report, "You have no open milestones, so there is nothing to update for now.")
        return document.to_bytes(report)
    document.bullets(report, _what_to_do(data))
    document.landscape_section(report)
    for area in data["areas"]:
        document.heading(report, f"{area['number']} {area['title']}", 2)
        _milestone_table(report, area)
    return document.to_bytes(report)


def _introduction(data: dict, generated_at: datetime) -> str:
    service, meeting, counts = data["service_name"], data["meeting"], data["counts"]
    if meeting:
        asked = (f"For the {meeting['title']} on {_date(meeting['held_on'])}.\n"
                 f"Please add your updates in {service} by {_date(meeting['update_deadline'])}.")
    else:
        asked = f"Please keep your milestones up to date in {service}."
    total = plural(counts["open"], "open milestone")
    summary = (f"You are responsible for or lead {total}: {counts['overdue']} overdue and {counts['due_soon']} due "
               f"in the next {data['due_soon_days']} days." if counts["open"] else "")
    return f"{asked}\n{summary}\nMade on {format_date(generated_at)}, with dates and ratings as at {_date(data['today'])}."


def _what_to_do(data: dict) -> list[str]:
    service = data["service_name"]
    return [f"Add a dated progress update to each milestone in {service}: the last column has the address.",
            "If a date has to change, propose a revised date with the reason; a programme manager decides.",
            "Mark a milestone complete when it is done."]


def _milestone_table(report: WordDocument, area: dict) -> None:
    milestones = [(action, milestone) for action in area["actions"] for milestone in action["milestones"]]
    table = document.table(report, COLUMNS, [_cells(action, milestone) for action, milestone in milestones],
                           widths_cm=WIDTHS_CM)
    for (_, milestone), row in zip(milestones, table.rows[1:], strict=True):
        cells = row.cells
        document.rag_cell(cells[RAG_COLUMN], Rating(milestone["rating"]),
                          "(set by a person)" if milestone["rating_was_set"] else "")
        _hyperlink(cells[LINK_COLUMN].paragraphs[0], milestone["update_link"])


def _cells(action: dict, milestone: dict) -> list[str]:
    """A row's text; the RAG and link cells are filled afterwards (shading, a clickable address)."""
    return [f"{action['number']} {action['what']}".strip(), milestone["deliverable"], milestone["role"].capitalize(),
            _when_due(milestone), _latest_update(milestone["latest_update"]), "", _why_text(milestone), ""]


def _when_due(milestone: dict) -> str:
    due = milestone["due"]
    written = due["as_written"] or due["as_read"] or "No date given"
    lines = [written + (" (overdue)" if milestone["overdue"] else " (due soon)" if milestone["due_soon"] else "")]
    if due["problem"]:
        lines.append(f"Invalid date: {due['problem']}")
    elif not _reads_as_written(due, written):
        lines.append(f"Read as: {due['as_read']}")
    revision = milestone["pending_revision"]
    if revision:
        lines.append(f"Revised from {revision['from_as_written'] or _date(revision['from_on']) or 'no date'} "
                     f"({revision['reason']}), awaiting a programme manager's decision")
    return "\n".join(lines)


def _reads_as_written(due: dict, written: str) -> bool:
    """True when the reading adds nothing: the same words, or the same date written another way (30/09/20)."""
    if due["as_read"] in ("", written):
        return True
    return due["on"] is not None and read_date(written).on == date.fromisoformat(due["on"])


def _why_text(milestone: dict) -> str:
    """For a rating a person set, the suggestion is shown beside their reason."""
    if milestone["rating_was_set"]:
        return f"{milestone['why']}\nSuggested: {milestone['suggested']}"
    return milestone["why"]


def _latest_update(update: dict | None) -> str:
    if update is None:
        return "No update yet"
    return f"{_date(update['written_on'])}, {update['signed_as']}:\n{update['body']}"


def _hyperlink(paragraph: Paragraph, url: str) -> None:
    """A clickable address (underlined, and the address itself as its text)."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run, properties = OxmlElement("w:r"), OxmlElement("w:rPr")
    colour, underline, text = OxmlElement("w:color"), OxmlElement("w:u"), OxmlElement("w:t")
    colour.set(qn("w:val"), LINK_COLOUR)
    underline.set(qn("w:val"), "single")
    text.text = url
    properties.extend([colour, underline])
    run.extend([properties, text])
    link.append(run)
    paragraph._p.append(link)


def _date(iso: str | None) -> str:
    return format_date(date.fromisoformat(iso)) if iso else ""

