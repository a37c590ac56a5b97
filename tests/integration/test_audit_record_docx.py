"""A completed audit as a Word document: the tool's layout, the database's answers and grades, the moderation and
which grade stands, the child's identity only where held, and access checked and logged as on the audit's page."""

import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlalchemy import select

from app.models import Answer, AuditAccess, AuditState, Grade, PartyKind, Role
from app.services.audits import moderation
from app.services.audits import work as audit_work
from app.services.audits.moderation import ElementDecision
from app.services.audits.work import AuditDraft, ElementEntry, Learning, Party, Recommendation, Sharing
from app.services.reports import audit_record
from tests.integration.audit_setting import NOW, allocated_audit

STANDARD_COUNTS = [12, 9, 6, 10, 5, 5, 9, 7, 5]
ANSWER_CYCLE = [Answer.YES, Answer.NO, Answer.NOT_APPLICABLE]
ELEMENT_GRADES = [Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.GOOD, Grade.OUTSTANDING, Grade.GOOD, Grade.GOOD,
                  Grade.INADEQUATE, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT]
WORDS = {Answer.YES: "Yes", Answer.NO: "No", Answer.NOT_APPLICABLE: "Not applicable"}
CHILD_NAME = "Synthetic Child"


@pytest.fixture
def setting(db, make_person):
    values = allocated_audit(db, make_person)
    values["other_auditor"] = make_person("Oli Other", Role.AUDITOR)
    values["other_auditor"].team = values["north"]
    values["viewer"] = make_person("Val Viewer", Role.VIEWER)
    db.session.commit()
    return values


def complete_draft(audit, **record) -> AuditDraft:
    """Every standard answered (yes, no and not applicable in turn), every element graded, and every section of
    the tool written in: synthetic people only."""
    tool = audit.tool
    standards = [standard for element in tool.elements for standard in element.standards]
    return AuditDraft(
        record={"overall_grade": Grade.GOOD, "summary": "Risks well managed\nPlan reviewed on time",
                "good_practice": "Direct work with the child", "learning": "Chronology out of date",
                "immediate_actions": "", "worker_reflections": "Helpful to reflect together",
                "completed_with_worker": True, "allocated_worker": "Sam Worker", "team_manager": "Tara Manager",
                "service_team": "Safeguarding North", "gender": "Female", "age": 7, "ethnicity": "White British",
                "plan_types": "Child in Need|Child Protection", "has_disability": False,
                "case_overview": "Referred by school after repeated absence",
                "sent_to_team_manager_on": date(2021, 3, 10), **record},
        completed_on=date(2021, 3, 9),
        answers={standard.id: ANSWER_CYCLE[index % 3] for index, standard in enumerate(standards)},
        elements={element.id: ElementEntry(grade, f"Comment on {element.number}")
                  for element, grade in zip(tool.elements, ELEMENT_GRADES, strict=True)},
        parties=[Party(PartyKind.HOUSEHOLD, relationship_to_child="Mother", age=34)],
        recommendations=[Recommendation(what="Update the chronology", how="Add the last six months", who="Social worker",
                                        due_on=date(2021, 4, 9))],
        learning_points=[Learning("Chronologies are often out of date", how="Brief the teams",
                                  who="Principal Social Worker", due_on=date(2021, 4, 30))],
        shared_with=[Sharing(name="Pat Reviewer", role="Independent Reviewing Officer", shared_on=date(2021, 3, 11))],
    )


def submit(setting, *, collect_identity=True, **record):
    audit = setting["audit"]
    audit_work.save_draft(audit, complete_draft(audit, **record), version=audit.version, actor=setting["auditor"],
                          now=NOW, collect_identity=collect_identity)
    audit_work.submit(audit, actor=setting["auditor"], now=NOW)
    return audit


@pytest.fixture
def submitted(setting):
    return submit(setting, child_name=CHILD_NAME, child_date_of_birth=date(2014, 2, 3))


def docx_url(audit) -> str:
    return f"/audits/{audit.id}/audit.docx"


def downloaded(client, login, person, audit):
    login(person)
    response = client.get(docx_url(audit))
    assert response.status_code == 200, response.status_code
    return response, Document(io.BytesIO(response.data))


def blocks(document):
    """The body's paragraphs and tables, in order."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def headings(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def table_after(document, heading_text: str) -> Table:
    found = False
    for block in blocks(document):
        if isinstance(block, Paragraph) and block.text == heading_text:
            found = True
        elif found and isinstance(block, Table):
            return block
    raise AssertionError(f"no table after {heading_text}")


def paragraphs_after(document, heading_text: str, count: int) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    start = texts.index(heading_text) + 1
    return texts[start:start + count]


def all_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts = [section.header.paragraphs[0].text for section in document.sections]
    return "\n".join([p.text for p in document.paragraphs] + cells + parts)


# --- Layout and content --------------------------------------------------------------------------------


def test_the_sections_follow_the_tool_with_real_headings(client, login, setting, submitted):
    response, document = downloaded(client, login, setting["team_manager"], submitted)
    assert response.headers["Content-Disposition"] == 'attachment; filename="case-file-audit-C0001-2021-03.docx"'
    assert response.headers["Cache-Control"] == "private, no-store"
    assert headings(document, "Title") == ["Case-file audit: C0001, March"]
    assert document.core_properties.title == "Case-file audit: C0001, March"
    assert headings(document, "Heading 1") == [
        "Summary of grades", "1. Audit details", "2. Service details", "3. Child or young person's information",
        "4. Case overview", "5. Audit", "6. Overall Judgement",
        "7. SMART Recommendations -Specific, Measurable, Achievable, Relevant, Timely", "8. Sharing the audit"]
    elements = submitted.tool.elements
    level_two = headings(document, "Heading 2")
    assert [text for text in level_two if text[:2] == "5."] == [f"{e.number} {e.title}" for e in elements]
    assert "Other Household Members" in level_two and "Summary" in level_two
    first_heading = next(p for p in document.paragraphs if p.style.name.startswith(("Heading", "Title")))
    assert first_heading.style.name == "Title"


def test_each_element_has_its_standards_answers_and_grade_as_in_the_database(client, login, setting, submitted):
    _, document = downloaded(client, login, setting["qa_lead"], submitted)
    answers = {answer.standard_id: answer.answer for answer in submitted.answers}
    grades = {entry.element_id: entry for entry in submitted.element_grades}
    elements = submitted.tool.elements
    assert [len(element.standards) for element in elements] == STANDARD_COUNTS
    for element in elements:
        title = f"{element.number} {element.title}"
        table = table_after(document, title)
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert rows[0] == ["No.", "Key standards", "Answer"]
        assert rows[1:] == [[f"{element.number}.{index}", standard.text, WORDS[answers[standard.id]]]
                            for index, standard in enumerate(element.standards, start=1)]
        assert f"Grade: {grades[element.id].grade.label}" in paragraphs_after(document, title, 3)
        assert f"Comment on {element.number}" in paragraphs_after(document, title, 3)
    assert {"Yes", "No", "Not applicable"} <= {row.cells[-1].text for t in document.tables for row in t.rows}


def test_the_rest_of_the_tool_is_filled_in(client, login, setting, submitted):
    _, document = downloaded(client, login, setting["auditor"], submitted)
    text = all_text(document)
    for expected in ["Ari Auditor", "9 March 2021", "March (March 2021)", "Sam Worker", "Child in Need, Child Protection",
                     "Referred by school after repeated absence", "Overall grade: Good", "Risks well managed",
                     "Plan reviewed on time", "Update the chronology", "Chronologies are often out of date",
                     "Pat Reviewer", "10 March 2021", "Completed alongside the social worker: Yes",
                     "Moderation: not moderated. The auditor's grades stand."]:
        assert expected in text, expected
    smart = table_after(document, headings(document, "Heading 1")[7])
    assert [cell.text for cell in smart.rows[0].cells] == ["What", "How", "Who", "When", "Status"]
    assert [cell.text for cell in smart.rows[1].cells] == ["Update the chronology", "Add the last six months",
                                                           "Social worker", "9 April 2021", "Open"]
    assert "Moderation" not in headings(document, "Heading 1")


def test_every_table_repeats_its_header_row_and_every_page_is_marked(client, login, setting, submitted):
    _, document = downloaded(client, login, setting["qa_lead"], submitted)
    assert len(document.tables) >= 9 + 5
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    for section in document.sections:
        assert section.header.paragraphs[0].text == f"OFFICIAL-SENSITIVE: {audit_record.HANDLING}"
        assert section.footer.paragraphs[-1].text == "OFFICIAL-SENSITIVE"


# --- Moderation --------------------------------------------------------------------------------------


def moderate(setting, audit):
    """The QA lead moderates: 5.1 changed from Good to Inadequate, the overall grade changed too."""
    [item] = moderation.choose_sample(audit.round, share=None, audit_ids=[audit.id], seed=None,
                                      moderator=setting["qa_lead"], actor=setting["qa_lead"], now=NOW)
    first = audit.tool.elements[0]
    decisions = {element.id: ElementDecision(grade) for element, grade in zip(audit.tool.elements, ELEMENT_GRADES,
                                                                               strict=True)}
    decisions[first.id] = ElementDecision(Grade.INADEQUATE, "No safety plan on file")
    moderation.record(item, elements=decisions, overall_grade=Grade.REQUIRES_IMPROVEMENT,
                      overall_reason="Risk not reduced", actor=setting["qa_lead"], now=NOW)
    return item


def test_a_moderated_audit_shows_the_moderation_and_which_grade_stands(client, login, setting, submitted):
    moderate(setting, submitted)
    assert submitted.state == AuditState.MODERATED
    _, document = downloaded(client, login, setting["service_manager"], submitted)
    assert headings(document, "Heading 1")[-1] == "Moderation"
    first, second = submitted.tool.elements[:2]
    after_first = paragraphs_after(document, f"{first.number} {first.title}", 4)
    assert "Auditor's grade: Good" in after_first
    assert ("Grade after moderation: Inadequate (changed by the moderator; this grade stands). "
            "Reason: No safety plan on file") in after_first
    assert ("Grade after moderation: Requires Improvement (agreed by the moderator; this grade stands)"
            in paragraphs_after(document, f"{second.number} {second.title}", 4))
    text = all_text(document)
    assert "Auditor's overall grade: Good" in text
    assert "Overall grade after moderation: Requires Improvement (changed by the moderator; this grade stands)" in text
    assert "Moderation: moderated by Quinn QA" in text
    rows = [[cell.text for cell in row.cells] for row in table_after(document, "Moderation").rows]
    assert rows[0] == ["Element", "Auditor's grade", "Moderator's grade (stands)", "Agreed or changed", "Reason"]
    assert rows[1] == ["5.1", "Good", "Inadequate", "Changed", "No safety plan on file"]
    assert rows[2] == ["5.2", "Requires Improvement", "Requires Improvement", "Agreed", ""]
    assert rows[-1] == ["Overall", "Good", "Requires Improvement", "Changed", "Risk not reduced"]
    assert len(rows) == 1 + 9 + 1
    assert "1 of 9 element grades changed." in text


def test_an_audit_chosen_but_not_yet_moderated_says_the_auditors_grades_stand(client, login, setting, submitted):
    moderation.choose_sample(submitted.round, share=None, audit_ids=[submitted.id], seed=None,
                             moderator=setting["qa_lead"], actor=setting["qa_lead"], now=NOW)
    _, document = downloaded(client, login, setting["qa_lead"], submitted)
    assert "Moderation" not in headings(document, "Heading 1")
    assert "not yet recorded. Until it is, the auditor's grades stand." in all_text(document)


# --- The child's identity -------------------------------------------------------------------------------


def test_the_childs_name_and_date_of_birth_are_shown_only_when_held(client, login, setting, submitted):
    _, document = downloaded(client, login, setting["qa_lead"], submitted)
    rows = {row.cells[0].text: row.cells[1].text for row in table_after(document, headings(document, "Heading 1")[3]).rows}
    assert rows["Child / Young Persons' Full Name"] == CHILD_NAME and rows["DOB"] == "3 February 2014"
    assert rows["ID Number"] == "C0001" and rows["Age"] == "7"
    assert "Primary Language" not in rows  # not recorded, so not shown


def test_the_childs_identity_is_absent_when_not_held(client, login, setting):
    audit = submit(setting, collect_identity=False, child_name="Posted anyway")
    _, document = downloaded(client, login, setting["qa_lead"], audit)
    text = all_text(document)
    assert "Full Name" not in text and "DOB" not in text and "Posted anyway" not in text


def test_the_childs_identity_is_left_out_once_the_service_stops_collecting_it(app, client, login, setting, submitted):
    app.config["AUDIT_COLLECT_CHILD_IDENTITY"] = False
    response, document = downloaded(client, login, setting["qa_lead"], submitted)
    text = all_text(document)
    assert CHILD_NAME not in text and "3 February 2014" not in text and "Full Name" not in text and "DOB" not in text
    assert b"Synthetic" not in response.headers["Content-Disposition"].encode()


# --- Who may download, and the log --------------------------------------------------------------------------


def test_each_download_is_logged_as_an_export(client, login, setting, submitted, db):
    downloaded(client, login, setting["team_manager"], submitted)
    log = db.session.scalars(select(AuditAccess).where(AuditAccess.kind == "export")).all()
    assert [(entry.audit_id, entry.person.name) for entry in log] == [(submitted.id, "Tara Manager")]


def test_another_teams_auditor_and_a_viewer_are_refused_as_on_the_audits_page(client, login, setting, submitted, db):
    for person in (setting["other_auditor"], setting["viewer"]):
        login(person)
        assert client.get(f"/audits/{submitted.id}").status_code == 403
        assert client.get(docx_url(submitted)).status_code == 403
    assert db.session.scalars(select(AuditAccess)).all() == []


def test_a_missing_audit_is_not_found(client, login, setting):
    login(setting["qa_lead"])
    assert client.get("/audits/999/audit.docx").status_code == 404


def test_an_audit_still_being_written_has_no_document_yet(client, login, setting, db):
    audit = setting["audit"]
    audit_work.save_draft(audit, AuditDraft(record={"case_overview": "Half written"}), version=audit.version,
                          actor=setting["auditor"], now=NOW, collect_identity=True)
    login(setting["qa_lead"])
    response = client.get(docx_url(audit))
    assert response.status_code == 302 and response.location.endswith(f"/audits/{audit.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "can be downloaded as a Word document once it is submitted" in page
    assert "Download as Word" not in page
    assert db.session.scalars(select(AuditAccess).where(AuditAccess.kind == "export")).all() == []


def test_the_audits_page_offers_the_download_once_submitted(client, login, setting, submitted):
    login(setting["team_manager"])
    page = client.get(f"/audits/{submitted.id}").get_data(as_text=True)
    assert f'href="/audits/{submitted.id}/audit.docx"' in page and "Download as Word" in page


# --- Speed -----------------------------------------------------------------------------------------------


def test_the_document_is_built_from_a_fixed_number_of_queries(setting, submitted, db, count_queries):
    moderate(setting, submitted)
    db.session.expire_all()
    with count_queries() as counter:
        audit_record.write_audit(submitted, generated_at=NOW)
    assert counter.count <= 20, counter.count
