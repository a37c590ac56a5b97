"""Spreadsheets out: the plan's milestones, and the case-file audits, as CSV or Excel (XLSX).

Each export is a Table (headings and rows of plain values) that `as_csv` or `as_xlsx` writes. Text is never
run as a formula when the file is opened: in XLSX it is stored as text; in CSV, text starting with =, +, -, @
gets a leading apostrophe (which the importers take off again). The plan export can be imported again as it is
(app/services/importers/plan_sheet.py): it carries every column that import reads.

The audit export holds no child's name or date of birth, and every audit in it is written to the audit access
log as exported.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Action,
    Area,
    Audit,
    AuditAccess,
    AuditElement,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    Grade,
    Milestone,
    Moderation,
    ModerationGrade,
    Person,
    Plan,
    PoolCase,
    Team,
)
from app.services.plans.due_dates import describe
from app.services.plans.queries import Window, latest_updates, lead_names, milestone_rows
from app.services.plans.rag import RATING_WORDS
from app.services.transaction import transaction
from app.services.wording import in_code_order

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name
    headings: list[str]
    rows: list[list]


# --- The plan -----------------------------------------------------------------------------------------

PLAN_HEADINGS = [
    "Area", "Area title", "Action", "What we are doing", "How we do it", "Milestone ID", "Sub-action",
    "Expected milestone / deliverable", "Responsible person", "Who will lead this", "When will it be done (as written)",
    "Due date", "Due date read as", "Due date problem", "Status", "Completed on", "RAG rating", "RAG suggested",
    "Why suggested", "RAG set by a person because", "Date revised", "Overdue", "Unassigned", "Latest update on",
    "Latest update", "Area summary",
]


def plan_table(plan: Plan, window: Window) -> Table:
    """Every milestone of the plan with all its fields, its rating and its latest progress update. Five queries."""
    rows = milestone_rows(window, Action.area_id.in_(select(Area.id).where(Area.plan_id == plan.id)))
    ids = [row.id for row in rows]
    details = {m.id: m for m in db.session.scalars(select(Milestone).where(Milestone.id.in_(ids)))}
    actions = {a.id: a for a in db.session.scalars(select(Action).where(Action.id.in_({r.action_id for r in rows})))}
    areas = {a.id: a for a in db.session.scalars(select(Area).where(Area.plan_id == plan.id))}
    leads, updates = lead_names(ids), latest_updates(ids)
    table_rows = []
    for row in rows:
        milestone, action = details[row.id], actions[row.action_id]
        area = areas[row.area_id]
        update = updates.get(row.id)
        table_rows.append([
            area.number, area.title, action.number, action.what, action.how, row.id, milestone.sub_action or "",
            row.deliverable, row.responsible_name or "", "; ".join(leads.get(row.id, [])), row.due_raw,
            row.due_on, describe(kind=row.due_kind, on=row.due_on, note=milestone.due_note, problem=row.due_problem),
            row.due_problem or "", row.status.replace("_", " ").capitalize(), milestone.completed_on,
            RATING_WORDS[row.rating], RATING_WORDS[row.suggested.rating], row.suggested.why,
            milestone.rag_set_reason or "", _yes_no(row.slipped), _yes_no(row.overdue), _yes_no(row.unassigned),
            update.written_on if update else None, update.body if update else "", area.summary or "",
        ])
    return Table("Plan", PLAN_HEADINGS, table_rows)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


# --- The audits ---------------------------------------------------------------------------------------


@transaction("The audits")
def audits_table(*, exported_by: Person, now: datetime) -> Table:
    """One row per audit, with the grade that stands for each element; no child's name or date of birth. Logs the
    export of every audit in it (one INSERT)."""
    moderation = aliased(Moderation)
    query = (select(Audit.id, AuditRound.title, AuditRound.month, AuditRound.kind, AuditRound.theme,
                    PoolCase.reference, Team.name, Person.name, Audit.state, Audit.allocated_at, Audit.completed_on,
                    AuditRecord.overall_grade, moderation.overall_grade)
             .join(AuditRound, Audit.round_id == AuditRound.id).join(PoolCase, Audit.case_id == PoolCase.id)
             .join(Team, PoolCase.team_id == Team.id).join(Person, Audit.auditor_id == Person.id)
             .outerjoin(AuditRecord, AuditRecord.audit_id == Audit.id)
             .outerjoin(moderation, and_(moderation.audit_id == Audit.id, moderation.completed_at.is_not(None)))
             .order_by(AuditRound.month, Audit.id))
    audits = db.session.execute(query).all()
    numbers, grades = _element_grades()
    headings = ["Audit ID", "Round", "Month", "Type of audit", "Theme", "Case reference", "Team", "Auditor", "State",
                "Allocated on", "Completed on", "Overall grade (auditor)", "Overall grade (after moderation)",
                "Moderated", *[f"{number} grade" for number in numbers]]
    rows = [[audit_id, title, month.strftime("%B %Y"), kind.capitalize(), theme or "", reference, team, auditor,
             state.replace("_", " ").capitalize(), allocated_at.date(), completed_on, _grade(overall),
             _grade(moderated or overall), _yes_no(moderated is not None),
             *[_grade(grades[audit_id].get(number)) for number in numbers]]
            for audit_id, title, month, kind, theme, reference, team, auditor, state, allocated_at, completed_on,
            overall, moderated in audits]
    if audits:
        db.session.execute(insert(AuditAccess), [{"audit_id": row[0], "person_id": exported_by.id, "kind": "export",
                                                  "at": now} for row in audits])
    return Table("Audits", headings, rows)


def _element_grades() -> tuple[list[str], dict[int, dict[str, str]]]:
    """Each audit's standing grade (the moderator's where moderated) by element number, and the numbers in order."""
    moderated = (select(ModerationGrade.element_id, ModerationGrade.grade, Moderation.audit_id)
                 .join(Moderation, ModerationGrade.moderation_id == Moderation.id).subquery())
    standing = func.coalesce(moderated.c.grade, AuditElementGrade.grade)
    grades: dict[int, dict[str, str]] = defaultdict(dict)
    numbers: set[str] = set()
    for audit_id, number, grade in db.session.execute(
            select(AuditElementGrade.audit_id, AuditElement.number, standing)
            .join(AuditElement, AuditElementGrade.element_id == AuditElement.id)
            .outerjoin(moderated, and_(moderated.c.audit_id == AuditElementGrade.audit_id,
                                       moderated.c.element_id == AuditElementGrade.element_id))):
        numbers.add(number)
        grades[audit_id][number] = grade
    return in_code_order(numbers), grades


def _grade(value) -> str:
    return Grade(value).label if value else ""


# --- Writing ------------------------------------------------------------------------------------------


def as_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads accented names correctly; dates as dd/mm/yyyy."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headings)
    writer.writerows([[_csv_value(value) for value in row] for row in table.rows])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return _safe_text(str(value))


def as_xlsx(table: Table) -> bytes:
    """One sheet: the headings in bold, frozen and filterable; dates as dates; text always as text."""
    from openpyxl import Workbook  # here, not at the top: a web worker that never writes a workbook never holds it
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.headings))}{len(table.rows) + 1}"
    sheet.append([_heading(sheet, text) for text in table.headings])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _heading(sheet, text: str):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text stays text: never read as a formula
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return value


def _safe_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text



FORMATS = {"csv": (as_csv, "text/csv; charset=utf-8"),
           "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


def write(table: Table, file_format: str) -> tuple[bytes, str]:
    """The table as a file in the format asked for ("csv" or "xlsx"), and its content type."""
    writer, content_type = FORMATS[file_format]
    return writer(table), content_type
