"""The single audit as its readers use it: laid out as a clerk would send it, the grades summed up on page 1 before
the detail, every key standard numbered as comments cite it, and each recommendation's status and due date."""

from datetime import date

from docx.oxml.ns import qn

from app.models import Answer, RecommendationStatus, SmartRecommendation
from app.services.reports import audit_record
from tests.integration.audit_setting import NOW
from tests.integration.report_reading import layout_problems, reopen, rows, table_after
from tests.integration.test_audit_record_docx import ELEMENT_GRADES, moderate, setting, submitted

__all__ = ["setting", "submitted"]  # the fixtures, used by name


def written(audit, **options):
    return reopen(audit_record.write_audit(audit, generated_at=NOW, **options))


def body_texts(document) -> list[str]:
    """The body's paragraphs' text and, for each table, "<table>", in order."""
    texts = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            texts.append("<table>")
        elif child.tag == qn("w:p"):
            texts.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
    return texts


def test_a_clerk_would_send_it_as_it_is(setting, submitted):
    assert layout_problems(written(submitted)) == []
    moderate(setting, submitted)
    assert layout_problems(written(submitted)) == []


def test_the_grades_are_summed_up_before_the_detail(setting, submitted):
    document = written(submitted)
    texts = body_texts(document)
    summary, details = texts.index("Summary of grades"), texts.index("1. Audit details")
    assert summary < details and texts[summary + 2] == "<table>"
    answers = {answer.standard_id: answer.answer for answer in submitted.answers}
    found = rows(table_after(document, "Summary of grades"))
    assert found[0] == ["Practice element", "Grade", "Standards not met"]
    for element, grade, row in zip(submitted.tool.elements, ELEMENT_GRADES, found[1:], strict=False):
        not_met = [f"{element.number}.{index}" for index, standard in enumerate(element.standards, start=1)
                   if answers[standard.id] == Answer.NO]
        assert row == [f"{element.number} {element.report_label}", grade.label, ", ".join(not_met) or "None"]
    assert found[-1] == ["Overall grade", "Good", ""]
    assert len(found) == 1 + 9 + 1


def test_the_summary_shows_the_grades_that_stand_after_moderation(setting, submitted):
    moderate(setting, submitted)  # 5.1 Good → Inadequate; overall Good → Requires Improvement
    found = rows(table_after(written(submitted), "Summary of grades"))
    assert found[1][1] == "Inadequate (changed in moderation from Good)"
    assert found[2][1] == "Requires Improvement"
    assert found[-1][:2] == ["Overall grade", "Requires Improvement (changed in moderation from Good)"]


def test_a_standard_cited_in_a_comment_can_be_found_by_its_number(setting, submitted):
    document = written(submitted)
    first = submitted.tool.elements[0]
    table = rows(table_after(document, f"{first.number} {first.title}"))
    assert table[0] == ["No.", "Key standards", "Answer"]
    numbered = {row[0]: row[1] for row in table[1:]}
    assert numbered["5.1.3"] == first.standards[2].text  # "5.1.3" as a comment cites it: the third standard
    assert list(numbered) == [f"5.1.{n}" for n in range(1, len(first.standards) + 1)]
    every_number = [row[0] for t in document.tables if rows(t)[0][0] == "No." for row in rows(t)[1:]]
    assert len(every_number) == len(set(every_number)) == sum(len(e.standards) for e in submitted.tool.elements)


def test_each_recommendation_shows_its_status_and_due_date(setting, submitted, db):
    first = submitted.recommendations[0]  # due 9 April 2021
    submitted.recommendations.extend([
        SmartRecommendation(position=1, what="Review the plan", due_on=date(2021, 5, 1),
                            status=RecommendationStatus.DONE, done_on=date(2021, 4, 2)),
        SmartRecommendation(position=2, what="Visit weekly", due_on=None, status=RecommendationStatus.CANCELLED)])
    db.session.commit()
    heading = next(p.text for p in written(submitted).paragraphs if p.text.startswith("7. SMART"))
    for today, expected in ((date(2021, 4, 9), "Open"), (date(2021, 4, 10), "Overdue")):
        found = rows(table_after(written(submitted, today=today), heading))
        assert found[0][-2:] == ["When", "Status"]
        assert found[1][3:] == ["9 April 2021", expected], first.what
        assert found[2][3:] == ["1 May 2021", "Done on 2 April 2021"]
        assert found[3][3:] == ["", "Cancelled"]


def test_small_tables_are_kept_on_one_page(setting, submitted):
    moderate(setting, submitted)
    document = written(submitted)
    for start in ("Summary of grades", "Moderated by"):
        table = table_after(document, start)
        for row in table._tbl.tr_lst[:-1]:
            assert all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))

