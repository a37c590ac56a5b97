"""The plan progress report: reopened with python-docx, its structure, every count against the database, RAG cells
shaded and worded, changes since the previous frozen report, checks before release, and byte-identical downloads."""

import hashlib
from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.demo import PLAN_FILE
from app.models import (
    Action,
    AuditRecord,
    DueKind,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneStatus,
    Plan,
    ProgressUpdate,
    Rating,
    Report,
    ReportState,
    RevisionReason,
    Role,
)
from app.services.errors import DomainError
from app.services.importers.plan_json import load_plan_file
from app.services.plans import changes as plan_changes
from app.services.plans.due_dates import DueDate, long_date
from app.services.plans.queries import PlanFilters, Window, milestone_rows, plan_overview
from app.services.plans.rag import RATING_WORDS
from app.services.reports import checks, document, plan_data, snapshots
from app.services.reports.plan_report import ALL_FIELDS
from tests.conftest import NOW, TODAY
from tests.integration.audit_setting import allocated_audit
from tests.integration.report_reading import (
    cell_text,
    fill,
    headings,
    plan_tables,
    reopen,
    repeats_header,
    rows,
    table_after,
)

COMPLETE = {field.key: f"{field.label} as written by the programme manager" for field in ALL_FIELDS}
RATING_ORDER = [Rating.RED, Rating.AMBER, Rating.GREEN, Rating.NOT_RATED]


def a_meeting(db, held_on: date, title: str = "Scrutiny committee", kind: MeetingKind = MeetingKind.COMMITTEE) -> Meeting:
    meeting = Meeting(kind=kind, title=title, held_on=held_on, update_deadline=held_on, report_deadline=held_on)
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def real_plan(db):
    return load_plan_file(PLAN_FILE, now=NOW, email_domain="council.example").plan


def test_the_report_on_the_real_plan_has_the_template_and_counts_equal_to_the_database(db, real_plan):
    meeting = a_meeting(db, date(2020, 8, 13))
    report = snapshots.generate_plan_report(real_plan, meeting, COMPLETE, actor=None, now=NOW, today=TODAY)
    stored = snapshots.document_of(report)
    assert report.document_sha256 == hashlib.sha256(stored).hexdigest() and report.problems == []
    word = reopen(stored)

    found = headings(word)
    assert found[0] == ("Title", COMPLETE["subject"])
    body = [text for style, text in found if style == "Heading 1"]
    assert body[:12] == ["1. Summary", "2. Background", "3. Other considerations",
                         "4. Financial and resource appraisal", "5. Risk management and governance issues",
                         "6. Legal appraisal", "7. Other implications", "8. Not for publication documents",
                         "9. Options", "10. Recommendations", "11. Appendices", "12. Background documents"]
    assert body[12] == "Appendix A: The improvement plan, progress as at 31 July 2020"
    sevens = [text.split()[0] for style, text in found if style == "Heading 2" and text.startswith("7.")]
    assert sevens == [f"7.{n}" for n in range(1, 10)]
    assert [text for style, text in found if style == "Heading 2"][:4] == [
        "3.1 Where the plan stands", "3.2 Changes since the previous report",
        "3.3 Ofsted recommendations and Areas for Improvement", "3.4 RAG ratings over the last reports"]
    assert any(p.text == COMPLETE["background"] for p in word.paragraphs)

    summary = rows(table_after(word, "3.1 Where the plan stands"))
    assert summary[0][:6] == ["Area", "Milestones", "Red", "Amber", "Green", "Not rated"]
    _assert_summary_equals_database(db, real_plan, summary)
    _assert_appendix_equals_database(db, real_plan, word)
    assert all(picture.get("descr") for picture in word.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))


def _assert_summary_equals_database(db, plan, summary):
    overview = plan_overview(plan, PlanFilters(), Window(TODAY))  # the overview page's own counting, in SQL
    overdue = dict(db.session.execute(
        select(Action.area_id, func.count()).join(Milestone.action)
        .where(Milestone.due_on < TODAY, Milestone.status != MilestoneStatus.COMPLETE).group_by(Action.area_id)).all())
    actions = dict(db.session.execute(select(Action.area_id, func.count()).group_by(Action.area_id)).all())
    assert len(summary) == len(plan.areas) + 2  # the heading row and the Whole plan row
    for area_summary, row in zip(overview.areas, summary[1:], strict=False):
        area = area_summary.area
        assert row[0] == f"{area.number} {area.title}"
        assert int(row[1]) == area_summary.milestones
        assert [int(value) for value in row[2:6]] == [area_summary.ratings[r] for r in RATING_ORDER]
        assert int(row[6]) == overdue.get(area.id, 0) and actions[area.id] > 0
    total = summary[-1]
    assert total[0] == "Whole plan" and int(total[1]) == 176
    assert int(total[6]) == sum(overdue.values())


def _assert_appendix_equals_database(db, plan, word):
    tables = plan_tables(word)
    assert len(tables) == 5 and all(repeats_header(table) for table in tables)
    window = Window(TODAY)
    for area, table in zip(plan.areas, tables, strict=True):
        expected = milestone_rows(window, Action.area_id == area.id)
        rag_cells = [tr.tc_lst[8] for tr in table._tbl.tr_lst[1:]]
        assert len(rag_cells) == len(expected)
        for row, cell in zip(expected, rag_cells, strict=True):
            assert cell_text(cell).split("\n")[0] == RATING_WORDS[row.rating]
            assert fill(cell) == document.RAG_FILL[row.rating]


def test_changes_since_compare_with_the_previous_released_report_not_with_live_data(db, plan_tree, make_person,
                                                                                    client, login):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    action, owner = plan_tree["action"], plan_tree["owner"]
    done_later = plan_tree["milestone"]  # due 30/09/2020, in progress: Amber
    turns_red = Milestone(action=action, deliverable="Training delivered", responsible=owner, position=1,
                          status=MilestoneStatus.IN_PROGRESS, due_kind=DueKind.DATE, due_on=date(2020, 8, 14),
                          due_raw="14/08/20")
    replanned = Milestone(action=action, deliverable="Policy agreed", responsible=owner, position=2,
                          status=MilestoneStatus.IN_PROGRESS, due_kind=DueKind.DATE, due_on=date(2020, 7, 1),
                          due_raw="01/07/20")  # overdue at the first report: Red
    db.session.add_all([turns_red, replanned])
    db.session.commit()
    july, september = a_meeting(db, date(2020, 7, 20), "July committee"), a_meeting(db, date(2020, 9, 15))

    first = snapshots.generate_plan_report(plan_tree["plan"], july, COMPLETE, actor=manager, now=NOW, today=TODAY)
    first_bytes = snapshots.document_of(first)
    snapshots.release(first, version=first.version, checked_warnings=False, actor=manager, now=NOW)
    snapshots.generate_plan_report(plan_tree["plan"], july, {}, actor=manager, now=NOW, today=date(2020, 8, 1))
    # ^ a later draft for July, never released: not what the next report compares with

    later, today = datetime(2020, 8, 20, 9), date(2020, 8, 20)
    plan_changes.mark_complete(done_later, completed_on=today, version=None, actor=owner, now=later, today=today)
    revision = plan_changes.propose_revision(replanned, new_due=DueDate(DueKind.DATE, on=date(2020, 10, 30), raw="30/10/20"),
                                      reason=RevisionReason.CAPACITY, reason_text="Two social workers left",
                                      version=None, actor=owner, now=later)
    plan_changes.decide_revision(revision, accept=True, note="", actor=manager, now=later)
    new_action = Action(area=plan_tree["area"], number="1.2", what="Strengthen audit", position=1)
    db.session.add(new_action)
    db.session.commit()

    second = snapshots.generate_plan_report(plan_tree["plan"], september, COMPLETE, actor=manager, now=later,
                                            today=today)
    changes = second.data["changes"]
    assert second.data["previous"]["id"] == first.id
    assert [c["deliverable"] for c in changes["completed"]] == ["Supervision audit completed"]
    assert [c["deliverable"] for c in changes["newly_red"]] == ["Training delivered"]
    assert [(c["deliverable"], c["rating_now"]) for c in changes["recovered"]] == [("Policy agreed", "AMBER")]
    assert [(c["old"], c["new"], c["reason"], c["reason_text"], c["decision"]) for c in changes["revised"]] == [
        ("1 July 2020", "30 October 2020", "Capacity", "Two social workers left", "accepted")]
    assert [a["number"] for a in changes["new_actions"]] == ["1.2"] and changes["dropped_actions"] == []

    word = reopen(snapshots.document_of(second))
    texts = [text for _, text in headings(word)]
    for heading in ("Milestones completed: 1", "Milestones newly Red: 1", "Milestones recovered from Red: 1",
                    "Revised dates: 1", "New actions: 1", "Actions no longer in the plan: 0"):
        assert heading in texts
    revised = rows(table_after(word, "Revised dates: 1"))
    assert revised[1][:5] == ["1.1", "Policy agreed", "1 July 2020", "30 October 2020",
                              "Capacity: Two social workers left"]
    trend = rows(table_after(word, "3.4 RAG ratings over the last reports"))
    assert [row[0] for row in trend[1:]] == [f"As at {long_date(TODAY)}", "As at 20 August 2020 (this report)"]
    assert trend[1][1:5] == ["1", "2", "0", "0"]  # at the July report: one Red, two Amber

    login(make_person("Vera Viewer"))
    downloaded = client.get(f"/reports/{first.id}/document.docx")
    assert downloaded.status_code == 200 and downloaded.data == first_bytes  # as the July meeting saw it
    assert hashlib.sha256(downloaded.data).hexdigest() == first.document_sha256


def test_dropped_actions_and_coverage_from_the_data_alone():
    def data(actions):
        return {"areas": [{"number": "1.0", "title": "A", "recommendations": [
            {"id": 1, "code": "R1", "text": "Supervise", "action_ids": [10]},
            {"id": 2, "code": "R2", "text": "Audit", "action_ids": []}], "improvement_areas": [], "actions": actions}]}

    def action(action_id, number, rating):
        return {"id": action_id, "number": number, "what": f"Action {number}", "milestones": [
            {"id": action_id * 10, "rating": rating, "status": "in_progress", "revisions": [], "deliverable": "x",
             "responsible": "", "why": ""}]}

    before = data([action(10, "1.1", "RED"), action(11, "1.2", "AMBER")])
    after = data([action(10, "1.1", "RED")])
    changes = plan_data.changes_since(before, after)
    assert changes["dropped_actions"] == [{"number": "1.2", "what": "Action 1.2", "rating": "AMBER"}]
    assert changes["new_actions"] == [] and changes["newly_red"] == [] and changes["recovered"] == []
    coverage = plan_data.coverage(after)["recommendations"]
    assert [(c["label"], c["actions"], c["rating"]) for c in coverage] == [
        ("R1", [{"number": "1.1", "rating": "RED"}], "RED"), ("R2", [], None)]
    assert plan_data.changes_since(None, after) is None


def test_changes_since_report_decisions_on_earlier_proposals_added_milestones_and_why_a_person_set_the_rating():
    def report(milestones, afi_ids=()):
        return {"areas": [{"number": "1.0", "title": "A", "recommendations": [], "improvement_areas": [
            {"id": 5, "text": "Mental health support", "identified": ["September 2018", "February 2020"],
             "action_ids": list(afi_ids)}], "actions": [
            {"id": 10, "number": "1.1", "what": "Supervise", "milestones": milestones}]}]}

    def milestone(milestone_id, rating, revisions=(), set_reason="", suggested=None):
        return {"id": milestone_id, "rating": rating, "suggested": suggested or rating, "status": "in_progress",
                "revisions": list(revisions), "deliverable": f"Milestone {milestone_id}", "responsible": "Ann Owner",
                "why": "Due in 30 days", "rating_set_reason": set_reason}

    def revision(revision_id, decision):
        return {"id": revision_id, "old": "01/07/20", "new": "30/10/20", "decision": decision}

    before = report([milestone(1, "AMBER", [revision(7, "proposed"), revision(8, "proposed"), revision(9, "accepted")]),
                     milestone(2, "AMBER")])
    after = report([milestone(1, "AMBER", [revision(7, "accepted"), revision(8, "rejected"), revision(9, "accepted"),
                                           revision(11, "rejected")]),
                    milestone(2, "RED", set_reason="The provider pulled out", suggested="AMBER"),
                    milestone(3, "GREEN")], afi_ids=[10])
    changes = plan_data.changes_since(before, after)
    assert [(r["id"], r["decision"]) for r in changes["revised"]] == [(7, "accepted"), (8, "rejected")]
    assert [(c["deliverable"], c["why"]) for c in changes["newly_red"]] == [
        ("Milestone 2", "Set by hand: The provider pulled out")]
    assert [c["deliverable"] for c in changes["new_milestones"]] == ["Milestone 3"]
    afi = plan_data.coverage(after)["improvement_areas"]
    assert [(a["label"], a["text"], a["rating"]) for a in afi] == [
        ("AfI1", "Mental health support (identified September 2018, February 2020)", "RED")]


def test_placeholders_and_a_childs_name_stop_the_release_and_warnings_need_a_look(db, plan_tree, make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    setting = allocated_audit(db, make_person)
    db.session.add(AuditRecord(audit_id=setting["audit"].id, child_name="Kayden Marsh",
                               child_date_of_birth=date(2012, 4, 3)))
    db.session.commit()
    meeting = a_meeting(db, date(2020, 9, 15))

    empty = snapshots.generate_plan_report(plan_tree["plan"], meeting, {}, actor=manager, now=NOW, today=TODAY)
    messages = [p["message"] for p in empty.problems]
    assert "Template or placeholder text left in: “[To be completed: Subject]”" in messages
    assert "Template or placeholder text left in: “[To be completed: 10. Recommendations]”" in messages
    with pytest.raises(DomainError, match="cannot be released"):
        snapshots.release(empty, version=None, checked_warnings=True, actor=manager, now=NOW)

    plan_changes.add_update(plan_tree["milestone"], body="Audit of Kayden Marsh's file (born 03/04/2012) shared",
                     written_on=TODAY, actor=plan_tree["owner"], now=NOW, today=TODAY)
    named = snapshots.generate_plan_report(plan_tree["plan"], meeting, COMPLETE, actor=manager, now=NOW, today=TODAY)
    kinds = Counter((p["kind"], p["blocking"]) for p in named.problems)
    assert kinds[("child_name", True)] == 1 and kinds[("date_of_birth", True)] == 1
    with pytest.raises(DomainError):
        snapshots.release(named, version=None, checked_warnings=True, actor=manager, now=NOW)

    plan_changes.add_update(plan_tree["milestone"], body="Kayden's review is booked", written_on=TODAY,
                     actor=plan_tree["owner"], now=datetime(2020, 7, 31, 13), today=TODAY)
    first_name = snapshots.generate_plan_report(plan_tree["plan"], meeting, COMPLETE, actor=manager, now=NOW,
                                                today=TODAY)
    assert [(p["kind"], p["blocking"]) for p in first_name.problems] == [("child_name", False)]
    with pytest.raises(DomainError, match="Confirm that you have checked the warnings"):
        snapshots.release(first_name, version=None, checked_warnings=False, actor=manager, now=NOW)
    snapshots.release(first_name, version=None, checked_warnings=True, actor=manager, now=NOW)
    assert first_name.state == ReportState.RELEASED


def test_two_versions_released_at_the_same_moment_leave_one_released(db, plan_tree, make_person, monkeypatch):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    meeting = a_meeting(db, date(2020, 9, 15))
    first, second = (snapshots.generate_plan_report(plan_tree["plan"], meeting, COMPLETE, actor=manager, now=NOW,
                                                    today=TODAY) for _ in range(2))
    snapshots.release(second, version=None, checked_warnings=False, actor=manager, now=NOW)
    snapshots.release(first, version=None, checked_warnings=False, actor=manager, now=NOW)  # one after the other
    assert (first.state, second.state) == (ReportState.RELEASED, ReportState.SUPERSEDED)

    third = snapshots.generate_plan_report(plan_tree["plan"], meeting, COMPLETE, actor=manager, now=NOW, today=TODAY)
    released_elsewhere = snapshots._same_occasion(third).where(Report.id == -1)  # as if first's release was unseen
    monkeypatch.setattr(snapshots, "_same_occasion", lambda report: released_elsewhere)
    with pytest.raises(DomainError, match="released at the same moment"):
        snapshots.release(third, version=None, checked_warnings=False, actor=manager, now=NOW)
    db.session.expire_all()
    assert (first.state, third.state) == (ReportState.RELEASED, ReportState.DRAFT)


def test_totals_that_disagree_and_numbering_that_repeats_are_found(db, plan_tree):
    meeting = a_meeting(db, date(2020, 9, 15))
    summary_like_the_figures = {**COMPLETE, "summary": "As at the last board, 3 milestones were Red."}
    report = snapshots.generate_plan_report(plan_tree["plan"], meeting, summary_like_the_figures, actor=None, now=NOW,
                                            today=TODAY)
    assert report.problems == []
    word = reopen(snapshots.document_of(report))
    summary = table_after(word, "3.1 Where the plan stands")
    whole_plan_amber = summary._tbl.tr_lst[-1].tc_lst[3]
    for text in whole_plan_amber.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
        text.text = "7"
    five = next(p for p in word.paragraphs if p.text == "5. Risk management and governance issues")
    five.runs[0].text = "4. Risk management and governance issues"
    problems = checks.check_plan_report(document.to_bytes(word), checks.Identities())
    messages = [p["message"] for p in problems]
    assert "Amber: the areas add up to 1 but the Whole plan row says 7" in messages
    assert "Amber: section 1 says 1, the summary table 7" in messages
    assert "Amber: 1 in the plan appendix, 7 in the summary table" in messages
    assert "Section 4 follows section 4: expected 5" in messages
    assert "Section 6 follows section 4: expected 5" in messages


def test_programme_manager_prepares_checks_and_releases_in_the_browser(db, plan_tree, client, login, make_person):
    meeting = a_meeting(db, date(2020, 9, 15))
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    login(manager)
    page = client.get(f"/reports/meetings/{meeting.id}")
    assert page.status_code == 200 and "Test Improvement Plan: progress update" in page.text  # suggested subject
    assert f'name="plan_id" value="{plan_tree["plan"].id}"' in page.text  # the only plan
    response = client.post(f"/reports/meetings/{meeting.id}", data={"plan_id": plan_tree["plan"].id,
                                                                     "subject": "Plan progress"})
    assert response.status_code == 302
    shown = client.get(response.headers["Location"])
    assert "problems to put right before release" in shown.text and "[To be completed: Signatory]" in shown.text
    assert "Release this report" not in shown.text

    response = client.post(f"/reports/meetings/{meeting.id}", data={"plan_id": plan_tree["plan"].id, **COMPLETE})
    report_url = response.headers["Location"]
    shown = client.get(report_url)
    assert "The checks found nothing to put right" in shown.text and "Release this report" in shown.text
    again = client.get(f"/reports/meetings/{meeting.id}")
    assert COMPLETE["signatory"] in again.text  # what was typed is kept for the next version
    released = client.post(report_url, data={"version": 1}, follow_redirects=True)
    assert "is released" in released.text

    report_id = int(report_url.rsplit("/", 1)[1])
    login(make_person("Vera Viewer"))
    index = client.get("/reports")
    assert f"/reports/{report_id}" in index.text and "Released" in index.text
    assert client.get(f"/reports/{report_id - 1}").status_code == 403  # the draft with placeholders
    assert client.get(f"/reports/{report_id}/document.docx").status_code == 200


def test_the_form_is_filled_in_from_the_chosen_plans_last_report_and_the_committee_from_the_same_kind_of_meeting(
        db, plan_tree, client, login, make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    plan = plan_tree["plan"]
    other_plan = Plan(title="Youth justice plan")
    db.session.add(other_plan)
    db.session.commit()
    july, september = a_meeting(db, date(2020, 7, 20), "July committee"), a_meeting(db, date(2020, 9, 15))
    board = Meeting(kind=MeetingKind.BOARD, title="Programme Board", held_on=date(2020, 9, 1),
                    update_deadline=date(2020, 8, 14), report_deadline=date(2020, 8, 19))
    db.session.add(board)
    db.session.commit()
    snapshots.generate_plan_report(plan, july, {**COMPLETE, "committee": "Children's Services Scrutiny Committee"},
                                   actor=manager, now=NOW, today=TODAY)

    login(manager)
    page = client.get(f"/reports/meetings/{september.id}?plan_id={plan.id}")
    assert "Children&#39;s Services Scrutiny Committee" in page.text and COMPLETE["signatory"] in page.text
    assert "Test Improvement Plan: progress update" in page.text
    assert "Needed before the report can be released." in page.text.split('id="committee-hint"')[1][:300]
    other = client.get(f"/reports/meetings/{september.id}")  # no report for this meeting yet: the latest plan
    assert "Youth justice plan: progress update" in other.text and COMPLETE["signatory"] not in other.text
    board_page = client.get(f"/reports/meetings/{board.id}?plan_id={plan.id}")
    assert 'value="Programme Board"' in board_page.text  # a board is not the committee


def test_gathering_the_data_takes_the_same_queries_for_a_bigger_plan(db, plan_tree, count_queries):
    def timed() -> int:
        with count_queries() as counter:
            plan_data.gather(plan_tree["plan"], Window(TODAY))
        return counter.count

    small = timed()
    for position in range(1, 30):
        milestone = Milestone(action=plan_tree["action"], deliverable=f"Step {position}", position=position,
                              responsible=plan_tree["owner"], leads=[plan_tree["lead"]], due_kind=DueKind.TBD)
        db.session.add(milestone)
        db.session.add(ProgressUpdate(milestone=milestone, written_on=TODAY, body="On track", signed_as="Olive",
                                      created_at=NOW))
    db.session.commit()
    assert timed() == small


def test_every_page_carries_the_councils_protective_marking_title_and_date(app, db, plan_tree):
    app.config["PROTECTIVE_MARKING"] = "OFFICIAL-SENSITIVE"
    report = snapshots.generate_plan_report(plan_tree["plan"], a_meeting(db, date(2020, 8, 20)), COMPLETE, actor=None,
                                            now=NOW, today=TODAY)
    word = reopen(snapshots.document_of(report))
    header, footer = word.sections[0].header, word.sections[0].footer
    assert [p.text for p in header.paragraphs] == ["OFFICIAL-SENSITIVE", f"{report.title} · {long_date(TODAY)}"]
    assert footer.paragraphs[-1].text == "OFFICIAL-SENSITIVE"
    assert all(section.header.is_linked_to_previous for section in word.sections[1:])  # the appendix too
