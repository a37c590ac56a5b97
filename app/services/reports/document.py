"""The parts every Word report is made of, over the styled base document in templates/docx/.

Accessible by construction: headings use the real heading styles, tables have a header row that repeats on every
page, pictures carry alt text, and a RAG cell always says its rating in words as well as in its shading.
Tables are created with their final number of rows and filled row by row (`row.cells`): python-docx's
`table.cell(r, c)` is quadratic.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.shared import Cm
from docx.table import Table, _Cell

from app.models import Rating
from app.services.rag import RATING_WORDS

BASE_DOCUMENT = Path(__file__).resolve().parents[3] / "templates" / "docx" / "report-base.docx"

# The council's shading for each rating (black text reads on each, and the word is always written too).
RAG_FILL = {Rating.RED: "FF0000", Rating.AMBER: "FFC000", Rating.GREEN: "00B050", Rating.NOT_RATED: "D9D9D9"}
HEADER_FILL = "DEE0E2"
TABLE_TEXT = "Table Text"
# The children of w:tcPr that come after w:vMerge, in the schema's order.
_AFTER_VMERGE = frozenset(qn(tag) for tag in (
    "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange"))


def new_document(title: str, *, generated_at: datetime) -> WordDocument:
    """An empty report on the base document's styles, its properties saying what it is and when it was made."""
    document = Document(str(BASE_DOCUMENT))
    properties = document.core_properties
    properties.title = title
    properties.author = "Improvement Tracker"
    properties.created = properties.modified = generated_at
    properties.revision = 1
    return document


def heading(document: WordDocument, text: str, level: int = 1) -> None:
    document.add_heading(text, level=level)


def paragraphs(document: WordDocument, text: str, style: str | None = None) -> None:
    """Text as written, one Word paragraph per line (empty lines dropped)."""
    for line in text.splitlines() or [""]:
        if line.strip():
            document.add_paragraph(line.strip(), style=style)


def bullets(document: WordDocument, items: Iterable[str]) -> None:
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def table(document: WordDocument, headings: Sequence[str], rows: Sequence[Sequence[str]],
          widths_cm: Sequence[float] | None = None) -> Table:
    """A table with a header row repeated on every page, filled with the rows' text (\n becomes a line break)."""
    result = document.add_table(rows=len(rows) + 1, cols=len(headings))
    result.style = document.styles["Table Grid"]
    result.autofit = widths_cm is None
    style_id = document.styles[TABLE_TEXT].style_id  # looked up once: a lookup by name scans every style
    all_rows = result.rows
    _header(all_rows[0], headings, style_id)
    for values, row in zip(rows, all_rows[1:], strict=True):
        for value, cell in zip(values, row._tr.tc_lst, strict=True):
            _fill(cell, value, style_id)
    if widths_cm:
        set_widths(result, widths_cm)
    return result


def _header(row, headings: Sequence[str], style_id: str) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    properties.append(OxmlElement("w:tblHeader", {qn("w:val"): "true"}))
    for text, cell in zip(headings, row._tr.tc_lst, strict=True):
        _fill(cell, text, style_id).get_or_add_rPr().get_or_add_b()
        _shade(cell, HEADER_FILL)


def _fill(cell: CT_Tc, value, style_id: str):
    """Write a new cell's text into its one empty paragraph, in the given style; returns the run (or None).

    Built directly on the cell's XML: python-docx's paragraph.style and add_run look for the right place among the
    possible children of each element, which is most of the time of a large table. A new cell's paragraph has no
    children, so the style goes first and the run after it."""
    paragraph = cell.p_lst[0]
    properties = OxmlElement("w:pPr")
    properties.append(OxmlElement("w:pStyle", {qn("w:val"): style_id}))
    paragraph.append(properties)
    text = "" if value is None else str(value)
    return _fill_run(paragraph, text) if text else None


def set_widths(result: Table, widths_cm: Sequence[float]) -> None:
    """Column widths (Word reads them from each cell; LibreOffice from the grid, so both are set)."""
    for column, width in zip(result.columns, widths_cm, strict=True):
        column.width = Cm(width)
    twips = [str(int(Cm(width).twips)) for width in widths_cm]
    for row in result._tbl.tr_lst:
        for cell, width in zip(row.tc_lst, twips, strict=True):
            # add_table gives every cell a w:tcW already: set it (a second one would break the schema)
            cell_width = cell.get_or_add_tcPr().get_or_add_tcW()
            cell_width.set(qn("w:type"), "dxa")
            cell_width.set(qn("w:w"), width)


def column_cells(result: Table, column: int) -> list[_Cell]:
    """A column's cells below the header row (in a table without cells merged across columns)."""
    return [_Cell(row.tc_lst[column], result) for row in result._tbl.tr_lst[1:]]


def merge_down(result: Table, column: int, first_row: int, last_row: int) -> None:
    """Merge a column's cells from first_row to last_row (indexes in the table, inclusive), as Word's vertical
    merge: the first cell keeps its text, the cells below must be empty."""
    if last_row <= first_row:
        return
    rows = result._tbl.tr_lst
    _merge(rows[first_row].tc_lst[column], "restart")
    for row in rows[first_row + 1:last_row + 1]:
        _merge(row.tc_lst[column], None)  # no value: "continue"


def _merge(cell: CT_Tc, value: str | None) -> None:
    """Give a cell not merged yet its w:vMerge, in its place among the cell's properties. What python-docx's
    `tc.vMerge = value` writes, without its search through every possible child of w:tcPr for each cell."""
    merge = OxmlElement("w:vMerge", {qn("w:val"): value} if value else None)
    properties = cell.get_or_add_tcPr()
    later = next((child for child in properties if child.tag in _AFTER_VMERGE), None)
    if later is None:
        properties.append(merge)
    else:
        later.addprevious(merge)


def shade(cell: _Cell, fill: str) -> None:
    """A cell's background: a new w:shd element for the cell."""
    _shade(cell._tc, fill)


def _shade(cell: CT_Tc, fill: str) -> None:
    shading = OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    cell.get_or_add_tcPr().append(shading)


def rag_cell(cell: _Cell, rating: Rating, extra: str = "") -> None:
    """A RAG cell (of a table made by table()): shaded in the rating's colour and saying the rating in words (in
    bold), then any extra text."""
    paragraph = cell._tc.p_lst[0]
    _fill_run(paragraph, RATING_WORDS[Rating(rating)]).get_or_add_rPr().get_or_add_b()
    if extra:
        _fill_run(paragraph, "\n" + extra)
    _shade(cell._tc, RAG_FILL[Rating(rating)])


def _fill_run(paragraph, text: str):
    """A new run at the end of the paragraph saying text, each line break (\n, \r\n or \r) a w:br and each tab a
    w:tab. What paragraph.add_run(text) writes (except that \r\n is one break, not two), a line at a time rather
    than python-docx's character at a time."""
    run = OxmlElement("w:r")
    paragraph.append(run)
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if number:
            run.append(OxmlElement("w:br"))
        for position, part in enumerate(line.split("\t")):
            if position:
                run.append(OxmlElement("w:tab"))
            if part:
                run.append(_text(part))
    return run


def _text(part: str):
    element = OxmlElement("w:t")
    element.text = part
    if part[0].isspace() or part[-1].isspace():
        element.set(qn("xml:space"), "preserve")
    return element


def picture(document: WordDocument, png: bytes, *, alt_text: str, width_cm: float = 16.0) -> None:
    """A chart with its alt text (read out by screen readers), in a paragraph of its own."""
    shape = document.add_picture(io.BytesIO(png), width=Cm(width_cm))
    properties = shape._inline.docPr
    properties.set("descr", alt_text)
    properties.set("title", alt_text.split(":")[0][:120])


def landscape_section(document: WordDocument) -> None:
    """Start a new page in landscape (for wide tables such as the plan's nine columns)."""
    section = document.add_section()
    if section.orientation != WD_ORIENT.LANDSCAPE:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width


def page_break(document: WordDocument) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def to_bytes(document: WordDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
