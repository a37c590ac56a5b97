"""`flask reports …`: each command writes a .docx that reopens with the expected title and headings; the plan and
monthly audit reports are stored as drafts and checked as the Reports pages check them (status 1 when a problem
blocks the release); a single audit only for a person who may see it, logged as their export; clear errors for an
unknown id, e-mail address or date, never a guess."""

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from app.models import AuditAccess, MeetingKind, Report, ReportKind, ReportState, Role
from app.services.reports import snapshots
from app.services.reports.plan_report import ALL_FIELDS
from tests.conftest import NOW, TODAY
from tests.integration.audit_setting import allocated_audit
from tests.integration.report_reading import headings, reopen
from tests.integration.test_audit_record_docx import submit
from tests.integration.test_plan_report import a_meeting

COMPLETE = {field.key: f"{field.label} as written by the programme manager" for field in ALL_FIELDS}
AUDIT_HEADINGS = ["Summary of grades", "1. Audit details", "2. Service details", "3. Child or young person's information",
                  "4. Case overview", "5. Audit", "6. Overall Judgement"]
MONTHLY_HEADINGS = ["1. Summary", "2. Completion", "3. Grades overall", "4. Grades by practice element"]


def with_complete_details(db, plan) -> None:
    """A report for an earlier meeting with every detail filled in: the next report carries them over."""
    earlier = a_meeting(db, date(2020, 6, 15), "Improvement Board (June)", MeetingKind.BOARD)
    snapshots.generate_plan_report(plan, earlier, COMPLETE, actor=None, now=NOW, today=date(2020, 6, 1))


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def meeting(db, plan_tree):
    return a_meeting(db, date(2020, 9, 15), "Improvement Board", MeetingKind.BOARD)


@pytest.fixture
def completed_audit(db, make_person):
    """Case C0001's March 2021 audit, submitted by Ari Auditor; Val Viewer has nothing to do with it."""
    setting = allocated_audit(db, make_person)
    setting["audit"] = submit(setting)
    setting["viewer"] = make_person("Val Viewer", Role.VIEWER)
    return setting


def stored(db, kind: ReportKind) -> list[Report]:
    return db.session.scalars(select(Report).where(Report.kind == kind).order_by(Report.id)).all()


# --- The plan progress report ---------------------------------------------------------------------------


def test_plan_report_with_details_left_to_fill_is_written_stored_and_fails_its_checks(runner, db, plan_tree, meeting,
                                                                                       tmp_path):
    path = tmp_path / "board.docx"
    result = runner.invoke(args=["reports", "plan", str(path), "--meeting", str(meeting.id)])

    assert result.exit_code == 1, result.output
    [report] = stored(db, ReportKind.PLAN_PROGRESS)
    assert (report.state, report.generated_by_id, report.meeting_id, report.plan_id, report.as_at) == (
        ReportState.DRAFT, None, meeting.id, plan_tree["plan"].id, TODAY)
    assert report.blocking_problems
    content = path.read_bytes()
    assert content == snapshots.document_of(report)  # the stored bytes, written though the checks failed
    assert f"Report {report.id}: {report.title}" in result.output
    assert f"SHA-256: {hashlib.sha256(content).hexdigest()}" in result.output
    assert f"Checks: {len(report.blocking_problems)} blocking problems, 3 warnings." in result.output  # 4–6 empty
    assert "Fill in the report's details for the meeting on the Reports pages" in result.output
    assert "  Blocking (the front block): Template or placeholder text left in: “[To be completed: Report of the]”" \
           in result.output
    for problem in report.blocking_problems:
        assert f"  Blocking ({problem['where']}): {problem['message']}" in result.output
    assert "this report cannot be released as it is" in result.output
    # The subject and committee are suggested, as on the page; everything else is left to fill in.
    assert headings(reopen(content))[0] == ("Title", "Test Improvement Plan: progress update")


def test_plan_report_carries_the_details_over_and_passes_its_checks(runner, db, plan_tree, meeting, tmp_path):
    with_complete_details(db, plan_tree["plan"])
    path = tmp_path / "board.docx"
    result = runner.invoke(args=["reports", "plan", str(path), "--meeting", str(meeting.id),
                                 "--plan", str(plan_tree["plan"].id), "--as-at", "2020-08-14"])

    assert result.exit_code == 0, result.output
    report = stored(db, ReportKind.PLAN_PROGRESS)[-1]
    assert (report.meeting_id, report.as_at, report.problems) == (meeting.id, date(2020, 8, 14), [])
    assert report.details["background"] == COMPLETE["background"]
    assert report.title == "Test Improvement Plan: progress report for Improvement Board, 15 September 2020"
    assert "Checks: 0 blocking problems, 0 warnings." in result.output
    word = reopen(path.read_bytes())
    found = headings(word)
    assert found[0] == ("Title", "Test Improvement Plan: progress update")
    assert [text for style, text in found if style == "Heading 1"][:3] == [
        "1. Summary", "2. Background", "3. Other considerations"]
    assert any(p.text == COMPLETE["background"] for p in word.paragraphs)


@pytest.mark.parametrize(("extra", "message"), [
    (["--meeting", "999"], "there is no meeting 999 (the latest meetings: "),
    (["--meeting", "{meeting}", "--plan", "999"], "there is no plan 999 (plans: "),
    (["--meeting", "{meeting}", "--as-at", "2020-02-30"], "'2020-02-30' does not match the format '%Y-%m-%d'"),
    (["--meeting", "{meeting}", "--as-at", "31/07/2020"], "'31/07/2020' does not match the format '%Y-%m-%d'"),
    (["--meeting", "seven"], "'seven' is not a valid integer"),
])
def test_plan_report_refuses_what_it_cannot_find_or_read_and_stores_nothing(runner, db, meeting, tmp_path, extra,
                                                                            message):
    path = tmp_path / "board.docx"
    args = [value.format(meeting=meeting.id) for value in extra]
    result = runner.invoke(args=["reports", "plan", str(path), *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not path.exists() and stored(db, ReportKind.PLAN_PROGRESS) == []


def test_plan_report_into_a_folder_that_does_not_exist_stores_nothing(runner, db, meeting, tmp_path):
    result = runner.invoke(args=["reports", "plan", str(tmp_path / "nowhere" / "board.docx"),
                                 "--meeting", str(meeting.id)])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert stored(db, ReportKind.PLAN_PROGRESS) == []


# --- The monthly audit report ---------------------------------------------------------------------------


def test_monthly_audit_report_is_written_stored_and_checked(runner, db, completed_audit, tmp_path):
    path = tmp_path / "audits.docx"
    result = runner.invoke(args=["reports", "audit-month", str(path), "--month", "2021-03", "--as-at", "2021-04-15"])

    assert result.exit_code == 0, result.output
    [report] = stored(db, ReportKind.AUDIT_MONTHLY)
    assert (report.month, report.as_at, report.state, report.generated_by_id) == (
        date(2021, 3, 1), date(2021, 4, 15), ReportState.DRAFT, None)
    assert report.title == "Case-file audits: monthly report for March 2021"
    assert path.read_bytes() == snapshots.document_of(report)
    assert f"Report {report.id}: Case-file audits: monthly report for March 2021" in result.output
    assert f"SHA-256: {report.document_sha256}" in result.output
    assert f"/reports/{report.id}" in result.output and "Checks: 0 blocking problems, 0 warnings." in result.output
    found = headings(reopen(path.read_bytes()))
    assert found[0] == ("Title", report.title)
    assert [text for style, text in found if style == "Heading 1"][:4] == MONTHLY_HEADINGS


@pytest.mark.parametrize(("month", "message"), [
    ("2021-05", "there are no audit rounds in May 2021 (months with rounds: 2021-03)"),
    ("2021-13", "'2021-13' does not match the format '%Y-%m'"),
    ("March", "'March' does not match the format '%Y-%m'"),
])
def test_monthly_audit_report_refuses_a_month_it_cannot_report_on(runner, db, completed_audit, tmp_path, month,
                                                                  message):
    result = runner.invoke(args=["reports", "audit-month", str(tmp_path / "a.docx"), "--month", month])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert stored(db, ReportKind.AUDIT_MONTHLY) == []


# --- A single audit -------------------------------------------------------------------------------------


def exports(db) -> list[tuple[int, int]]:
    return db.session.execute(select(AuditAccess.audit_id, AuditAccess.person_id)
                              .where(AuditAccess.kind == "export")).all()


def test_a_single_audit_for_its_team_manager_is_written_and_logged(runner, db, completed_audit, tmp_path):
    audit, manager = completed_audit["audit"], completed_audit["team_manager"]
    path = tmp_path / "audit.docx"
    result = runner.invoke(args=["reports", "audit", str(audit.id), str(path), "--as", " Tara.Manager@test.example"])

    assert result.exit_code == 0, result.output
    assert exports(db) == [(audit.id, manager.id)]
    document = reopen(path.read_bytes())
    found = headings(document)
    assert found[0] == ("Title", "Case-file audit: C0001, March")
    assert [text for style, text in found if style == "Heading 1"][:len(AUDIT_HEADINGS)] == AUDIT_HEADINGS
    assert document.sections[0].header.paragraphs[0].text.startswith("OFFICIAL-SENSITIVE")
    assert "Case-file audit: C0001, March, for Tara Manager." in result.output
    assert "Logged in the audit's access log as an export by Tara Manager." in result.output


def test_a_single_audit_is_refused_to_someone_who_may_not_see_it(runner, db, completed_audit, tmp_path):
    audit = completed_audit["audit"]
    path = tmp_path / "audit.docx"
    result = runner.invoke(args=["reports", "audit", str(audit.id), str(path), "--as", "val.viewer@test.example"])

    assert result.exit_code == 1
    assert (f"Val Viewer <val.viewer@test.example> may not see audit {audit.id}: only its auditor, QA leads, "
            "administrators and the case's team and service managers may. Nothing was written.") in result.output
    assert not path.exists() and exports(db) == []


def test_a_single_audit_is_refused_to_someone_no_longer_active(runner, db, completed_audit, tmp_path):
    completed_audit["team_manager"].active = False
    db.session.commit()
    result = runner.invoke(args=["reports", "audit", str(completed_audit["audit"].id), str(tmp_path / "a.docx"),
                                 "--as", "tara.manager@test.example"])
    assert result.exit_code == 1
    assert "Tara Manager <tara.manager@test.example> is no longer active. Nothing was written." in result.output
    assert exports(db) == []


def test_an_audit_still_being_written_has_no_document(runner, db, make_person, tmp_path):
    setting = allocated_audit(db, make_person)
    result = runner.invoke(args=["reports", "audit", str(setting["audit"].id), str(tmp_path / "a.docx"),
                                 "--as", "quinn.qa@test.example"])
    assert result.exit_code == 1
    assert "This audit can be downloaded as a Word document once it is submitted. Nothing was written." in result.output
    assert exports(db) == []


@pytest.mark.parametrize(("args", "message"), [
    (["999", "--as", "tara.manager@test.example"], "there is no audit 999"),
    (["{audit}", "--as", "nobody@test.example"], "no one in the service has the e-mail address nobody@test.example"),
])
def test_a_single_audit_refuses_an_unknown_audit_or_person(runner, db, completed_audit, tmp_path, args, message):
    args = [value.format(audit=completed_audit["audit"].id) for value in args]
    result = runner.invoke(args=["reports", "audit", args[0], str(tmp_path / "a.docx"), *args[1:]])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert exports(db) == []


# --- An owner's update pack -----------------------------------------------------------------------------


def test_an_update_pack_for_an_owner_and_a_meeting(runner, db, plan_tree, meeting, tmp_path):
    path = tmp_path / "pack.docx"
    result = runner.invoke(args=["reports", "update-pack", str(path), "--person", "olive.owner@test.example",
                                 "--meeting", str(meeting.id)])

    assert result.exit_code == 0, result.output
    assert ("Update pack for Olive Owner: 1 open milestone (0 overdue, 0 due soon), for the Improvement Board on "
            "15/09/2020.") in result.output
    document = reopen(path.read_bytes())
    assert headings(document)[:2] == [("Heading 1", "Update pack: Olive Owner"),
                                      ("Heading 2", "Later, or no date: 1 milestone")]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "For the Improvement Board on 15 September 2020." in text
    assert "Supervision audit completed" in [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0  # a pack is not a stored report


def test_an_update_pack_refuses_an_unknown_person_or_meeting(runner, plan_tree, tmp_path):
    unknown = runner.invoke(args=["reports", "update-pack", str(tmp_path / "p.docx"), "--person", "x@test.example"])
    assert unknown.exit_code == 2 and "no one in the service has the e-mail address x@test.example" in unknown.output
    no_meeting = runner.invoke(args=["reports", "update-pack", str(tmp_path / "p.docx"), "--person",
                                     "olive.owner@test.example", "--meeting", "42"])
    assert no_meeting.exit_code == 2 and "there is no meeting 42 (the latest meetings: none yet)" in " ".join(
        no_meeting.output.split())
    assert not (tmp_path / "p.docx").exists()
