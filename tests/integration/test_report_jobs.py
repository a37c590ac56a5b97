"""Reports sent as deadlines approach, through the real SMTP server on loopback (aiosmtpd): the draft plan report to
the programme managers, each owner's update pack with their update request, and the monthly audit report to the QA
leads; each arrives once, as a Word attachment that opens with python-docx. Two schedulers at once store one report
and send it once."""

import threading
from datetime import date, datetime, time

from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import (
    Action,
    Area,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneStatus,
    Person,
    Plan,
    Report,
    ReportKind,
    Role,
)
from app.services.reminders import jobs as reminder_jobs
from app.services.reports import snapshots
from tests.integration.at_once import run_together
from tests.integration.audit_setting import allocated_audit
from tests.integration.report_reading import headings, reopen
from tests.integration.test_outbox import shared_database  # noqa: F401 (a fixture)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def at(day: date) -> datetime:
    return datetime.combine(day, time(7))


def attachments(message) -> list[tuple[str, str, bytes]]:
    return [(part.get_filename(), part.get_content_type(), part.get_content()) for part in message.iter_attachments()]


def received_by(server, address: str) -> list:
    return [message for recipients, message in server.inbox.messages if recipients == [address]]


def board_meeting(db) -> Meeting:
    """Held 30/09/2020: updates by 10/09, the report by 17/09, so the draft goes on Monday 14/09."""
    meeting = Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=date(2020, 9, 30),
                      update_deadline=date(2020, 9, 10), report_deadline=date(2020, 9, 17))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def test_the_draft_report_reaches_each_programme_manager_once_as_a_word_attachment(plan_tree, smtp_server, db,
                                                                                   make_person):
    pat = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    max_ = make_person("Max Manager", Role.PROGRAMME_MANAGER)
    max_.email_preference = "weekly"  # a scheduled report is e-mailed whatever the choice: it is the attachment
    db.session.commit()
    meeting = board_meeting(db)

    reminder_jobs.send_due(at(date(2020, 9, 11)))  # Friday: too early
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    result = reminder_jobs.send_due(at(date(2020, 9, 14)))
    assert result.reports.generated == [snapshots.plan_report_title(plan_tree["plan"], meeting)]
    assert result.reports.notices == 2  # one to each programme manager
    report = db.session.scalars(select(Report)).one()
    assert (report.kind, report.meeting_id, report.generated_by_id, report.scheduled_key) == (
        ReportKind.PLAN_PROGRESS, meeting.id, None, f"plan-draft:meeting:{meeting.id}")

    for person in (pat, max_):
        [message] = received_by(smtp_server, person.email)
        assert message["Subject"] == ("Draft report for the Improvement Board on 30/09/2020: check and release it "
                                      "by 17/09/2020")
        [(filename, content_type, content)] = attachments(message)
        assert (filename, content_type) == (report.filename, DOCX)
        assert content == snapshots.document_of(report)  # the stored report, byte for byte
        assert headings(reopen(content))[1] == ("Heading 1", "1. Summary")
        assert f"/reports/{report.id}" in message.get_body(("plain",)).get_content()

    again = reminder_jobs.send_due(at(date(2020, 9, 15)))
    assert again.reports.generated == [] and again.reports.notices == 0 and again.delivery.messages == 0
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    assert len(received_by(smtp_server, pat.email)) == 1


def test_a_report_stored_by_a_run_that_stopped_is_announced_by_the_next(plan_tree, smtp_server, db, make_person):
    pat = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    meeting = board_meeting(db)
    stored = snapshots.generate_plan_report(plan_tree["plan"], meeting, snapshots.details_for(plan_tree["plan"], meeting),
                                            actor=None, now=at(date(2020, 9, 14)), today=date(2020, 9, 14),
                                            scheduled_key=f"plan-draft:meeting:{meeting.id}")  # then the run stopped
    result = reminder_jobs.send_due(at(date(2020, 9, 14)).replace(hour=8))
    assert (result.reports.generated, result.reports.notices) == ([], 1)
    [message] = received_by(smtp_server, pat.email)
    assert attachments(message)[0][2] == snapshots.document_of(stored)
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1


def test_an_update_request_carries_the_owners_update_pack(plan_tree, smtp_server, db):
    board_meeting(db)
    reminder_jobs.send_due(at(date(2020, 9, 3)))  # 5 working days before the update deadline
    [message] = received_by(smtp_server, plan_tree["owner"].email)
    assert message["Subject"] == "Update 1 milestone by Thursday 10 September"
    [(filename, content_type, content)] = attachments(message)
    assert (filename, content_type) == ("update-pack-2020-09-30.docx", DOCX)
    pack = reopen(content)
    assert headings(pack)[0] == ("Heading 1", "Update pack: Olive Owner")
    cells = {cell.text for table in pack.tables for row in table.rows for cell in row.cells}
    assert "Supervision audit completed" in cells
    assert "Your update pack is attached" in message.get_body(("plain",)).get_content()

    reminder_jobs.send_due(at(date(2020, 9, 3)).replace(hour=12))
    assert len(received_by(smtp_server, plan_tree["owner"].email)) == 1


def test_the_monthly_audit_report_goes_to_the_qa_leads_when_the_rounds_month_ends(db, make_person, smtp_server):
    setting = allocated_audit(db, make_person)  # a March 2021 round
    lead = setting["qa_lead"]
    reminder_jobs.send_due(at(date(2021, 3, 31)))  # the audits are due today: not yet
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    reminder_jobs.send_due(at(date(2021, 4, 1)))
    report = db.session.scalars(select(Report)).one()
    assert (report.kind, report.month, report.scheduled_key) == (ReportKind.AUDIT_MONTHLY, date(2021, 3, 1),
                                                                 "audit-month:2021-03")
    [message] = [m for m in received_by(smtp_server, lead.email) if "monthly audit report" in m["Subject"]]
    assert message["Subject"] == "The monthly audit report for March 2021 is ready to check and release"
    [(filename, _, content)] = attachments(message)
    assert filename == report.filename and content == snapshots.document_of(report)
    assert headings(reopen(content))[1] == ("Heading 1", "1. Summary")
    reminder_jobs.send_due(at(date(2021, 4, 2)))
    assert len([m for m in received_by(smtp_server, lead.email) if "monthly audit report" in m["Subject"]]) == 1


def test_two_schedulers_at_once_store_one_draft_and_send_it_once(smtp_server, shared_database):  # noqa: F811
    with shared_database.app_context():
        plan = Plan(title="Shared plan", revision="1")
        action = Action(area=Area(plan=plan, number="1.0", title="Area", position=0), number="1.1", what="Act",
                        position=0)
        managers = [Person(name=f"Manager {n}", email=f"manager{n}@test.example", role=Role.PROGRAMME_MANAGER)
                    for n in range(3)]
        milestone = Milestone(action=action, deliverable="Deliverable", status=MilestoneStatus.IN_PROGRESS,
                              due_kind="date", due_on=date(2020, 12, 31), due_raw="31/12/20")
        _db.session.add_all([plan, action, milestone, *managers])
        _db.session.commit()
        board_meeting(_db)
    barrier, errors = threading.Barrier(2), []

    def scheduler() -> None:
        with shared_database.app_context():
            try:
                barrier.wait()
                reminder_jobs.send_due(at(date(2020, 9, 14)))
            except Exception as error:  # reported below
                errors.append(error)

    run_together([scheduler, scheduler])
    assert errors == []
    with shared_database.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Report)) == 1
    drafts = sorted(recipients[0] for recipients, message in smtp_server.inbox.messages
                    if message["Subject"].startswith("Draft report"))
    assert drafts == ["manager0@test.example", "manager1@test.example", "manager2@test.example"]
