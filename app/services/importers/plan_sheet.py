"""Read a plan kept as a spreadsheet (.xlsx or .csv) into the same plain structure as a Word plan (PlanDocument),
so that the dry run (plan_import.preview) and the import (plan_write.import_plan) treat it the same way.

The columns are the plan export's (exports.PLAN_HEADINGS), matched by their exact wording, ignoring case and
extra spaces, in any order; so an export can be edited and imported again as it is, and `template_xlsx()` gives
a workbook with just the columns read here. The export's worked-out columns (Milestone ID, Due date, RAG
suggested, Overdue, …) are accepted and ignored; any other heading is refused, and so is a missing column, since
a column left out would read as empty cells and blank what the plan already has.

Each row is a milestone; consecutive rows with the same action number form one action, and consecutive rows
with the same area number one area. An area or action number that comes back after others is refused: its rows
must be kept together. Cell text is kept as written (whitespace at either end dropped); in a CSV, the
apostrophe the export puts before text starting with = + - @ (so that Excel does not run it) is taken off.

What the export's rows mean:
- "RAG rating" is the rating people see: the one a person set or, when none was set, the service's suggestion.
  When the sheet has the export's "RAG set by a person because" column, a rating counts as set only on rows where
  that cell is filled in; without that column (the template) every RAG word counts as set.
- "Latest update on" and "Latest update" become one dated progress update ("Update 20 July 2020" then the text),
  which the dry run adds when it is newer than the milestone's latest. A text that already starts with that
  heading is kept as it is.

A spreadsheet has no title: the caller names the plan (the plan already in the service, or a new one). Row
problems the dry run cannot show (no area or action number, no deliverable, a date that cannot be read, an
update without a date) are collected for every row, and the whole file is refused with a PlanFormatError listing
each with its row number (the header is row 1), so nothing is imported from a file with such rows; the dry run
then reports what it reports for a Word plan (due dates that do not exist, names to confirm, RAG words).
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

from lxml.etree import LxmlError

from app.services.exports import FORMULA_STARTS, PLAN_HEADINGS
from app.services.importers.plan_cells import UPDATE_HEADING, progress_updates_in
from app.services.importers.plan_docx import (
    ActionDocument,
    AreaDocument,
    MilestoneDocument,
    PlanDocument,
    PlanFormatError,
)
from app.services.importers.uploads import Upload
from app.services.plain_text import plain_text
from app.services.wording import agrees

SHEET_TABLE = 1  # MilestoneDocument.table for every row: a spreadsheet is one table
MAX_LISTED_PROBLEMS = 50

# The columns read, by field: the export's wording. All of them are required (see the module docstring).
COLUMNS: dict[str, str] = {
    "area": "Area",
    "area_title": "Area title",
    "area_summary": "Area summary",
    "action": "Action",
    "what": "What we are doing",
    "how": "How we do it",
    "sub_action": "Sub-action",
    "deliverable": "Expected milestone / deliverable",
    "responsible": "Responsible person",
    "leads": "Who will lead this",
    "due": "When will it be done (as written)",
    "rag": "RAG rating",
    "update_on": "Latest update on",
    "update": "Latest update",
}
RAG_SET_BECAUSE = "RAG set by a person because"  # read when present: says whether the RAG rating was set
IGNORED = [heading for heading in PLAN_HEADINGS if heading not in COLUMNS.values() and heading != RAG_SET_BECAUSE]
TEMPLATE_HEADINGS = [heading for heading in PLAN_HEADINGS if heading in COLUMNS.values()]  # the export's order

# What the template's second sheet says about each column.
GUIDANCE = {
    "Area": "The area's number, such as 1.0. Every row of an area has the same number, and an area's rows are "
            "kept together. Format the column as Text in Excel so that 1.10 stays 1.10.",
    "Area title": "The area's title, the same on each of its rows.",
    "Area summary": "What the area aims to do (the text after the dash in the Word plan's heading). Can be empty.",
    "Action": "The action's number, such as 1.1. Consecutive rows with the same number are one action; its "
              "rows are kept together. Required on every row.",
    "What we are doing": "What the action does, the same on each of its rows.",
    "How we do it": "How it is delivered: Service action, Partner action, or a project with its code (ICT01).",
    "Sub-action": "Optional: a part of the action this milestone belongs to.",
    "Expected milestone / deliverable": "The milestone: what will be delivered. Required on every row; a row is "
                                        "matched to a milestone already in the service by these words.",
    "Responsible person": "The one person accountable. Use the same spelling each time.",
    "Who will lead this": "The people, teams or groups leading it, separated by a semicolon (;).",
    "When will it be done (as written)": "The due date as the plan writes it: 30/09/2020, September 2020, "
                                         "Ongoing - reviewed monthly, Phase 1 30/09/20 (one phase a line), TBC.",
    "RAG rating": "Red, Amber or Green if a person has rated it; leave it empty to let the service suggest one.",
    "Latest update on": "The date of the latest progress update, as a date or dd/mm/yyyy. Needed when there is "
                        "an update.",
    "Latest update": "The latest progress update. It is added when it is newer than the one in the service.",
}
EXAMPLE_ROW = {
    "Area": "1.0",
    "Area title": "Improving management oversight and quality assurance",
    "Area summary": "Strengthening management grip at all levels",
    "Action": "1.1",
    "What we are doing": "Embed a quality assurance framework across the service",
    "How we do it": "Service action",
    "Sub-action": "",
    "Expected milestone / deliverable": "Monthly case-file audit programme agreed with team managers",
    "Responsible person": "Alex Example",
    "Who will lead this": "Sam Sample; Quality Assurance Team",
    "When will it be done (as written)": "30/09/2020",
    "RAG rating": "Amber",
    "Latest update on": date(2020, 7, 20),
    "Latest update": "Audit tool drafted; first round planned for August.",
}


@dataclass
class _Row:
    number: int  # the spreadsheet's row number: the header is 1
    values: dict[str, str]
    update_on: date | None = None
    problems: list[str] = field(default_factory=list)


def read_sheet(upload: Upload, *, title: str) -> PlanDocument:
    """The plan in an uploaded .xlsx or .csv (already checked by uploads.read_upload), named `title`."""
    if not title.strip():
        raise PlanFormatError("A spreadsheet has no title: say which plan it is.")
    rows = _csv_rows(upload.data) if upload.extension == "csv" else _xlsx_rows(upload.data, upload.filename)
    header = next(rows, None)
    if header is None or not any(_text(value) for value in header):
        raise PlanFormatError("The first row must name the columns, as in the plan export; this file is empty.")
    columns, rag_marker, unnamed = _columns([_text(value) for value in header])
    checked = [_read_row(number, values, columns, rag_marker, unnamed, upload.extension == "csv")
               for number, values in enumerate(rows, start=2)]
    checked = [row for row in checked if row is not None]
    if not checked:
        raise PlanFormatError("The file has the plan's columns but no milestones under them.")
    areas = _areas(checked)
    problems = [f"Row {row.number}: {problem}" for row in checked for problem in row.problems]
    if problems:
        more = len(problems) - MAX_LISTED_PROBLEMS
        listed = problems[:MAX_LISTED_PROBLEMS] + ([f"… and {more} more"] if more > 0 else [])
        raise PlanFormatError("Nothing was imported: correct these rows and try again.\n" + "\n".join(listed))
    dates = [row.update_on for row in checked if row.update_on]
    return PlanDocument(title=" ".join(title.split()), revision="", lead_author="",
                        progress_update=max(dates).strftime("%B %Y") if dates else "", rag_definitions={}, areas=areas)


# what openpyxl raises on a damaged workbook (besides its own InvalidFileException): the zip's, a part missing, odd
# values, unreadable XML
UNREADABLE_WORKBOOK = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError, OSError,
                       LxmlError, ParseError)


# --- Reading the file ------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[list]:
    text = data.decode("utf-8-sig")  # uploads.read_upload has checked it is UTF-8
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise PlanFormatError(f"The CSV file cannot be read: {error}.") from error


def _xlsx_rows(data: bytes, filename: str) -> Iterator[tuple]:
    """The workbook's rows; a workbook whose parts are damaged (found while opening it or reading its rows) is
    refused with one message."""
    from openpyxl import load_workbook  # here, not at the top: a web worker that never reads a workbook never holds it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook["Plan"] if "Plan" in workbook.sheetnames else workbook.worksheets[0]
            sheet.reset_dimensions()  # some programs record the sheet's size wrongly: read every row there is
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()
    except (InvalidFileException, *UNREADABLE_WORKBOOK) as error:
        raise PlanFormatError(f"“{filename}” cannot be read as an Excel workbook: open it in Excel, save it as "
                              "“Excel Workbook (.xlsx)” and try again.") from error


def _text(value) -> str:
    """A cell as text: numbers as Python writes them (1.1, 2), dates as dd/mm/yyyy, whitespace at either end
    dropped, any HTML turned into lines."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return plain_text(str(value).strip())


# --- The header ------------------------------------------------------------------------------------------


def _key(heading: str) -> str:
    return " ".join(heading.split()).casefold()


def _columns(header: list[str]) -> tuple[dict[str, int], int | None, list[int]]:
    """Each field's column, the "RAG set by a person because" column if any, and the columns without a heading."""
    fields = {_key(heading): name for name, heading in COLUMNS.items()}
    ignored = {_key(heading) for heading in IGNORED}
    known = ", ".join(f"“{heading}”" for heading in TEMPLATE_HEADINGS)
    columns: dict[str, int] = {}
    seen: dict[str, str] = {}
    rag_marker, unnamed = None, []
    for index, heading in enumerate(header):
        key = _key(heading)
        if not key:
            unnamed.append(index)
            continue
        if key in seen:
            raise PlanFormatError(f"The column “{heading}” appears twice: keep one.")
        seen[key] = heading
        if key in fields:
            columns[fields[key]] = index
        elif key == _key(RAG_SET_BECAUSE):
            rag_marker = index
        elif key not in ignored:
            raise PlanFormatError(f"The column “{heading}” is not one the service knows. The columns are those of "
                                  f"the plan export (download the template to see them): {known}.")
    missing = [heading for name, heading in COLUMNS.items() if name not in columns]
    if missing:
        names = ", ".join(f"“{heading}”" for heading in missing)
        which = f"The {agrees(len(missing), 'column', 'columns')} {names} {agrees(len(missing), 'is', 'are')} missing"
        raise PlanFormatError(f"{which}. Every column of the template is needed (a cell can be empty): a missing "
                              "column would empty that field in the plan.")
    return columns, rag_marker, unnamed


# --- Rows ------------------------------------------------------------------------------------------------


def _read_row(number: int, cells, columns: dict[str, int], rag_marker: int | None, unnamed: list[int],
              from_csv: bool) -> _Row | None:
    cells = list(cells)

    def cell(index: int):
        return cells[index] if index < len(cells) else None

    def text(index: int) -> str:
        value = _text(cell(index))
        return value[1:] if from_csv and value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value

    if not any(_text(value) for value in cells):
        return None  # a blank row: spreadsheets often end with some
    values = {name: text(index) for name, index in columns.items()}
    row = _Row(number, values)
    if rag_marker is not None and not text(rag_marker):
        values["rag"] = ""  # the export's RAG rating on this row is the service's suggestion, not a person's
    for name, problem in (("area", "no area number in “Area”"), ("action", "no action number in “Action”"),
                          ("deliverable", "no deliverable in “Expected milestone / deliverable”")):
        if not values[name]:
            row.problems.append(problem)
    for name, heading in (("area", "Area"), ("action", "Action")):
        if isinstance(cell(columns[name]), float):  # Excel keeps 1.10 as the number 1.1: never guess which it was
            row.problems.append(f"“{heading}” is a number ({values[name]}), which loses a final 0 (1.10 becomes "
                                f"1.1): format the column as text, type the number again and save")
    if any(_text(cell(index)) for index in unnamed):
        row.problems.append("a value in a column without a heading: give the column its heading or clear it")
    written = cell(columns["update_on"])
    row.update_on = _date(written, row)
    if values["update"] and not _text(written):
        row.problems.append("a latest update without its date in “Latest update on”")
    values["progress"] = _progress(row)
    return row


def _date(value, row: _Row) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        row.problems.append(f"“Latest update on” “{text}” is not a date: write it as dd/mm/yyyy, such as 20/07/2020")
        return None


def _progress(row: _Row) -> str:
    """The progress cell the dry run reads: the update under its dated heading, or the text as it is when it
    already starts with that heading."""
    on, text = row.update_on, row.values["update"]
    if on is None:
        return ""
    heading = UPDATE_HEADING.match(text)
    if heading:
        written = progress_updates_in(text, plan_year=on.year)[0].written_on
        if written == on:
            return text
        if written is not None:
            row.problems.append(f"the latest update starts “{heading.group('heading')}” but “Latest update on” says "
                                f"{on:%d/%m/%Y}")
    return f"Update {on.day} {on:%B %Y}\n{text}".strip()


# --- Areas and actions -----------------------------------------------------------------------------------


def _areas(rows: list[_Row]) -> list[AreaDocument]:
    areas: list[AreaDocument] = []
    first_row: dict[tuple[str, ...], int] = {}  # ("area", number) or ("action", area, number) → its first row
    for row in rows:
        values = row.values
        if row.problems and not (values["area"] and values["action"]):
            continue
        if not areas or values["area"] != areas[-1].number:
            if not _first(first_row, ("area", values["area"]), row, f"Area {values['area']}"):
                continue
            areas.append(AreaDocument(number=values["area"], title=values["area_title"],
                                      summary=values["area_summary"],
                                      heading_raw=f"{values['area']} {values['area_title']}"))
        area = areas[-1]
        _same(row, "Area title", area.title, values["area_title"], area.number)
        actions = area.actions
        if not actions or values["action"] != actions[-1].number:
            if not _first(first_row, ("action", area.number, values["action"]), row, f"Action {values['action']}"):
                continue
            actions.append(ActionDocument(number=values["action"], what=values["what"], how_raw=values["how"]))
        _same(row, "What we are doing", actions[-1].what, values["what"], actions[-1].number)
        actions[-1].milestones.append(MilestoneDocument(
            table=SHEET_TABLE, row=row.number, responsible_raw=values["responsible"], lead_raw=values["leads"],
            deliverable_raw=values["deliverable"], due_raw=values["due"], progress_raw=values["progress"],
            rag_raw=values["rag"], rag_shading=None, sub_action_raw=values["sub_action"] or None,
            how_raw=values["how"]))
    return areas


def _first(first_row: dict, key: tuple[str, ...], row: _Row, what: str) -> bool:
    """Note where an area or action starts; refuse it starting a second time, after other rows."""
    if key in first_row:
        row.problems.append(f"{what} also starts on row {first_row[key]}, with other rows between: keep its rows "
                            "together")
        return False
    first_row[key] = row.number
    return True


def _same(row: _Row, label: str, first: str, this: str, number: str) -> None:
    if " ".join(first.split()).casefold() != " ".join(this.split()).casefold():
        row.problems.append(f"“{label}” differs from the first row of {number}: it must be the same on each row")


# --- The template ----------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """A workbook to fill in: the columns read here (the export's wording and order) with one example row, and a
    second sheet, "How to fill this in", explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(TEMPLATE_HEADINGS)
    sheet.append([EXAMPLE_ROW[heading] for heading in TEMPLATE_HEADINGS])
    for index in range(1, len(TEMPLATE_HEADINGS) + 1):
        top, example = sheet.cell(row=1, column=index), sheet.cell(row=2, column=index)
        top.font = Font(bold=True)
        if isinstance(example.value, date):
            example.number_format = "DD/MM/YYYY"
        else:
            example.data_type, example.number_format = "s", "@"  # text stays text: 1.10 is not 1.1
        sheet.column_dimensions[top.column_letter].width = 18 if isinstance(example.value, date) else 30
    sheet.freeze_panes = "A2"
    _guidance(workbook.create_sheet("How to fill this in"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _guidance(sheet) -> None:
    from openpyxl.styles import Alignment, Font

    for line in _guidance_lines():
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.column == 1 and cell.row > 1:
                cell.font = Font(bold=True)


def _guidance_lines() -> Iterable[list[str]]:
    yield ["How to fill in the plan spreadsheet"]
    yield ["", "One row for each milestone, on the sheet “Plan”. Replace the example row. Keep the headings as they "
               "are; the columns can be in any order. A plan exported from the service (Excel or CSV) can be edited "
               "and imported as it is: its extra columns are ignored."]
    yield ["", "Importing shows what would be created and changed first; nothing is written until you confirm. Rows "
               "are matched to the plan already in the service by area number, action number and deliverable. "
               "Nothing is deleted: milestones missing from the file are listed for you to decide."]
    yield []
    yield ["Column", "What to write"]
    for heading in TEMPLATE_HEADINGS:
        yield [heading, GUIDANCE[heading]]
