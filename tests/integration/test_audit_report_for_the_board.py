"""The monthly audit report read as the board reads it: laid out as a clerk would send it, no auditor named, one
date style, figures explained from the data, small numbers flagged as too few to compare, every chart captioned and
kept with its table, and the SMART recommendations by practice element and status."""

import re

from docx.oxml.ns import qn

from app.services.reports import audit_report
from tests.integration.report_reading import layout_problems
from tests.integration.test_audit_report import MARCH, NOW, TODAY, all_text, audits, reopen, rows_of

__all__ = ["audits"]  # the fixture, used by name


def board_paper():
    return reopen(audit_report.write(audit_report.gather(MARCH, TODAY), title="Monthly audit report: March 2021",
                                     generated_at=NOW))


def test_a_clerk_would_send_it_as_it_is(audits):
    assert layout_problems(board_paper()) == []


def test_no_auditor_is_named(audits):
    text = all_text(board_paper())
    for name in ("Ari Auditor", "Bea Auditor", "Ari", "Bea", "Mo Moderator"):
        assert name not in text
    assert "Auditor A" in text and "Auditors are not named" in text


def test_one_date_style_and_the_figures_explained_from_the_data(audits):
    text = all_text(board_paper())
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", text)  # no 15/04/2021, no 31/03/2021 09:00
    assert "generated" not in text.lower()
    assert "The figures are as at 15 April 2021" in text
    assert "As at 15 April 2021, 2 SMART recommendations" in text
    assert "In section 2, 60% (3/5) means 3 of the 5 audits allocated were completed." in text
    assert "44% (34/77)" not in text
    assert "The overall grades of the 3 completed audits of March 2021 that have one." in text


def test_numbers_too_small_to_compare_are_flagged(audits):
    text = all_text(board_paper())
    assert "Only 3 graded audits: too few for these percentages to be compared." in text
    assert "Fewer than 10 audits were graded in January 2021 and March 2021: too few for their percentages" in text
    assert "Auditor A had fewer than 10 grades moderated: too few for that percentage to be compared." in text
    assert "(January 2021: 50% (1/2))" not in text  # not compared in the summary either


def test_every_chart_has_a_caption_under_it_and_stays_with_its_table(audits):
    word = board_paper()
    body = list(word.element.body.iterchildren())
    pictures = [i for i, element in enumerate(body) if element.findall(f".//{qn('w:drawing')}")]
    assert len(pictures) == 3
    for number, index in enumerate(pictures, start=1):
        picture, caption, after = body[index], body[index + 1], body[index + 2]
        caption_text = "".join(t.text for t in caption.iter(qn("w:t")))
        assert caption_text.startswith(f"Figure {number}: ")
        assert caption.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == "Caption"
        for paragraph in (picture, caption):
            assert paragraph.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
        if after.tag == qn("w:p"):  # a line introducing the table, kept with it
            assert after.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
            after = body[index + 3]
        assert after.tag == qn("w:tbl")


def test_smart_recommendations_by_practice_element_and_status(audits):
    word = board_paper()
    table = next(t for t in word.tables if t.rows[0].cells[1].text == "Open, not yet due")
    assert [cell.text for cell in table.rows[0].cells] == ["Practice element", "Open, not yet due", "Overdue", "Done",
                                                           "Cancelled", "All"]
    assert rows_of(table) == {"5.1 Timely identification, response and reduction of risk and need": ["1", "1", "1",
                                                                                                     "0", "3"],
                              "All elements": ["1", "1", "1", "0", "3"]}


def test_small_tables_are_kept_on_one_page(audits):
    word = board_paper()
    for table in word.tables:
        body_rows = table._tbl.tr_lst[1:]
        for row in body_rows[:-1]:
            assert all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))


def test_the_weakest_element_decides_where_a_recommendation_is_counted(audits, db):
    """An audit whose most No answers are in 5.2 counts its recommendation under 5.2, after 5.1 in code order."""
    from app.models import Answer, AuditAnswer, AuditState, SmartRecommendation
    from app.services.audits import tallies
    maker = audits["maker"]
    audit = maker.audit(maker.round(MARCH, title="Another"), audits["ari"], AuditState.SUBMITTED, None, {},
                        (Answer.NO,))
    db.session.flush()
    audit.answers.extend(AuditAnswer(standard_id=standard.id, answer=Answer.NO)
                         for standard in audits["tool"].elements[1].standards[:2])
    audit.recommendations = [SmartRecommendation(position=0, what="Assessment", due_on=None)]
    tallies.recount_all()
    db.session.commit()
    by_element = audit_report.gather(MARCH, TODAY)["recommendations"]["by_element"]
    assert [(row["number"], row["open"], row["overdue"]) for row in by_element] == [("5.1", 1, 1), ("5.2", 1, 0)]
