"""The plan progress report laid out as a clerk would send it: reopened with python-docx, the report on the demo's plan
has a contents list linked to its headings, each appendix area from a new page with a heading before its actions,
charts captioned next to their tables, dates written one way, summary headings whose words fit their columns, and
sections 4–6 asking to be confirmed rather than assumed not to apply."""

import re
from datetime import date

import pytest
from docx.oxml.ns import qn
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.textpath import TextPath

from app.demo import PLAN_FILE
from app.models import ProgressUpdate
from app.services.importers.plan_json import load_plan_file
from app.services.reports import snapshots
from app.services.reports.plan_report import (
    APPRAISALS,
    PLAN_COLUMNS,
    PLAN_WIDTHS,
    SUMMARY_COLUMNS,
    SUMMARY_HEADING_POINTS,
    SUMMARY_WIDTHS,
)
from tests.conftest import NOW, TODAY
from tests.integration.report_reading import cell_text, layout_problems, plan_tables, reopen, rows
from tests.integration.test_plan_report import COMPLETE, a_meeting

NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
CELL_MARGINS_CM = 2 * 0.19  # Table Grid's left and right cell margins (108 twips each)


@pytest.fixture
def demo_report(db):
    plan = load_plan_file(PLAN_FILE, now=NOW, email_domain="council.example").plan
    meeting = a_meeting(db, date(2020, 8, 20))
    details = {**COMPLETE, **{field.key: "" for field in APPRAISALS}}
    report = snapshots.generate_plan_report(plan, meeting, details, actor=None, now=NOW, today=TODAY)
    return report, reopen(snapshots.document_of(report))


def test_the_demo_plans_report_has_no_layout_problem(demo_report):
    _, word = demo_report
    assert layout_problems(word) == []


def test_the_contents_list_links_every_heading_1_and_2_to_its_page(demo_report):
    _, word = demo_report
    body = list(word.element.body.iterchildren(qn("w:p")))
    title = next(i for i, p in enumerate(body) if cell_text(p) == "Contents")
    assert body[title].style == "TOCHeading" and title > 5  # after the front block
    entries = [p for p in body if next(p.iter(qn("w:instrText")), None) is not None]
    ids = {word.styles[name].style_id for name in ("Heading 1", "Heading 2")}
    headings = [p for p in body if p.style in ids]
    assert len(entries) == len(headings) > 30
    bookmarks = {start.get(qn("w:name")): cell_text(heading) for heading in headings
                 for start in heading.iter(qn("w:bookmarkStart"))}
    for entry, heading in zip(entries, headings, strict=True):
        anchor = next(entry.iter(qn("w:hyperlink"))).get(qn("w:anchor"))
        assert bookmarks[anchor] == cell_text(heading) == cell_text(entry)
        assert "".join(code.text for code in entry.iter(qn("w:instrText"))).split() == ["PAGEREF", anchor, "\\h"]
    assert cell_text(entries[-1]) == "5.0 Improving outcomes for Children in Care"


def test_each_appendix_area_starts_a_page_and_its_actions_follow_a_heading_of_their_own(demo_report):
    _, word = demo_report
    paragraphs = word.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Appendix A") and p.style.name == "Heading 1")
    areas = [p for p in paragraphs[start:] if p.style.name == "Heading 2"]
    assert len(areas) == 5 and all(area.paragraph_format.page_break_before for area in areas)
    body = list(word.element.body.iterchildren())
    for table in plan_tables(word):
        before = body[body.index(table._tbl) - 1]
        assert cell_text(before).startswith("Actions and milestones in ")


def test_each_chart_is_captioned_and_follows_the_table_it_illustrates(demo_report):
    _, word = demo_report
    body = list(word.element.body.iterchildren())
    pictures = [i for i, element in enumerate(body) if next(element.iter(qn("wp:docPr")), None) is not None]
    assert len(pictures) == 2
    captions = [cell_text(body[i + 1]) for i in pictures]
    assert captions == ["Figure 1: Milestones by RAG rating in each area, as at 31 July 2020",
                        "Figure 2: Milestones by RAG rating at each report, by the date its figures are as at"]
    assert all(word.styles.get_by_id(body[i + 1].style, 1).name == "Caption" for i in pictures)
    tables_before = [rows(_table_before(word, body, i))[0][:2] for i in pictures]
    assert tables_before == [["Area", "Milestones"], ["Report", "Red"]]


def _table_before(word, body, index):
    element = next(e for e in reversed(body[:index]) if e.tag == qn("w:tbl"))
    return next(table for table in word.tables if table._tbl is element)


def test_dates_are_written_in_words_and_the_update_date_once(db, demo_report):
    _, word = demo_report
    when = [row[6] for table in plan_tables(word) for row in rows(table)[1:] if row[6]]
    assert len(when) > 100 and any(re.match(r"\d{1,2} [A-Z][a-z]+ \d{4}", text) for text in when)
    for text in when:  # what people wrote (updates, deliverables) is theirs; the due date is the report's
        if "(Not read as a date" not in text:  # the text as imported, only where it could not be read
            assert not NUMERIC_DATE.search(text), text
    assert not any(NUMERIC_DATE.search(p.text) for p in word.paragraphs)
    progress = [row[7] for table in plan_tables(word) for row in rows(table)[1:] if row[7] != "No update yet"]
    assert progress and all(re.match(r"\d{1,2} [A-Z][a-z]+ \d{4}: |\d{1,2} [A-Z][a-z]+ \d{4}$", text)
                            for text in progress)
    assert db.session.query(ProgressUpdate).count() > 0


def test_the_summary_headings_words_fit_their_columns_whole():
    """Measured in Liberation Sans, which has Arial's metrics (what LibreOffice prints Arial with)."""
    try:
        bold = FontProperties(fname=findfont(FontProperties(family="Liberation Sans", weight="bold"),
                                             fallback_to_default=False))
    except ValueError:
        pytest.skip("Liberation Sans is not installed")

    def widest_word_cm(heading: str, points: float) -> float:
        bold.set_size(points)
        return max(TextPath((0, 0), word, prop=bold).get_extents().width for word in heading.split()) / 72 * 2.54

    for columns, widths, points in ((SUMMARY_COLUMNS, SUMMARY_WIDTHS, SUMMARY_HEADING_POINTS),
                                    (PLAN_COLUMNS, PLAN_WIDTHS, 9)):
        for heading, width in zip(columns, widths, strict=True):
            assert widest_word_cm(heading.format(days=30), points) + CELL_MARGINS_CM <= width, heading
    assert sum(SUMMARY_WIDTHS) <= 17.0 and round(sum(PLAN_WIDTHS), 2) <= 25.7


def test_sections_4_to_6_left_empty_ask_to_be_confirmed_and_a_none_confirms_them(db, demo_report, plan_tree):
    report, word = demo_report
    warnings = [p for p in report.problems if p["kind"] == "unconfirmed_section"]
    assert [(p["message"].split("”")[0], p["blocking"]) for p in warnings] == [
        ("“4. Financial and resource appraisal", False), ("“5. Risk management and governance issues", False),
        ("“6. Legal appraisal", False)]
    assert [p for p in report.problems if p["blocking"]] == []  # a warning to look at, not a block
    assert cell_text(_paragraph_after(word, "6. Legal appraisal")) == "[To be completed: 6. Legal appraisal]"

    meeting = a_meeting(db, date(2020, 9, 15))
    confirmed = snapshots.generate_plan_report(plan_tree["plan"], meeting,
                                               {**COMPLETE, "financial": "None.", "risk": "None.",
                                                "legal": "Not applicable."}, actor=None, now=NOW, today=TODAY)
    assert [p for p in confirmed.problems if p["kind"] == "unconfirmed_section"] == []
    assert cell_text(_paragraph_after(reopen(snapshots.document_of(confirmed)), "6. Legal appraisal")) == \
        "Not applicable."


def _paragraph_after(word, heading: str):
    paragraphs = [p for p in word.paragraphs if p.text]
    index = next(i for i, p in enumerate(paragraphs) if p.text == heading and p.style.name == "Heading 1")
    return paragraphs[index + 1]._p
