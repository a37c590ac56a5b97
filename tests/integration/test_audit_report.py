"""The monthly audit report: its data against hand counts and the database, and the Word document reopened with
python-docx: numbered headings, every figure as n/N and %, repeating header rows, alt text on every chart, the
previous months, sections that say when they have nothing, and no child's name or case reference anywhere."""

import io
import json
from collections import Counter
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn

from app.models import (
    Answer,
    Audit,
    AuditAnswer,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    AuditState,
    Grade,
    LearningPoint,
    Moderation,
    ModerationGrade,
    PoolCase,
    RecommendationStatus,
    Role,
    RoundKind,
    SmartRecommendation,
    Team,
)
from app.services.audits import tallies as audit_tallies
from app.services.audits.findings import Share
from app.services.audits.tool import load_tool
from app.services.reports import audit_report

NOW = datetime(2021, 3, 31, 9, 0)
TODAY = date(2021, 4, 15)
MARCH, JANUARY = date(2021, 3, 1), date(2021, 1, 1)
OUT, G, RI, INAD = Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE
CHILD_NAMES = ("Jamie Example", "Robin Sample")
REFERENCES = ("CASE-0001", "CASE-0002", "CASE-0003", "CASE-0004", "CASE-0005", "CASE-0006", "CASE-0007", "CASE-0008")
HEADINGS = ["1. Summary", "2. Completion", "3. Grades overall", "4. Grades by practice element",
            "5. Compared with previous months", "6. Standards most often not met", "7. Moderation", "8. Learning themes",
            "9. SMART recommendations"]


class AuditMaker:
    """Audits written directly (not moved through their states), with the grades, answers and child given."""

    def __init__(self, db, tool, team):
        self.db, self.tool, self.team, self.made = db, tool, team, 0

    def round(self, month: date, kind=RoundKind.ROUTINE, title=None, theme=None) -> AuditRound:
        return AuditRound(kind=kind, month=month, title=title or f"Routine audit {month:%B %Y}", theme=theme,
                          sample_size=4, seed=1, created_at=NOW)

    def audit(self, audit_round, auditor, state, overall=None, grades=None, answers=(), child=None) -> Audit:
        """grades: {element index: grade}, Good for the rest; answers: for the first standards of element 5.1."""
        self.made += 1
        audit = Audit(round=audit_round, case=PoolCase(reference=f"CASE-{self.made:04d}", team=self.team, added_at=NOW),
                      tool=self.tool, auditor=auditor, allocated_at=NOW, state=state)
        if state not in (AuditState.ALLOCATED, AuditState.IN_PROGRESS):
            audit.record = AuditRecord(overall_grade=overall, child_name=child, child_date_of_birth=date(2015, 6, 1))
            audit.element_grades = [AuditElementGrade(element_id=element.id, grade=(grades or {}).get(index, G))
                                    for index, element in enumerate(self.tool.elements)]
            standards = self.tool.elements[0].standards
            audit.answers = [AuditAnswer(standard_id=standard.id, answer=answer)
                             for standard, answer in zip(standards, answers, strict=False)]
        self.db.session.add(audit)
        return audit


@pytest.fixture
def audits(db, make_person):
    """March 2021: a routine round of 4 (3 completed, one moderated with two element grades and the overall grade
    changed) and a themed round of 1 still in progress; January 2021: 2 completed; August 2020 (outside the six
    months shown): 1 completed."""
    tool, _ = load_tool(now=NOW)
    maker = AuditMaker(db, tool, Team(name="Safeguarding North"))
    ari, bea = make_person("Ari Auditor", Role.AUDITOR), make_person("Bea Auditor", Role.AUDITOR)
    march, themed = maker.round(MARCH), maker.round(MARCH, RoundKind.THEMED, "Strategy meetings", "Strategy meetings")
    a1 = maker.audit(march, ari, AuditState.SUBMITTED, G, {}, (Answer.NO, Answer.NO), child=CHILD_NAMES[0])
    a2 = maker.audit(march, bea, AuditState.MODERATED, RI, {0: RI}, (Answer.YES, Answer.NO), child=CHILD_NAMES[1])
    a3 = maker.audit(march, ari, AuditState.SUBMITTED, INAD, {0: INAD}, (Answer.NOT_APPLICABLE, Answer.NO))
    maker.audit(march, bea, AuditState.ALLOCATED)
    maker.audit(themed, ari, AuditState.IN_PROGRESS)
    january = maker.round(JANUARY)
    j1 = maker.audit(january, ari, AuditState.SUBMITTED, OUT, {0: OUT}, (Answer.YES, Answer.YES))
    maker.audit(january, bea, AuditState.CLOSED, RI, {0: RI}, (Answer.NO, Answer.YES))
    maker.audit(maker.round(date(2020, 8, 1)), ari, AuditState.SUBMITTED, INAD, {0: INAD})
    db.session.flush()
    moderated = {0: G, 1: RI}  # 5.1 RI → Good, 5.2 Good → RI; the rest agreed
    db.session.add(Moderation(
        audit=a2, moderator=make_person("Mo Moderator", Role.QA_LEAD), selected_at=NOW, completed_at=NOW,
        overall_grade=G, overall_reason="Impact was good",
        grades=[ModerationGrade(element_id=element.id, original_grade=RI if index == 0 else G,
                                grade=moderated.get(index, G), reason="Changed" if index in moderated else "")
                for index, element in enumerate(tool.elements)]))
    a1.recommendations = [SmartRecommendation(position=0, what="Chronology", due_on=date(2021, 4, 1)),
                          SmartRecommendation(position=1, what="Plan review", due_on=date(2021, 5, 1))]
    a3.recommendations = [SmartRecommendation(position=0, what="Done", status=RecommendationStatus.DONE,
                                              done_on=date(2021, 4, 2))]
    a1.learning_points = [LearningPoint(position=0, text="Jamie's chronology on CASE-0001 was not shared")]
    a3.learning_points = [LearningPoint(position=0, text="Chronologies are out of date")]
    j1.learning_points = [LearningPoint(position=0, text=" chronologies are out of date ")]  # the same theme
    audit_tallies.recount_all()
    db.session.commit()
    return {"tool": tool, "maker": maker, "ari": ari}


def reopen(content: bytes):
    return Document(io.BytesIO(content))


def all_text(word) -> str:
    """Every paragraph and table cell, the pictures' alt text and the document's properties."""
    parts = [paragraph.text for paragraph in word.paragraphs]
    parts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    parts += [shape._inline.docPr.get("descr") or "" for shape in word.inline_shapes]
    properties = word.core_properties
    parts += [properties.title or "", properties.subject or "", properties.keywords or "", properties.comments or ""]
    return "\n".join(parts)


def table_after(word, text: str):
    """The table whose first header cell says text."""
    return next(table for table in word.tables if table.rows[0].cells[0].text == text)


def rows_of(table) -> dict[str, list[str]]:
    return {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in table.rows[1:]}


def standing_grades(db, month: date) -> dict:
    """Counted from the audits themselves (not the running totals): {element number or None: Counter of grades}."""
    counts: dict = {}
    done = (AuditState.SUBMITTED, AuditState.MODERATED, AuditState.CLOSED)
    for audit in db.session.scalars(db.select(Audit).join(AuditRound).where(AuditRound.month == month,
                                                                             Audit.state.in_(done))):
        moderation = audit.moderation
        changed = {grade.element_id: grade.grade for grade in moderation.grades} if moderation else {}
        for grade in audit.element_grades:
            number = next(e.number for e in audit.tool.elements if e.id == grade.element_id)
            counts.setdefault(number, Counter())[changed.get(grade.element_id, grade.grade)] += 1
        overall = moderation.overall_grade if moderation else audit.record.overall_grade
        counts.setdefault(None, Counter())[overall] += 1
    return counts


def share_text(counter: Counter, grade: Grade) -> str:
    return str(Share(counter[grade], sum(counter.values())))


def test_data_against_hand_counts(audits):
    data = audit_report.gather(MARCH, TODAY)
    assert json.loads(json.dumps(data)) == data
    assert data["month"] == "2021-03-01" and data["as_at"] == "2021-04-15"
    assert data["months"] == ["2020-10-01", "2020-11-01", "2020-12-01", "2021-01-01", "2021-02-01", "2021-03-01"]
    assert data["completion"] == {"n": 3, "total": 5}
    assert [(r["title"], r["kind"], r["completion"]) for r in data["rounds"]] == [
        ("Routine audit March 2021", "routine", {"n": 3, "total": 4}),
        ("Strategy meetings", "themed", {"n": 0, "total": 1})]
    assert data["overall"] == {"outstanding": {"n": 0, "total": 3}, "good": {"n": 2, "total": 3},
                               "requires_improvement": {"n": 0, "total": 3}, "inadequate": {"n": 1, "total": 3}}
    e52 = data["elements"][1]
    assert e52["number"] == "5.2" and e52["grades"]["requires_improvement"] == {"n": 1, "total": 3}
    january, march = data["trend"][3], data["trend"][5]
    assert january["completion"] == {"n": 2, "total": 2} and january["good_or_better"] == {"n": 1, "total": 2}
    assert january["overall"]["outstanding"] == {"n": 1, "total": 2}
    assert data["trend"][0]["completion"] == {"n": 0, "total": 0}  # October 2020: no rounds
    assert march["completion"] == data["completion"] and march["overall"] == data["overall"]
    e51 = data["element_trend"][0]
    assert e51["number"] == "5.1" and e51["good_or_better"][3] == {"n": 1, "total": 2}
    assert e51["good_or_better"][5] == {"n": 2, "total": 3} and e51["good_or_better"][0] == {"n": 0, "total": 0}
    assert [(s["element"], s["no"]) for s in data["most_often_no"]] == [("5.1", {"n": 3, "total": 3}),
                                                                       ("5.1", {"n": 1, "total": 2})]
    moderation = data["moderation"]
    assert moderation["moderated"] == {"n": 1, "total": 3} and moderation["overall_changed"] == {"n": 1, "total": 1}
    assert moderation["element_grades_changed"] == {"n": 2, "total": 9}
    assert moderation["by_auditor"] == [{"auditor": "Auditor A", "changed": {"n": 2, "total": 9}}]
    # a1 (two open, one overdue) and a3 (one done) answered No most in 5.1
    assert data["recommendations"] == {"open": 2, "overdue": {"n": 1, "total": 2}, "by_element": [
        {"number": "5.1", "label": "Timely identification, response and reduction of risk and need",
         "open": 1, "overdue": 1, "done": 1, "cancelled": 0}]}
    themes = data["learning_themes"]["themes"]
    assert [(t["audits"], t["latest_month"]) for t in themes] == [({"n": 2, "total": 5}, "2021-03-01"),
                                                                  ({"n": 1, "total": 5}, "2021-03-01")]
    assert themes[1]["text"] == "[name removed]'s chronology on [case reference removed] was not shared"


def test_totals_agree_with_every_section(audits):
    data = audit_report.gather(MARCH, TODAY)
    totals = data["totals"]
    assert (totals["allocated"], totals["completed"]) == (5, 3)
    assert sum(r["completion"]["total"] for r in data["rounds"]) == totals["allocated"]
    assert sum(r["completion"]["n"] for r in data["rounds"]) == totals["completed"]
    assert data["trend"][-1]["completion"] == {"n": totals["completed"], "total": totals["allocated"]}
    assert data["trend"][-1]["good_or_better"] == totals["good_or_better"] == {"n": 2, "total": 3}
    assert totals["graded_by_element"] == {e["number"]: e["grades"]["good"]["total"] for e in data["elements"]}
    assert totals["moderated"] == data["moderation"]["moderated"]["n"] == 1
    assert totals["overall_grades_changed"] == data["moderation"]["overall_changed"]["n"] == 1
    by_element = data["moderation"]["by_element"]
    by_auditor = data["moderation"]["by_auditor"]
    for side in (by_element, by_auditor):
        assert sum(row["changed"]["n"] for row in side) == totals["element_grades_changed"] == 2
        assert sum(row["changed"]["total"] for row in side) == totals["element_grades_moderated"] == 9
    assert (totals["recommendations_open"], totals["recommendations_overdue"]) == (2, 1)


def test_document_headings_tables_and_pictures(audits, db):
    word = reopen(audit_report.write(audit_report.gather(MARCH, TODAY), title="Monthly audit report: March 2021",
                                     generated_at=datetime(2021, 4, 15, 9, 30)))
    assert word.core_properties.title == "Monthly audit report: March 2021"
    assert word.paragraphs[0].style.name == "Title"
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    for table in word.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
    assert len(word.inline_shapes) == 3  # element grades, grades by month, the Good or better trend
    for shape in word.inline_shapes:
        assert (shape._inline.docPr.get("descr") or "").strip()
    text = all_text(word)
    summary = word.paragraphs[[p.text for p in word.paragraphs].index("1. Summary") + 1].text
    assert "60% (3/5) of the audits allocated were completed" in summary
    assert "67% (2/3) were graded Good or better overall (too few audits to compare with January 2021)" in summary
    assert "33% (1/3) of the completed audits were moderated" in summary
    assert "2 SMART recommendations from these audits are open, 50% (1/2) of them overdue" in summary
    assert rows_of(table_after(word, "Round")) == {"Routine audit March 2021": ["Routine", "75% (3/4)"],
                                                   "Strategy meetings": ["Themed: Strategy meetings", "0% (0/1)"],
                                                   "All rounds": ["", "60% (3/5)"]}
    assert ("5.2 Assessments are timely, comprehensive, analytical and of good quality: Outstanding 0% (0/3), "
            "Good 67% (2/3), Requires Improvement 33% (1/3), Inadequate 0% (0/3)") in text  # the element chart's alt text
    assert "August 2020" not in text


def test_every_grade_count_equals_the_database(audits, db):
    word = reopen(audit_report.write(audit_report.gather(MARCH, TODAY), title="Monthly audit report: March 2021",
                                     generated_at=NOW))
    march_states = list(db.session.scalars(db.select(Audit.state).join(AuditRound).where(AuditRound.month == MARCH)))
    completed = sum(state in (AuditState.SUBMITTED, AuditState.MODERATED, AuditState.CLOSED) for state in march_states)
    assert rows_of(table_after(word, "Round"))["All rounds"] == ["", str(Share(completed, len(march_states)))]
    expected = standing_grades(db, MARCH)
    overall = rows_of(table_after(word, "Overall grade"))
    for grade in Grade:
        assert overall[grade.label] == [share_text(expected[None], grade)]
    elements = table_after(word, "Practice element")
    assert [cell.text for cell in elements.rows[0].cells[1:]] == [grade.label for grade in Grade]
    assert len(elements.rows) == 10
    for row in elements.rows[1:]:
        number = row.cells[0].text.split()[0]
        assert [cell.text for cell in row.cells[1:]] == [share_text(expected[number], grade) for grade in Grade]
    numbers = {element.id: element.number for element in audits["tool"].elements}
    changes: dict = {}
    for grade in db.session.scalars(db.select(ModerationGrade)):
        changes.setdefault(numbers[grade.element_id], Counter())[grade.changed] += 1
    changed = rows_of(next(table for table in word.tables if table.rows[0].cells[1].text == "Grades changed"
                           and table.rows[0].cells[0].text == "Practice element"))
    assert len(changed) == len(changes) == 9
    for label, cells in changed.items():
        counter = changes[label.split()[0]]
        assert cells == [str(Share(counter[True], sum(counter.values())))]
    assert rows_of(table_after(word, "Auditor")) == {"Auditor A": ["22% (2/9)"]}


def test_previous_months_appear(audits):
    word = reopen(audit_report.write(audit_report.gather(MARCH, TODAY), title="March", generated_at=NOW))
    months = rows_of(table_after(word, "Month"))
    assert list(months) == ["October 2020", "November 2020", "December 2020", "January 2021", "February 2021",
                            "March 2021"]
    assert months["January 2021"] == ["100% (2/2)", "50% (1/2)", "0% (0/2)", "50% (1/2)", "0% (0/2)"]
    assert months["December 2020"] == ["none (0/0)"] * 5
    assert months["March 2021"] == ["60% (3/5)", "0% (0/3)", "67% (2/3)", "0% (0/3)", "33% (1/3)"]
    good = table_after(word, "Graded Good or better")
    assert [cell.text for cell in good.rows[0].cells[1:]] == ["Oct 2020", "Nov 2020", "Dec 2020", "Jan 2021",
                                                              "Feb 2021", "Mar 2021"]
    rows = rows_of(good)
    assert rows["Overall"][3:] == ["50% (1/2)", "none (0/0)", "67% (2/3)"]
    assert next(v for k, v in rows.items() if k.startswith("5.1 "))[3:] == ["50% (1/2)", "none (0/0)", "67% (2/3)"]
    descriptions = [shape._inline.docPr.get("descr") for shape in word.inline_shapes]
    assert any("January 2021 50% (1/2); March 2021 67% (2/3)" in d for d in descriptions)
    assert any("December 2020: no graded audits" in d for d in descriptions)


def test_no_child_name_date_of_birth_or_case_reference(audits):
    word = reopen(audit_report.write(audit_report.gather(MARCH, TODAY), title="March", generated_at=NOW))
    text = all_text(word).lower()
    for secret in (*REFERENCES, *CHILD_NAMES, *" ".join(CHILD_NAMES).split(), "01/06/2015", "2015-06-01"):
        assert secret.lower() not in text
    assert "[name removed]'s chronology on [case reference removed] was not shared" in text.replace("’", "'")


def test_a_month_without_audits_says_so_in_each_section(audits):
    data = audit_report.gather(date(2021, 5, 1), TODAY)
    word = reopen(audit_report.write(data, title="May", generated_at=NOW))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    text = all_text(word)
    for words in ("No audits were allocated in the rounds of May 2021.", "No audit rounds were set up for May 2021.",
                  "No completed audit of May 2021 has an overall grade yet.", "No audits were moderated this month.",
                  "No key standard was answered No in the completed audits of May 2021.",
                  "no SMART recommendation from these audits is open"):
        assert words in text
    assert "March 2021" in text  # still within the six months shown
    assert len(word.inline_shapes) == 2  # no element chart; the months' charts remain


def test_queries_do_not_grow_with_the_audits(audits, count_queries, db, make_person):
    with count_queries() as before:
        audit_report.gather(MARCH, TODAY)
    maker, ari = audits["maker"], audits["ari"]
    extra = maker.round(MARCH, title="Extra round")
    for _ in range(5):
        maker.audit(extra, ari, AuditState.SUBMITTED, G, {}, (Answer.NO,)).learning_points = [
            LearningPoint(position=0, text="Chronologies are out of date")]
    audit_tallies.recount_all()
    db.session.commit()
    with count_queries() as after:
        data = audit_report.gather(MARCH, TODAY)
    assert data["completion"] == {"n": 8, "total": 10}
    assert after.count == before.count
