"""Spreadsheets out: the plan (every milestone, all fields, the latest update) and the audits (a row each, with
the grades that stand), as CSV and XLSX, reopened and checked; nothing in them runs as a formula."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Answer, AuditAccess, Grade, Role
from app.services.audits import moderation
from app.services.audits import work as audit_work
from app.services.audits.moderation import ElementDecision
from app.services.audits.work import AuditDraft, ElementEntry
from app.services.plans.changes import add_update
from tests.integration.audit_setting import allocated_audit


def xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_plan_as_xlsx_and_csv(plan_tree, client, login, make_person, db):
    milestone = plan_tree["milestone"]
    milestone.deliverable = "=SUM(A1:A9) audit completed"  # typed by someone: must stay text
    db.session.commit()
    add_update(milestone, body="Audit tool agreed with team managers", written_on=date(2020, 7, 20),
               actor=plan_tree["owner"], now=datetime(2020, 7, 20, 10), today=date(2020, 7, 31))
    login(make_person("Vera Viewer", Role.VIEWER))
    response = client.get("/plan/export.xlsx")
    assert response.status_code == 200 and 'filename="improvement-plan-2020-07-31.xlsx"' in response.headers[
        "Content-Disposition"]
    rows, sheet = xlsx_rows(response.data)
    headings, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2 and headings[:3] == ["Area", "Area title", "Action"]
    assert row["Expected milestone / deliverable"] == "=SUM(A1:A9) audit completed"
    assert sheet.cell(row=2, column=headings.index("Expected milestone / deliverable") + 1).data_type == "s"
    assert (row["Responsible person"], row["Who will lead this"]) == ("Olive Owner", "Lee Lead")
    assert row["Due date"].date() == date(2020, 9, 30) and row["When will it be done (as written)"] == "30/09/20"
    assert row["RAG rating"] == "Amber" and row["Status"] == "In progress"
    assert (row["Latest update on"].date(), row["Latest update"]) == (date(2020, 7, 20),
                                                                     "Audit tool agreed with team managers")
    text = csv_rows(client.get("/plan/export.csv").data)
    csv_row = dict(zip(text[0], text[1], strict=True))
    assert csv_row["Expected milestone / deliverable"] == "'=SUM(A1:A9) audit completed"  # not a formula in Excel
    assert csv_row["Due date"] == "30/09/2020" and csv_row["Latest update on"] == "20/07/2020"
    assert client.get("/plan/export.pdf").status_code == 404


def test_the_audits_with_the_grades_that_stand_and_every_export_logged(db, make_person, client, login):
    setting = allocated_audit(db, make_person)
    audit, auditor = setting["audit"], setting["auditor"]
    tool = audit.tool
    draft = AuditDraft(record={"overall_grade": Grade.GOOD, "summary": "Sound", "completed_with_worker": True,
                               "child_name": "Synthetic Child"}, completed_on=date(2021, 3, 9),
                       answers={s.id: Answer.YES for e in tool.elements for s in e.standards},
                       elements={e.id: ElementEntry(Grade.GOOD, "") for e in tool.elements})
    audit_work.save_draft(audit, draft, version=audit.version, actor=auditor, now=datetime(2021, 3, 9, 10),
                          collect_identity=True)
    audit_work.submit(audit, actor=auditor, now=datetime(2021, 3, 9, 11))
    moderator = make_person("Mo Moderator", Role.QA_LEAD)
    [item] = moderation.choose_sample(audit.round, share=None, audit_ids=[audit.id], seed=None, moderator=moderator,
                                      actor=setting["qa_lead"], now=datetime(2021, 3, 10, 9))
    decisions = {e.id: ElementDecision(Grade.GOOD) for e in tool.elements}
    decisions[tool.elements[0].id] = ElementDecision(Grade.INADEQUATE, "No safety plan")
    moderation.record(item, elements=decisions, overall_grade=Grade.REQUIRES_IMPROVEMENT, overall_reason="Risk",
                      actor=moderator, now=datetime(2021, 3, 10, 10))
    login(setting["qa_lead"])
    response = client.get("/audits/export.xlsx")
    rows, _ = xlsx_rows(response.data)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Case reference"], row["Team"], row["Auditor"], row["State"]) == (
        "C0001", "Safeguarding North", "Ari Auditor", "Moderated")
    assert (row["Overall grade (auditor)"], row["Overall grade (after moderation)"], row["Moderated"]) == (
        "Good", Grade.REQUIRES_IMPROVEMENT.label, "Yes")
    assert (row["5.1 grade"], row["5.9 grade"]) == (Grade.INADEQUATE.label, Grade.GOOD.label)
    assert "Synthetic Child" not in response.data.decode("latin-1") and "Synthetic Child" not in str(rows)
    client.get("/audits/export.csv")
    logged = db.session.scalars(select(AuditAccess).where(AuditAccess.kind == "export")).all()
    assert [(entry.audit_id, entry.person_id) for entry in logged] == [(audit.id, setting["qa_lead"].id)] * 2
