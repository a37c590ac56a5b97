"""The parts every Word report is made of, over the styled base document in templates/docx/.

Accessible by construction: headings use the real heading styles, tables have a header row that repeats on every
page, pictures carry alt text, and a RAG cell always says its rating in words as well as in its shading.
Laid out as a clerk would send it: every page says the protective marking, the title and the date at the top and
"Page x of y" at the foot; table rows never split across pages; two tables never touch (Word and LibreOffice would
join them into one, whose heading row is the first one's); headings stay with what follows (the heading styles
keep with next). Every date in a document is written one way, as due_dates.long_date writes it ("31 July 2020").
Tables are created with their final number of rows and filled row by row (`row.cells`): python-docx's
`table.cell(r, c)` is quadratic.
"""

import io
from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import datetime
from functools import cache
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from docx.oxml.table import CT_Tc
from docx.shared import Cm
from docx.table import Table, _Cell
from flask import current_app

from app.models import Rating
from app.services.plans.rag import RATING_WORDS

BASE_DOCUMENT = Path(__file__).resolve().parents[3] / "templates" / "docx" / "report-base.docx"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"  # a .docx

# The council's shading for each rating (black text reads on each, and the word is always written too).
RAG_FILL = {Rating.RED: "FF0000", Rating.AMBER: "FFC000", Rating.GREEN: "00B050", Rating.NOT_RATED: "D9D9D9"}
HEADER_FILL = "DEE0E2"
LINK_COLOUR = "0563C1"
TABLE_TEXT = "Table Text"
CAPTION = "Caption"
_TYPE, _W, _TC_PR, _TC_W, _TBL = qn("w:type"), qn("w:w"), qn("w:tcPr"), qn("w:tcW"), qn("w:tbl")
_TR, _TC, _P, _R = qn("w:tr"), qn("w:tc"), qn("w:p"), qn("w:r")  # found with lxml's find/findall: python-docx's *_lst use XPath
# The children of w:tcPr that come after w:vMerge, in the schema's order.
_AFTER_VMERGE = frozenset(qn(tag) for tag in (
    "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange"))


def _element(tag: str, attributes: dict[str, str] | None = None):
    """A new element, as python-docx's OxmlElement(tag, attributes) makes it, with the tag's name and namespace
    worked out once: OxmlElement parses them again at each call, a good part of the time of a large table."""
    name, namespaces = _clark_name(tag)
    return oxml_parser.makeelement(name, attrib=attributes, nsmap=namespaces)


@cache
def _clark_name(tag: str) -> tuple[str, dict[str, str]]:
    parsed = NamespacePrefixedTag(tag)
    return parsed.clark_name, parsed.nsmap


def new_document(title: str, *, generated_at: datetime, dated: str, marking: str, handling: str = "",
                 base: WordDocument | None = None) -> WordDocument:
    """An empty report on the base document's styles, its properties saying what it is and when it was made, and
    every page headed with its protective marking (and any handling instruction after it), title and date (`dated`,
    in words: the date its figures are as at, or the meeting's) and footed with "Page x of y" and the marking.
    `base`: a fresh copy of a document made from the base document (the update packs' lean one), instead of it."""
    document = base if base is not None else Document(str(BASE_DOCUMENT))
    set_properties(document, title, generated_at)
    _running_header_and_footer(document, title=title, dated=dated,
                               marking=f"{marking}: {handling}" if handling else marking, footer_marking=marking)
    return document


def set_properties(document: WordDocument, title: str, generated_at: datetime) -> None:
    """The document's properties: what it is, and when and by what it was made."""
    properties = document.core_properties
    properties.title = title
    properties.author = "Improvement Tracker"
    properties.created = properties.modified = generated_at
    properties.revision = 1


def protective_marking(personal_data: bool = False) -> str:
    """The marking printed on every page (Government Security Classifications): the service's setting for
    documents about the plan and anonymised figures, and a stronger one for documents about a child."""
    return current_app.config["PERSONAL_DATA_MARKING" if personal_data else "PROTECTIVE_MARKING"]


def _running_header_and_footer(document: WordDocument, *, title: str, dated: str, marking: str,
                               footer_marking: str) -> None:
    """The first section's header and footer, which every later section (a landscape appendix) links to."""
    section = document.sections[0]
    top = section.header.paragraphs[0]
    _marking_line(top, marking)
    section.header.add_paragraph(f"{title} · {dated}")
    foot = section.footer.paragraphs[0]
    foot.add_run("Page ")
    foot._p.append(_field("PAGE", "1"))
    foot.add_run(" of ")
    foot._p.append(_field("NUMPAGES", "1"))
    _marking_line(section.footer.add_paragraph(), footer_marking)
    for paragraph in (*section.header.paragraphs, *section.footer.paragraphs):
        paragraph.alignment = 1  # centred, where the marking goes by convention


def _marking_line(paragraph, marking: str) -> None:
    paragraph.add_run(marking).bold = True


def _field(code: str, shown: str):
    """A simple Word field (PAGE, NUMPAGES), with the value shown until the reader's program works it out."""
    field = _element("w:fldSimple", {qn("w:instr"): f" {code} "})
    run = _element("w:r")
    run.append(_text(shown))
    field.append(run)
    return field


def heading(document: WordDocument, text: str, level: int = 1) -> None:
    """A heading in Word's own heading style (level 0 is the Title), as document.add_heading writes it."""
    _styled_paragraph(document, text, "Title" if level == 0 else f"Heading {level}")


def paragraphs(document: WordDocument, text: str, style: str | None = None) -> None:
    """Text as written, one Word paragraph per line (empty lines dropped)."""
    for line in text.splitlines() or [""]:
        if line.strip():
            _styled_paragraph(document, line.strip(), style)


def bullets(document: WordDocument, items: Iterable[str]) -> None:
    for item in items:
        _styled_paragraph(document, item, "List Bullet")


def _styled_paragraph(document: WordDocument, text: str, style: str | None):
    """document.add_paragraph(text, style=style), with the style's id looked up once per document: python-docx
    looks through every style for each paragraph."""
    paragraph = document.add_paragraph(text)
    if style:
        paragraph._p.style = style_ids(document)[style]
    return paragraph


def style_ids(document: WordDocument) -> dict[str, str]:
    """The document's style ids by style name, looked up once and kept on the document (and on a copy of it)."""
    ids = getattr(document, "_style_ids", None)
    if ids is None:
        ids = document._style_ids = {style.name: style.style_id for style in document.styles}
    return ids


def caption(document: WordDocument, text: str) -> None:
    """A caption (under a chart, or over a table), in the base document's Caption style."""
    _styled_paragraph(document, text, CAPTION)


def table(document: WordDocument, headings: Sequence[str], rows: Sequence[Sequence[str]],
          widths_cm: Sequence[float] | None = None, *, keep_together: bool = False) -> Table:
    """A table with a header row repeated on every page, filled with the rows' text (\n becomes a line break).

    No row splits across a page. keep_together keeps the whole table on one page (for short tables, such as a
    summary, where a lone row at the top of the next page would be read without its neighbours)."""
    _apart_from_previous_table(document)
    result = document.add_table(rows=len(rows) + 1, cols=len(headings))
    result.style = document.styles["Table Grid"]
    result.autofit = widths_cm is None
    style_id = style_ids(document)[TABLE_TEXT]
    all_rows = result._tbl.findall(_TR)
    _header(all_rows[0], headings, style_id)
    last = len(rows) - 1
    for number, (values, row) in enumerate(zip(rows, all_rows[1:], strict=True)):
        _not_split(row)
        keep_with_next = keep_together and number < last
        for value, cell in zip(values, row.findall(_TC), strict=True):
            _fill(cell, value, style_id, keep_with_next=keep_with_next)
    if widths_cm:
        set_widths(result, widths_cm)
    return result


def _apart_from_previous_table(document: WordDocument) -> None:
    """An empty paragraph between two tables that would otherwise touch: Word and LibreOffice would join them."""
    body = document.element.body
    previous = body[-2] if len(body) > 1 else None  # the last child is the section's properties
    if previous is not None and previous.tag == _TBL:
        document.add_paragraph()


def _not_split(row) -> None:
    """Mark a row not to break across pages (w:cantSplit), in the row's new w:trPr."""
    properties = _element("w:trPr")
    properties.append(_element("w:cantSplit"))
    row.insert(0, properties)


def _header(row, headings: Sequence[str], style_id: str) -> None:
    _not_split(row)
    row[0].append(_element("w:tblHeader", {qn("w:val"): "true"}))  # in the w:trPr just made, after w:cantSplit
    for text, cell in zip(headings, row.findall(_TC), strict=True):
        _bold(_fill(cell, text, style_id, keep_with_next=True))
        _shade(cell, HEADER_FILL)


def _fill(cell: CT_Tc, value, style_id: str, *, keep_with_next: bool = False):
    """Write a new cell's text into its one empty paragraph, in the given style; returns the run (or None).

    Built directly on the cell's XML: python-docx's paragraph.style and add_run look for the right place among the
    possible children of each element, which is most of the time of a large table. A new cell's paragraph has no
    children, so the style goes first (then w:keepNext, which keeps the row on the page of the next one) and the
    run after it."""
    paragraph = cell.find(_P)
    properties = _element("w:pPr")
    properties.append(_element("w:pStyle", {qn("w:val"): style_id}))
    if keep_with_next:
        properties.append(_element("w:keepNext"))
    paragraph.append(properties)
    text = "" if value is None else str(value)
    return _fill_run(paragraph, text) if text else None


def set_widths(result: Table, widths_cm: Sequence[float]) -> None:
    """Column widths (Word reads them from each cell; LibreOffice from the grid, so both are set)."""
    for column, width in zip(result.columns, widths_cm, strict=True):
        column.width = Cm(width)
    twips = [str(int(Cm(width).twips)) for width in widths_cm]
    for row in result._tbl.findall(_TR):
        for cell, width in zip(row.findall(_TC), twips, strict=True):
            cell_width = _width_of(cell)
            cell_width.set(_TYPE, "dxa")
            cell_width.set(_W, width)


def _width_of(cell: CT_Tc):
    """A cell's w:tcW, which add_table gives every cell (a second one would break the schema): found directly, as
    python-docx's get_or_add looks through every possible child for each cell."""
    width = _properties_of(cell).find(_TC_W)
    return width if width is not None else cell.get_or_add_tcPr().get_or_add_tcW()


def body_rows(result: Table) -> list:
    """The table's rows below the header row, as XML (w:tr): python-docx's row objects are slow to make."""
    return result._tbl.findall(_TR)[1:]


def cells_of(row) -> list[CT_Tc]:
    return row.findall(_TC)


def spanning_row(result: Table, row, *, fill: str) -> None:
    """Make a row (filled by table() with text in its first cell only) one bold cell across the table, shaded and
    kept on the page of the row after it: a heading row for the rows that follow (an action over its milestones)."""
    first, *others = cells_of(row)
    for cell in others:
        row.remove(cell)
    width = _width_of(first)
    width.set(_W, str(sum(int(column.get(_W)) for column in result._tbl.tblGrid.findall(qn("w:gridCol")))))
    width.addnext(_element("w:gridSpan", {qn("w:val"): str(len(others) + 1)}))
    _shade(first, fill)
    paragraph = first.find(_P)
    paragraph[0].append(_element("w:keepNext"))  # in the w:pPr that table() wrote first
    for run in paragraph.findall(_R):
        _bold(run)


def link(document: WordDocument, cell: CT_Tc, text: str, url: str) -> None:
    """A cell's words as a link (underlined, in the link colour), so a reader selects what they want rather than an
    address. Copied from one link made per document: making each element anew is a good part of the time of a
    long table of links."""
    made = deepcopy(_link_pattern(document))
    made.set(qn("r:id"), document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    pattern_run = made[0]
    for number, line in enumerate(text.splitlines() or [""]):
        run = deepcopy(pattern_run) if number else pattern_run
        if number:
            run.insert(1, _element("w:br"))
            made.append(run)
        run[-1].text = line
    cell.find(_P).append(made)


def _link_pattern(document: WordDocument):
    pattern = getattr(document, "_link_pattern", None)
    if pattern is None:
        pattern = document._link_pattern = _element("w:hyperlink")
        run, properties, text = _element("w:r"), _element("w:rPr"), _element("w:t", {qn("xml:space"): "preserve"})
        properties.append(_element("w:color", {qn("w:val"): LINK_COLOUR}))
        properties.append(_element("w:u", {qn("w:val"): "single"}))
        run.extend([properties, text])
        pattern.append(run)
    return pattern


def column_cells(result: Table, column: int) -> list[_Cell]:
    """A column's cells below the header row (in a table without cells merged across columns)."""
    return [_Cell(row.findall(_TC)[column], result) for row in result._tbl.findall(_TR)[1:]]


def merge_down(result: Table, column: int, first_row: int, last_row: int) -> None:
    """Merge a column's cells from first_row to last_row (indexes in the table, inclusive), as Word's vertical
    merge: the first cell keeps its text, the cells below must be empty."""
    if last_row <= first_row:
        return
    rows = result._tbl.findall(_TR)
    _merge(rows[first_row].findall(_TC)[column], "restart")
    for row in rows[first_row + 1:last_row + 1]:
        _merge(row.findall(_TC)[column], None)  # no value: "continue"


def _merge(cell: CT_Tc, value: str | None) -> None:
    """Give a cell not merged yet its w:vMerge, in its place among the cell's properties. What python-docx's
    `tc.vMerge = value` writes, without its search through every possible child of w:tcPr for each cell."""
    merge = _element("w:vMerge", {qn("w:val"): value} if value else None)
    properties = _properties_of(cell)
    later = next((child for child in properties if child.tag in _AFTER_VMERGE), None)
    if later is None:
        properties.append(merge)
    else:
        later.addprevious(merge)


def shade(cell: _Cell, fill: str) -> None:
    """A cell's background: a new w:shd element for the cell."""
    _shade(cell._tc, fill)


def _shade(cell: CT_Tc, fill: str) -> None:
    shading = _element("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    _properties_of(cell).append(shading)


def _properties_of(cell: CT_Tc):
    """A cell's w:tcPr, which add_table gives every cell: found directly rather than by python-docx's search."""
    properties = cell.find(_TC_PR)
    return properties if properties is not None else cell.get_or_add_tcPr()


def _bold(run) -> None:
    """Make a new run (with no properties yet) bold."""
    properties = _element("w:rPr")
    properties.append(_element("w:b"))
    run.insert(0, properties)


def rag_cell(cell: _Cell, rating: Rating, extra: str = "") -> None:
    """A RAG cell (of a table made by table()): shaded in the rating's colour and saying the rating in words (in
    bold), then any extra text."""
    paragraph = cell._tc.find(_P)
    _bold(_fill_run(paragraph, RATING_WORDS[Rating(rating)]))
    if extra:
        _fill_run(paragraph, "\n" + extra)
    _shade(cell._tc, RAG_FILL[Rating(rating)])


def _fill_run(paragraph, text: str):
    """A new run at the end of the paragraph saying text, each line break (\n, \r\n or \r) a w:br and each tab a
    w:tab. What paragraph.add_run(text) writes (except that \r\n is one break, not two), a line at a time rather
    than python-docx's character at a time."""
    run = _element("w:r")
    paragraph.append(run)
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if number:
            run.append(_element("w:br"))
        for position, part in enumerate(line.split("\t")):
            if position:
                run.append(_element("w:tab"))
            if part:
                run.append(_text(part))
    return run


def _text(part: str):
    element = _element("w:t")
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
