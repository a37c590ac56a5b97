"""Reading a generated Word report back, for the tests: headings, tables as text, RAG cells' shading."""

import io
import re

from docx import Document
from docx.oxml.ns import qn


def reopen(document_bytes: bytes):
    return Document(io.BytesIO(document_bytes))


def headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def cell_text(tc) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))


def rows(table) -> list[list[str]]:
    """Every row's cells as text (a cell merged down shows its text in the first row only)."""
    return [[cell_text(tc) for tc in tr.iter(qn("w:tc"))] for tr in table._tbl.iter(qn("w:tr"))]


def table_after(document, heading_text: str, nth: int = 0):
    """The nth table after the heading (or paragraph) that starts with heading_text (not its entry in a contents
    list, which links to it with a PAGEREF field)."""
    body = list(document.element.body.iterchildren())
    start = next(i for i, element in enumerate(body)
                 if element.tag == qn("w:p") and cell_text(element).startswith(heading_text)
                 and next(element.iter(qn("w:instrText")), None) is None)
    tables = [element for element in body[start:] if element.tag == qn("w:tbl")]
    return next(table for table in document.tables if table._tbl is tables[nth])


def fill(tc) -> str | None:
    shading = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
    return shading.get(qn("w:fill")) if shading is not None else None


def repeats_header(table) -> bool:
    first_row = table._tbl.tr_lst[0]
    return first_row.trPr is not None and first_row.trPr.find(qn("w:tblHeader")) is not None


def plan_tables(document) -> list:
    return [table for table in document.tables if rows(table)[0][0] == "Action No."]


# --- Laid out as a clerk would send it ------------------------------------------------------------------------

HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def lines_of(tc) -> list[str]:
    """A cell's text line by line, as a reader sees it: each paragraph and each line break starts a line."""
    lines = []
    for paragraph in tc.iter(qn("w:p")):
        line = ""
        for element in paragraph.iter(qn("w:t"), qn("w:br")):
            if element.tag == qn("w:br"):
                lines.append(line)
                line = ""
            else:
                line += element.text or ""
        lines.append(line)
    return lines


def layout_problems(document) -> list[str]:
    """What a clerk would send back, each problem saying where: no page number in a footer, two tables touching
    (Word joins them), a table whose heading row does not repeat, a row that may split across pages, a heading
    not kept with what follows, HTML in a cell, a cell whose first two lines say the same."""
    problems = []
    for number, section in enumerate(document.sections, start=1):
        footer = section.footer._element if not section.footer.is_linked_to_previous else None
        if number == 1 and (footer is None or " PAGE " not in _field_codes(footer)):
            problems.append("the footer has no PAGE field")
    body = list(document.element.body.iterchildren())
    for before, after in zip(body, body[1:], strict=False):
        if before.tag == after.tag == qn("w:tbl"):
            problems.append(f"two tables touch: {rows_of(before)[0][:2]} then {rows_of(after)[0][:2]}")
    for table in document.element.body.iter(qn("w:tbl")):
        table_rows = table.findall(qn("w:tr"))
        if table_rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None:
            problems.append(f"the heading row of {rows_of(table)[0][:2]} does not repeat")
        for row in table_rows:
            if row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None:
                cells = [cell_text(tc)[:30] for tc in row.iter(qn("w:tc"))]
                problems.append(f"a row of {rows_of(table)[0][:2]} may split: {cells}")
            for tc in row.iter(qn("w:tc")):
                lines = [line.strip() for line in lines_of(tc)]
                if HTML_TAG.search("\n".join(lines)):
                    problems.append(f"HTML in a cell: {cell_text(tc)[:80]!r}")
                if len(lines) > 1 and lines[0] and lines[0] == lines[1]:
                    problems.append(f"a cell's first two lines are the same: {lines[0]!r}")
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading") and not _keeps_with_next(paragraph):
            problems.append(f"the heading {paragraph.text!r} is not kept with what follows")
    return problems


def rows_of(tbl) -> list[list[str]]:
    return [[cell_text(tc) for tc in tr.iter(qn("w:tc"))] for tr in tbl.iter(qn("w:tr"))]


def _field_codes(element) -> str:
    simple = [field.get(qn("w:instr")) for field in element.iter(qn("w:fldSimple"))]
    complex_ = [code.text for code in element.iter(qn("w:instrText"))]
    return " ".join(f" {code.strip()} " for code in [*simple, *complex_] if code)


def _keeps_with_next(paragraph) -> bool:
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.keep_with_next:
            return True
        style = style.base_style
    return bool(paragraph.paragraph_format.keep_with_next)
