"""Reading a generated Word report back, for the tests: headings, tables as text, RAG cells' shading."""

import io

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
    """The nth table after the heading (or paragraph) that starts with heading_text."""
    body = list(document.element.body.iterchildren())
    start = next(i for i, element in enumerate(body)
                 if element.tag == qn("w:p") and cell_text(element).startswith(heading_text))
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
