"""Reminder e-mails read as their recipients read them, through the real SMTP server on loopback (aiosmtpd): the
subject says what to do and by when, with no case number; the update request comes first; the milestones its update
pack lists are counted, not listed again; otherwise each item once, with one link; audit recommendations with their
How and due date, in date order, linking to the recommendation; a programme manager's escalations grouped by owner;
footers that fit the message. And one scheduled draft per occasion: a month already reported on from the command
line is not drafted again."""

import io
import re
from datetime import date, datetime, time

from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import func, select

from app.models import Action, Meeting, MeetingKind, Milestone, MilestoneStatus, Report, Role, SmartRecommendation
from app.services.reminders import jobs as reminder_jobs
from app.services.reminders import outbox
from app.services.reminders import sweep as reminder_sweep
from app.services.reports import snapshots
from tests.integration.audit_setting import allocated_audit

SEPT_3 = datetime.combine(date(2020, 9, 3), time(7))  # 5 working days before the update deadline (Thu 10/09)


def inbox(server, address: str) -> list:
    return [message for recipients, message in server.inbox.messages if recipients == [address]]


def text_and_html(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


def milestone(db, action: Action, deliverable: str, owner, due_on: date) -> Milestone:
    added = Milestone(action=action, deliverable=deliverable, responsible=owner, status=MilestoneStatus.IN_PROGRESS,
                      due_kind="date", due_on=due_on, due_raw=f"{due_on:%d/%m/%y}")
    db.session.add(added)
    db.session.commit()
    return added


def board_before_its_update_deadline(db) -> Meeting:
    meeting = Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=date(2020, 9, 30),
                      update_deadline=date(2020, 9, 10), report_deadline=date(2020, 9, 17))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def pack_sent(message) -> str:
    """The text of the update pack the message carries, a paragraph a line (table cells too)."""
    [docx] = [part.get_content() for part in message.iter_attachments()
              if part.get_filename().startswith("update-pack-")]
    return docx_text(docx)


def docx_text(docx: bytes) -> str:
    body = Document(io.BytesIO(docx)).element.body
    return "\n".join("".join(text.text or "" for text in paragraph.iter(qn("w:t"))) for paragraph in body.iter(qn("w:p")))


def test_with_the_update_pack_attached_the_milestones_are_counted_not_listed_again(plan_tree, smtp_server, db):
    board_before_its_update_deadline(db)
    olive, action = plan_tree["owner"], plan_tree["action"]
    late = [milestone(db, action, "Audit tool agreed", olive, date(2020, 8, 3)),
            milestone(db, action, "Practice standards published", olive, date(2020, 9, 2))]
    soon = milestone(db, action, "Learning shared with partners", olive, date(2020, 9, 10))
    reminder_jobs.send_due(SEPT_3)
    [message] = inbox(smtp_server, olive.email)
    assert message["Subject"] == "Update 4 milestones by Thursday 10 September — 2 overdue"
    text, html = text_and_html(message)
    summary = text.split("\n")[2].strip()
    assert summary == ("In this e-mail: the update request for the Improvement Board and 3 milestones due or overdue "
                       "(2 overdue).")
    request = text.index("Please update your milestones by Thursday 10 September 2020")
    said = ("You are responsible for or lead 4 open milestones (2 overdue, 1 due soon). Add a dated progress update "
            "to each by Thursday 10 September 2020")
    assert request < text.index(said) < text.index("3 milestones due or overdue (2 overdue) are in your update pack, "
                                                   "attached: overdue first.")
    for body in (text, html):
        for item in [*late, soon]:
            assert item.deliverable not in body and f"/milestones/{item.id}" not in body  # the pack lists them
    assert links(html) == ["http://localhost:5000/my-work", "http://localhost:5000/account/notifications"]
    pack = pack_sent(message)  # the counts the e-mail gives are the pack's, whose overdue part comes first
    assert "You are responsible for or lead 4 open milestones: 2 overdue and 1 due in the next 14 days." in pack
    overdue_part, rest = pack.split("Overdue: 2 milestones")[1].split("Due in the next 14 days: 1 milestone")
    assert all(item.deliverable in overdue_part for item in late) and soon.deliverable in rest


def test_with_packs_not_attached_the_e_mail_says_to_download_it_from_my_work_and_stays_small(
        app, plan_tree, smtp_server, db, client, login):
    app.config["UPDATE_PACKS_ATTACHED"] = False
    board_before_its_update_deadline(db)
    olive, action = plan_tree["owner"], plan_tree["action"]
    late = milestone(db, action, "Audit tool agreed", olive, date(2020, 8, 3))
    reminder_jobs.send_due(SEPT_3)
    [message] = inbox(smtp_server, olive.email)
    assert [part.get_filename() for part in message.iter_attachments()] == []
    text, html = text_and_html(message)
    for body in (text, html):
        assert "Your update pack is on My work to download" in body and "attached" not in body
        assert "1 milestone due or overdue (1 overdue) is in your update pack, on My work: overdue first." in body
        assert late.deliverable not in body  # the pack lists it
    assert links(html) == ["http://localhost:5000/my-work", "http://localhost:5000/account/notifications"]
    assert len(message.as_bytes()) < 8 * 1024
    login(olive)  # the pack the e-mail points to
    my_work = client.get("/my-work").get_data(as_text=True)
    assert "/my-work/update-pack.docx" in my_work
    assert late.deliverable in docx_text(client.get("/my-work/update-pack.docx").data)


def test_a_milestone_the_pack_leaves_out_is_still_listed(plan_tree, smtp_server, db, make_person):
    board_before_its_update_deadline(db)
    olive, action = plan_tree["owner"], plan_tree["action"]
    kept = milestone(db, action, "Audit tool agreed", olive, date(2020, 8, 3))
    handed_over = milestone(db, action, "Practice standards published", olive, date(2020, 9, 2))
    reminder_sweep.sweep(SEPT_3)  # the reminders are written; before they go, one milestone changes hands
    handed_over.responsible = make_person("Rita Responsible")
    db.session.commit()
    outbox.deliver(SEPT_3)
    [message] = inbox(smtp_server, olive.email)
    text, html = text_and_html(message)
    assert "1 milestone due or overdue (1 overdue) is in your update pack, attached: overdue first." in text
    assert kept.deliverable not in text and handed_over.deliverable in text
    assert f"http://localhost:5000/milestones/{handed_over.id}/updates/new" in links(html)
    assert handed_over.deliverable not in pack_sent(message)


def test_without_a_pack_each_milestone_is_listed_once_with_one_link_most_overdue_first(plan_tree, smtp_server, db):
    olive, action = plan_tree["owner"], plan_tree["action"]
    late = [milestone(db, action, "Audit tool agreed", olive, date(2020, 8, 3)),
            milestone(db, action, "Practice standards published", olive, date(2020, 9, 2))]
    reminder_jobs.send_due(SEPT_3)  # no meeting coming: reminders only, no update pack
    [message] = inbox(smtp_server, olive.email)
    assert message["Subject"] == "Update 2 overdue milestones"
    assert not list(message.iter_attachments())
    text, html = text_and_html(message)
    assert text.index("Audit tool agreed") < text.index("Practice standards published")  # oldest first
    for body in (text, html):
        for item in late:
            assert body.count(item.deliverable) == 1
            assert body.count(f"/milestones/{item.id}") == 1  # one link, to add the update
    assert links(html) == [*[f"http://localhost:5000/milestones/{item.id}/updates/new" for item in late],
                           "http://localhost:5000/account/notifications"]
    assert "Overdue since 3 August 2020 (31 days)" in text
    assert "update pack" not in text


def test_a_programme_manager_is_told_who_to_chase_not_every_milestone(plan_tree, smtp_server, db, make_person):
    pat = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    oscar, olive, action = make_person("Oscar Other"), plan_tree["owner"], plan_tree["action"]
    for due_on in (date(2020, 8, 3), date(2020, 8, 10), date(2020, 8, 12)):
        milestone(db, action, f"Olive's deliverable of {due_on}", olive, due_on)
    milestone(db, action, "Oscar's deliverable", oscar, date(2020, 8, 14))
    reminder_jobs.send_due(SEPT_3)  # 10 working days after 14 August and more: all four are escalated
    [message] = inbox(smtp_server, pat.email)
    assert message["Subject"] == "Chase 2 owners about 4 overdue milestones"
    text, html = text_and_html(message)
    assert "Olive Owner: 3 overdue, oldest 31 days" in text.replace("\r\n  ", ": ")
    assert "Oscar Other: 1 overdue, oldest 20 days" in text.replace("\r\n  ", ": ")
    assert text.index("Olive Owner") < text.index("Oscar Other")  # the most to chase first
    assert "deliverable" not in text and "Add a progress update" not in text
    assert links(html) == [f"http://localhost:5000/plan/milestones?owner={olive.id}&amp;due=overdue",
                           f"http://localhost:5000/plan/milestones?owner={oscar.id}&amp;due=overdue"]
    assert "Choose how you get reminders" not in text  # escalations are always e-mailed


def test_audit_recommendations_come_with_how_and_due_date_in_date_order_and_no_case_number_in_the_subject(
        db, make_person, smtp_server):
    setting = allocated_audit(db, make_person)
    owner = make_person("Rhea Owner")
    later = SmartRecommendation(audit_id=setting["audit"].id, position=1, what="Chronology brought up to date",
                                how="The social worker completes it in supervision", owner=owner,
                                due_on=date(2021, 3, 5))
    sooner = SmartRecommendation(audit_id=setting["audit"].id, position=2, what="Assessment reflects current circumstances",
                                 how="Updated assessment with both parents' views", owner=owner,
                                 due_on=date(2021, 3, 1))
    db.session.add_all([later, sooner])
    db.session.commit()
    reminder_jobs.send_due(datetime(2021, 3, 10, 7))
    [message] = inbox(smtp_server, owner.email)
    reference = setting["audit"].case.reference
    assert message["Subject"] == "Complete 2 overdue audit recommendations"
    assert reference not in message["Subject"]
    text, html = text_and_html(message)
    assert text.index(sooner.what) < text.index(later.what)
    assert "How: Updated assessment with both parents' views" in text
    assert "Overdue since 1 March 2021 (9 days)" in text and "Overdue since 5 March 2021 (5 days)" in text
    assert links(html)[:2] == [f"http://localhost:5000/my-work#recommendation-{sooner.id}",
                               f"http://localhost:5000/my-work#recommendation-{later.id}"]
    for sent in [message for _, message in smtp_server.inbox.messages]:
        assert reference not in sent["Subject"]  # the auditor's allocation e-mail too


def test_a_month_reported_on_from_the_command_line_is_not_drafted_again(db, make_person, smtp_server, app,
                                                                        tmp_path):
    setting = allocated_audit(db, make_person)  # a March 2021 round
    made = app.test_cli_runner().invoke(args=["reports", "audit-month", str(tmp_path / "march.docx"),
                                              "--month", "2021-03", "--as-at", "2021-04-01"])
    assert made.exit_code in (0, 1), made.output  # 1: its checks found something to put right; stored all the same
    [by_hand] = db.session.scalars(select(Report)).all()
    result = reminder_jobs.send_due(datetime(2021, 4, 1, 7))
    assert result.reports.generated == []
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
    [message] = [m for m in inbox(smtp_server, setting["qa_lead"].email) if "audit report" in m["Subject"]]
    assert message["Subject"] == "The monthly audit report for March 2021 is ready to check and release"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == snapshots.document_of(by_hand)
    text, _ = text_and_html(message)
    assert "responsible for" not in text and "Choose how you get reminders" not in text  # a report, not a reminder
    assert "check and release it (your role: QA lead)" in text
    reminder_jobs.send_due(datetime(2021, 4, 2, 7))
    assert db.session.scalar(select(func.count()).select_from(Report)) == 1
