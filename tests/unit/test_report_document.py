"""The parts the Word reports are written with (app/services/reports/document.py), read back with python-docx."""

import io
from datetime import datetime

from docx import Document
from docx.oxml.ns import qn

from app.models import Rating
from app.services.reports import document as word


def reopened_table(rows, headings=("What", "Progress")):
    report = word.new_document("Test", generated_at=datetime(2020, 9, 1, 9), dated="1 September 2020",
                               marking="OFFICIAL")
    word.heading(report, "1. Summary")
    table = word.table(report, list(headings), rows, widths_cm=[3, 12])
    word.rag_cell(table.rows[1].cells[1], Rating.AMBER, "due 30/09/2020")
    return Document(io.BytesIO(word.to_bytes(report)))


def test_a_cell_keeps_line_breaks_tabs_and_spaces_as_typed():
    typed = "  Two workers recruited\r\nStarting in\tOctober \nThird line"
    table = reopened_table([[typed, ""], ["plain", "x"]]).tables[0]
    cell = table.rows[1].cells[0]
    assert cell.text == "  Two workers recruited\nStarting in\tOctober \nThird line"  # \r\n is one break
    assert len(cell._tc.findall(f".//{qn('w:br')}")) == 2 and len(cell._tc.findall(f".//{qn('w:tab')}")) == 1
    assert cell.paragraphs[0].style.name == "Table Text"


def test_headings_header_rows_widths_and_rag_cells_are_real_word_structure():
    reopened = reopened_table([["Recruit", ""]])
    assert [(p.style.name, p.text) for p in reopened.paragraphs if p.text] == [("Heading 1", "1. Summary")]
    table = reopened.tables[0]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    assert [round(cell.width.cm, 1) for cell in table.rows[1].cells] == [3.0, 12.0]
    rag = table.rows[1].cells[1]
    assert rag.text == "Amber\ndue 30/09/2020" and rag.paragraphs[0].runs[0].bold
    assert rag._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == word.RAG_FILL[Rating.AMBER]


def test_every_page_says_the_marking_title_date_and_page_x_of_y():
    report = word.new_document("Update pack", generated_at=datetime(2020, 9, 1, 9), dated="1 September 2020",
                               marking="OFFICIAL-SENSITIVE", handling="do not forward")
    word.landscape_section(report)
    reopened = Document(io.BytesIO(word.to_bytes(report)))
    first, appendix = reopened.sections
    assert [p.text for p in first.header.paragraphs] == ["OFFICIAL-SENSITIVE: do not forward",
                                                        "Update pack · 1 September 2020"]
    assert first.footer.paragraphs[-1].text == "OFFICIAL-SENSITIVE"
    codes = [field.get(qn("w:instr")).strip() for field in first.footer._element.iter(qn("w:fldSimple"))]
    assert codes == ["PAGE", "NUMPAGES"]
    assert appendix.header.is_linked_to_previous and appendix.footer.is_linked_to_previous


def test_tables_never_touch_and_their_rows_never_split():
    report = word.new_document("Test", generated_at=datetime(2020, 9, 1, 9), dated="1 September 2020",
                               marking="OFFICIAL")
    word.table(report, ["Finding"], [["R1"]])
    word.table(report, ["Action", "Milestone"], [["1.1", "Recruit"], ["1.2", "Train"]], keep_together=True)
    reopened = Document(io.BytesIO(word.to_bytes(report)))
    body = [child.tag.split("}")[1] for child in reopened.element.body.iterchildren()]
    assert body == ["tbl", "p", "tbl", "sectPr"]
    second = reopened.tables[1]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in second.rows)
    kept = [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in second.rows]
    assert kept == [True, True, None]  # the last row need not keep with what follows the table
