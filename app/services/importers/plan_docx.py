"""Read the council's Word improvement plan (.docx) into plain data: no database, no interpretation.

What it reads, walking the document body in order (paragraphs and tables interleaved):

- the "Title" paragraph, and the "Revised …" line before the first area;
- the lead author / progress update table and the RAG key table (a definition beside RED, AMBER, GREEN);
- each numbered "Heading 1" paragraph ("1.0 Improving … - Strengthening …") starts an area, and the
  tables after it belong to that area: its Ofsted recommendations (code, text), its Areas for Improvement
  (dates, text) and its nine-column action table.

Action table columns are matched by meaning (normalised keywords), not exact wording, because the wording
varies between versions of the same plan. Header rows repeated inside a table are skipped. A vertically
merged cell (w:vMerge) carries one action, or one sub-action, over several milestone rows; an empty action
number or "What we are doing" cell does the same. Cell text is kept as written: paragraphs joined with
"\\n", only trailing whitespace dropped; nothing is filled down from other rows. The RAG cell's fill colour
(w:shd/@w:fill) is kept beside its text.

What it refuses, with a PlanFormatError naming the table: a file that is not a readable .docx; an action
table with a column it does not know, a required column missing, or two columns for one thing; an area's
table before the first area heading; a milestone row before any action number; a document with no areas.
"""

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError

from app.services.errors import DomainError
from app.services.plain_text import plain_text


class PlanFormatError(DomainError):
    """The file is not a Word plan this service can read; the message says what is wrong and where."""


@dataclass(frozen=True)
class MilestoneDocument:
    table: int  # 1-based number of the table in the document
    row: int  # 1-based row number in that table; the header row is 1
    responsible_raw: str
    lead_raw: str
    deliverable_raw: str
    due_raw: str
    progress_raw: str
    rag_raw: str
    rag_shading: str | None  # the RAG cell's fill colour as hex ("FFC000"), None when not shaded
    sub_action_raw: str | None = None
    how_raw: str = ""  # this row's "How we do it" cell: it can change within an action (1.13 in July 2020)


@dataclass(frozen=True)
class ActionDocument:
    number: str
    what: str
    how_raw: str
    milestones: list[MilestoneDocument] = field(default_factory=list)


@dataclass(frozen=True)
class AreaDocument:
    number: str
    title: str
    summary: str
    heading_raw: str
    recommendations: list[tuple[str, str]] = field(default_factory=list)  # (code, text)
    improvement_areas: list[tuple[str, str]] = field(default_factory=list)  # (dates as written, text)
    actions: list[ActionDocument] = field(default_factory=list)


@dataclass(frozen=True)
class PlanDocument:
    title: str
    revision: str
    lead_author: str
    progress_update: str
    rag_definitions: dict[str, str]  # "RED" / "AMBER" / "GREEN" → definition
    areas: list[AreaDocument]


# The action table's columns: field → (label used in messages, keywords that name it once normalised).
# The first field whose keyword appears in a header wins, so the order matters.
ACTION_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "number": ("Action No.", ("action no", "action number", "action ref")),
    "what": ("What we are doing", ("what we are doing",)),
    "how": ("How we do it", ("how we do it",)),
    "due": ("When will it be done?", ("when will it be done", "due date")),
    "progress": ("Date & Progress Summary", ("progress",)),
    "rag": ("Current RAG Rating", ("rag",)),
    "deliverable": ("Expected Milestones / Deliverables", ("milestone", "deliverable")),
    "responsible": ("Responsible Person", ("responsible",)),
    "lead": ("Who will lead this", ("who will lead", "lead")),
}
MIN_KNOWN_COLUMNS = 3  # a table with this many action-table headers is read (or refused) as one
RAG_WORDS = ("RED", "AMBER", "GREEN")
RECOMMENDATION_CODE = re.compile(r"R\d+[a-z]?", re.IGNORECASE)
AREA_HEADING = re.compile(r"(\d+(?:\.\d+)?)\s+(.+)", re.DOTALL)
REVISED = re.compile(r"revised\s+(.+)", re.IGNORECASE | re.DOTALL)


def read_plan(file: str | Path | BinaryIO) -> PlanDocument:
    """Read a Word plan from a path or a binary file object."""
    reader = _PlanReader()
    for block in _open(file).iter_inner_content():
        if isinstance(block, Paragraph):
            reader.paragraph(block)
        else:
            reader.table(block)
    return reader.plan()


def _open(file: str | Path | BinaryIO) -> WordDocument:
    if isinstance(file, str | Path):
        with open(file, "rb") as stream:  # a missing file is FileNotFoundError, not a format problem
            return _open(stream)
    try:
        return docx.Document(file)
    except (OpcError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, LxmlError) as error:
        raise PlanFormatError(
            "This file is not a Word document (.docx) that can be read: it may be another kind of file, an old "
            "Word .doc, or damaged. Open it in Word, save it as .docx and try again."
        ) from error


class _PlanReader:
    """Collects the plan's parts as the document body is walked from top to bottom."""

    def __init__(self):
        self.title = self.revision = self.lead_author = self.progress_update = ""
        self.rag_definitions: dict[str, str] = {}
        self.areas: list[AreaDocument] = []
        self.table_number = 0

    def paragraph(self, paragraph: Paragraph) -> None:
        text = paragraph.text.strip()
        if not self.title and _style(paragraph) == "title":
            self.title = text
        elif AREA_HEADING.fullmatch(text) and _style(paragraph) == "heading 1":
            self.areas.append(_area_from_heading(text))
        elif not self.areas and not self.revision and (revised := REVISED.fullmatch(text)):
            self.revision = revised.group(1)

    def table(self, table: Table) -> None:
        self.table_number += 1
        rows = _grid(table)
        texts = _texts(rows)
        if _is_key_value_table(texts):
            details = {_normalise(row[0]): row[1] for row in texts if len(row) == 2}
            self.lead_author = details.get("lead author", self.lead_author)
            self.progress_update = details.get("progress update", self.progress_update)
        elif _is_rag_key(texts):
            self.rag_definitions.update(_rag_definitions(texts))
        elif _is_recommendations(texts):
            self._area().recommendations.extend((row[0], row[1]) for row in texts if RECOMMENDATION_CODE.fullmatch(row[0]))
        elif _is_improvement_areas(texts):
            self._area().improvement_areas.extend((row[0], row[1]) for row in texts if row != texts[0])
        elif texts and (columns := _action_columns(texts[0], self.table_number)):
            self._area().actions.extend(_actions(rows, texts, columns, self.table_number))

    def _area(self) -> AreaDocument:
        if not self.areas:
            raise PlanFormatError(
                f"Table {self.table_number}: it belongs to an area, but it comes before the first area heading "
                "(a 'Heading 1' paragraph such as '1.0 Improving … - …')."
            )
        return self.areas[-1]

    def plan(self) -> PlanDocument:
        if not self.areas:
            raise PlanFormatError(
                "No areas were found: an improvement plan has numbered 'Heading 1' paragraphs such as "
                "'1.0 Improving … - …', each followed by its tables."
            )
        return PlanDocument(title=self.title, revision=self.revision, lead_author=self.lead_author,
                            progress_update=self.progress_update, rag_definitions=self.rag_definitions, areas=self.areas)


# --- Reading cells --------------------------------------------------------------------------------------------


def _grid(table: Table) -> list[list]:
    """Each row as one w:tc per grid column: a vertically merged cell is the very same w:tc on every row it spans."""
    rows: list[list] = []
    above: list = []
    for tr in table._tbl.tr_lst:
        row: list = [None] * tr.grid_before
        for tc in tr.tc_lst:
            column = len(row)
            merged = tc.vMerge == "continue" and column < len(above) and above[column] is not None
            row.extend([above[column] if merged else tc] * tc.grid_span)
        rows.append(row)
        above = row
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows]  # a row may end early: its missing cells are empty


def _texts(rows: list[list]) -> list[list[str]]:
    """Each row's cell texts; a merged cell is read once."""
    text_of = {tc: _text(tc) for row in rows for tc in row}
    return [[text_of[tc] for tc in row] for row in rows]


def _text(tc) -> str:
    """The cell's text as written: its paragraphs joined with newlines, trailing whitespace dropped, and any HTML
    typed into it turned into lines."""
    return "" if tc is None else plain_text("\n".join(p.text for p in tc.p_lst).rstrip())


def _fill(tc) -> str | None:
    shading = None if tc is None or tc.tcPr is None else tc.tcPr.find(qn("w:shd"))
    colour = None if shading is None else shading.get(qn("w:fill"))
    return colour.upper() if colour and colour.lower() != "auto" else None


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


# --- Recognising tables by their content ---------------------------------------------------------------------


def _is_key_value_table(texts: list[list[str]]) -> bool:
    keys = {_normalise(row[0]) for row in texts if len(row) == 2}
    return bool(keys & {"lead author", "progress update"})


def _is_rag_key(texts: list[list[str]]) -> bool:
    return bool(texts) and all(len(row) == 2 and _rag_word(row) for row in texts)


def _rag_word(row: list[str]) -> str | None:
    words = [text.strip().upper() for text in row if text.strip().upper() in RAG_WORDS]
    return words[0] if len(words) == 1 else None


def _rag_definitions(texts: list[list[str]]) -> dict[str, str]:
    definitions = {}
    for row in texts:
        word = _rag_word(row)
        definitions[word] = next(text for text in row if text.strip().upper() != word)
    return definitions


def _is_recommendations(texts: list[list[str]]) -> bool:
    coded = [len(row) == 2 and bool(RECOMMENDATION_CODE.fullmatch(row[0])) for row in texts]
    return any(coded) and all(coded[1:])  # every row but a header row starts with a code such as R6a


def _is_improvement_areas(texts: list[list[str]]) -> bool:
    header = [_normalise(text) for text in texts[0]] if texts else []
    return len(header) == 2 and "date" in header[0] and "areas for improvement" in header[1]


def _style(paragraph: Paragraph) -> str:
    return paragraph.style.name.lower() if paragraph.style is not None else ""


def _area_from_heading(text: str) -> AreaDocument:
    heading = AREA_HEADING.fullmatch(text)
    title, _, summary = heading.group(2).partition(" - ")
    return AreaDocument(number=heading.group(1), title=title.strip(), summary=summary.strip(), heading_raw=text)


# --- The action table ----------------------------------------------------------------------------------------


def _column_field(header: str) -> str | None:
    words = f" {_normalise(header)}"
    for name, (_, keywords) in ACTION_COLUMNS.items():
        if any(f" {keyword}" in words for keyword in keywords):  # a keyword starts a word: "milestone(s)"
            return name
    return None


def _action_columns(header: list[str], table_number: int) -> dict[str, int] | None:
    """Map each action-table field to its column, or None when the table is not an action table at all."""
    fields = [_column_field(text) for text in header]
    if sum(name is not None for name in fields) < MIN_KNOWN_COLUMNS:
        return None
    expected = ", ".join(f"'{label}'" for label, _ in ACTION_COLUMNS.values())
    columns: dict[str, int] = {}
    for index, (text, name) in enumerate(zip(header, fields, strict=True)):
        if name is None:
            raise PlanFormatError(f"Table {table_number}: the column '{text}' is not one the service knows; "
                                  f"expected {expected}.")
        if name in columns:
            raise PlanFormatError(f"Table {table_number}: the columns '{header[columns[name]]}' and '{text}' both "
                                  f"look like '{ACTION_COLUMNS[name][0]}'; there must be one of each.")
        columns[name] = index
    missing = [label for name, (label, _) in ACTION_COLUMNS.items() if name not in columns]
    if missing:
        raise PlanFormatError(f"Table {table_number}: the column '{missing[0]}' is missing; an action table needs "
                              f"{expected}.")
    return columns


def _actions(rows: list[list], texts: list[list[str]], columns: dict[str, int], table_number: int) -> list[ActionDocument]:
    actions: list[ActionDocument] = []
    previous: list | None = None
    sub_action: str | None = None
    for row_number, (row, cells) in enumerate(zip(rows, texts, strict=True), start=1):
        if _is_header(cells, columns):  # the header, or a header repeated on a new page
            previous = None
            continue
        number_tc, what_tc = row[columns["number"]], row[columns["what"]]
        number, what = cells[columns["number"]], cells[columns["what"]]
        if _starts_action(number_tc, number, previous and previous[columns["number"]], actions):
            actions.append(ActionDocument(number=number, what=what, how_raw=cells[columns["how"]]))
            sub_action = None
        elif not actions:
            raise PlanFormatError(f"Table {table_number}, row {row_number}: a milestone comes before any action number.")
        elif what and what_tc is not (previous and previous[columns["what"]]):
            sub_action = None if what == actions[-1].what else what  # a new "What we are doing" cell: a sub-action
        actions[-1].milestones.append(_milestone(row, cells, columns, table_number, row_number, sub_action))
        previous = row
    return actions


def _is_header(cells: list[str], columns: dict[str, int]) -> bool:
    return all(_column_field(cells[index]) == name for name, index in columns.items())


def _starts_action(number_tc, number: str, number_tc_above, actions: list[ActionDocument]) -> bool:
    continues = number_tc is number_tc_above or not number or (actions and number == actions[-1].number)
    return not continues


def _milestone(row: list, cells: list[str], columns: dict[str, int], table: int, row_number: int,
               sub_action: str | None) -> MilestoneDocument:
    return MilestoneDocument(
        table=table, row=row_number, responsible_raw=cells[columns["responsible"]], lead_raw=cells[columns["lead"]],
        deliverable_raw=cells[columns["deliverable"]], due_raw=cells[columns["due"]],
        progress_raw=cells[columns["progress"]], rag_raw=cells[columns["rag"]], rag_shading=_fill(row[columns["rag"]]),
        sub_action_raw=sub_action, how_raw=cells[columns["how"]],
    )
