"""The plan dashboard (/plan): days slipped from the revision ledger, what changed since the last released report,
and the recommendation and Area for Improvement coverage. Today is 31 July 2020."""

import re
from datetime import date, datetime

import pytest

from app.models import (
    Action,
    Area,
    DueDateRevision,
    DueKind,
    ImprovementArea,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneStatus,
    Rating,
    Recommendation,
    RevisionReason,
    Role,
)
from app.services.plans import changes
from app.services.plans.due_dates import parse_due_text
from app.services.reports import snapshots
from app.services.reports.plan_report import ALL_FIELDS
from tests.conftest import NOW, TODAY
from tests.integration.test_plan_pages import figures

DETAILS = {field.key: f"{field.label} as written" for field in ALL_FIELDS}


def milestone(db, action, owner, due: str, text: str, status=MilestoneStatus.IN_PROGRESS, **values) -> Milestone:
    parsed = parse_due_text(due)
    made = Milestone(action=action, deliverable=text, responsible=owner, status=status, due_kind=parsed.kind,
                     due_on=parsed.on, due_raw=due, **values)
    db.session.add(made)
    db.session.commit()
    return made


def revise(item: Milestone, new: str, actor, *, decision: bool | None, now: datetime = NOW) -> None:
    """Propose a revised date, then accept (True), reject (False) or leave it waiting (None)."""
    revision = changes.propose_revision(item, new_due=parse_due_text(new), reason=RevisionReason.OTHER,
                                        reason_text="Capacity", version=None, actor=actor, now=now)
    if decision is not None:
        changes.decide_revision(revision, accept=decision, note="Decided", actor=actor, now=now)


def text_of(html: str, element_id: str, tag: str = "div") -> str:
    block = re.search(rf'<{tag}[^>]* id="{element_id}"[^>]*>(.*?)</{tag}>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block)).strip()
    return re.sub(r"\( ", "(", re.sub(r" ([,.:)])", r"\1", text))


@pytest.fixture
def manager(make_person):
    return make_person("Pat Manager", Role.PROGRAMME_MANAGER)


def test_days_slipped_from_the_revision_ledger(client, login, db, plan_tree, manager):
    action, owner = plan_tree["action"], plan_tree["owner"]
    accepted_past = milestone(db, action, owner, "31/05/2020", "Accepted, and its new date has passed")
    waiting = milestone(db, action, owner, "31/08/2020", "Waiting for a decision")
    rejected = milestone(db, action, owner, "01/08/2020", "Rejected, so back on its date")
    earlier = milestone(db, action, owner, "30/09/2020", "Brought forward")
    twice = milestone(db, action, owner, "30/06/2020", "Moved twice, then completed")
    revise(accepted_past, "15/07/2020", manager, decision=True)  # 45 days, already past, not complete
    revise(waiting, "31/10/2020", owner, decision=None)  # 61 days, awaiting a decision
    revise(rejected, "01/12/2020", owner, decision=False)  # the old date restored: 0
    revise(earlier, "15/09/2020", manager, decision=True)  # earlier, not slipped
    revise(twice, "31/07/2020", manager, decision=True)
    revise(twice, "10/07/2020", manager, decision=True)  # 30/06 first, 10/07 now: 10 days
    changes.mark_complete(twice, completed_on=date(2020, 7, 10), version=None, actor=owner, now=NOW, today=TODAY)

    login(manager)
    html = client.get("/plan").get_data(as_text=True)

    assert figures(html, "1.0")["re-dated"] == 5, "every milestone with a revised date on record"
    area = text_of(html, "area-summary", "ul")
    assert "Re-dated 5 (116 days later in all, 1 revised date has passed)" in area
    listed = re.findall(r'<li data-milestone="(\d+)">.*?data-days="(\d+)"', html, re.S)
    assert listed == [(str(waiting.id), "61"), (str(accepted_past.id), "45"), (str(twice.id), "10")], \
        "most slipped first; rejected and earlier dates are not slips"
    slipped = text_of(html, "slipped")
    assert "3 milestones are due later than first planned: 116 days in all." in slipped
    assert "1 revised date has already passed" in slipped
    assert "61 days later: first due 31 August 2020, now 31 October 2020 (awaiting a decision)" in slipped
    item = re.search(rf'<li data-milestone="{accepted_past.id}">(.*?)</li>', html, re.S).group(1)
    assert "Revised date passed" in item and f'href="/milestones/{accepted_past.id}"' in item
    twice_item = re.search(rf'<li data-milestone="{twice.id}">(.*?)</li>', html, re.S).group(1)
    assert "Revised date passed" not in twice_item, "complete: its passed date is no worry"


def test_no_released_report_says_so(client, login, plan_tree, manager):
    login(manager)
    html = client.get("/plan").get_data(as_text=True)
    assert "No progress report on this plan has been released yet" in text_of(html, "since-report")


def test_changes_since_the_last_released_report(client, login, db, plan_tree, manager):
    action, owner, amber = plan_tree["action"], plan_tree["owner"], plan_tree["milestone"]  # Amber: due 30/09/2020
    overdue = milestone(db, action, owner, "30/06/2020", "Overdue at the report")  # Red on 1 July
    steady = milestone(db, action, owner, "31/12/2020", "Unchanged")
    meeting = Meeting(kind=MeetingKind.COMMITTEE, title="Scrutiny committee", held_on=date(2020, 7, 2),
                      update_deadline=date(2020, 7, 1), report_deadline=date(2020, 7, 1))
    db.session.add(meeting)
    db.session.commit()
    released_at = datetime(2020, 7, 1, 10)
    report = snapshots.generate_plan_report(plan_tree["plan"], meeting, DETAILS, actor=manager, now=released_at,
                                            today=date(2020, 7, 1))
    snapshots.release(report, version=None, checked_warnings=True, actor=manager, now=released_at)
    changes.add_update(steady, body="Before the report", written_on=date(2020, 7, 1), actor=owner,
                       now=datetime(2020, 7, 1, 9), today=date(2020, 7, 1))  # before the release: not counted

    changes.mark_complete(overdue, completed_on=TODAY, version=None, actor=owner, now=NOW, today=TODAY)  # Red → Green
    changes.set_rating(amber, rating=Rating.RED, reason="Key staff left", version=None, actor=manager, now=NOW)
    changes.add_update(steady, body="Going well", written_on=TODAY, actor=owner, now=NOW, today=TODAY)
    changes.add_update(steady, body="Still going well", written_on=TODAY, actor=owner, now=NOW, today=TODAY)
    revise(steady, "31/01/2021", owner, decision=None)  # Amber → Red (a moved date waits for a decision)
    milestone(db, action, owner, "01/07/2020", "Added and completed since", status=MilestoneStatus.COMPLETE,
              completed_on=TODAY)

    login(manager)
    since = text_of(client.get("/plan").get_data(as_text=True), "since-report")
    assert "released on 1 July 2020 at 10:00am" in since
    assert "2 milestones completed" in since, "the overdue one, and one added since"
    assert "1 milestone rated better" in since
    assert "2 milestones rated worse" in since
    assert "1 revised date proposed" in since
    assert "2 progress updates added" in since


def test_coverage_shows_the_actions_and_the_gaps(client, login, db, plan_tree, manager):
    plan, area, action = plan_tree["plan"], plan_tree["area"], plan_tree["action"]
    second = Action(area=area, number="1.10", what="Audit plans", position=1)
    recommendations = [Recommendation(plan=plan, area=area, code=code, text=f"Recommendation {code}", position=i)
                       for i, code in enumerate(["R10", "R2", "R1"])]
    answered = ImprovementArea(area=area, text="Supervision is not regular", position=0)
    gap = ImprovementArea(area=area, text="Plans lack timescales", position=1)
    db.session.add_all([second, *recommendations, answered, gap])
    action.recommendations = [recommendations[0], recommendations[2]]
    second.recommendations = [recommendations[2]]
    action.improvement_areas = [answered]
    db.session.add_all([second, *recommendations, answered, gap])
    db.session.commit()
    milestone(db, second, plan_tree["owner"], "30/06/2020", "Overdue")  # action 1.10 is Red

    login(manager)
    html = client.get("/plan").get_data(as_text=True)
    rows = re.findall(r'<tr class="govuk-table__row" data-finding="([^"]+)">(.*?)</tr>', html, re.S)
    said = {code: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for code, row in rows}
    assert [code for code, _ in rows][:3] == ["R1", "R2", "R10"], "codes in natural order"
    assert said["R1"].endswith("Action 1.1 Amber Action 1.10 Red")
    assert said["R2"].endswith("Gap No action linked. Its area, 1.0 , is Red overall"), \
        "a finding not linked to an action is a gap, shown with its area's rating"
    assert said["R10"].endswith("Action 1.1 Amber")
    assert [code for code, _ in rows][3:] == ["AfI1", "AfI2"], "Areas for Improvement by their codes"
    assert said["AfI1"] == "AfI1 Supervision is not regular 1.0 Action 1.1 Amber"
    assert said["AfI2"].endswith("Gap No action linked. Its area, 1.0 , is Red overall")
    assert "coverage-none-linked" not in html


def test_with_nothing_linked_one_line_says_so_instead_of_a_row_per_finding(client, login, db, plan_tree, manager):
    empty = Area(plan=plan_tree["plan"], number="2.0", title="Placements", position=1)
    db.session.add_all([empty, Recommendation(plan=plan_tree["plan"], area=empty, code="R7", text="Placements",
                                              position=0),
                        ImprovementArea(area=empty, text="Placement stability", position=0)])
    db.session.commit()
    login(manager)
    html = client.get("/plan").get_data(as_text=True)
    assert "data-finding=" not in html
    line = re.sub(r"\s+", " ", re.search(r'id="coverage-none-linked">(.*?)</p>', html, re.S).group(1))
    assert line.startswith("No action is linked yet to any of the 1 Ofsted recommendation or 1 Area for Improvement")


@pytest.mark.parametrize(("query", "expected"), [("area={area}&rating=RED", 1), ("area={area}&due=overdue", 1),
                                                 ("area={other}&rating=RED", 1), ("rating=RED", 2)])
def test_figures_link_to_the_milestone_list_filtered_by_area(client, login, db, plan_tree, manager, query, expected):
    other = Area(plan=plan_tree["plan"], number="2.0", title="Other area", position=1)
    other_action = Action(area=other, number="2.1", what="Other", position=0)
    db.session.add_all([other, other_action])
    milestone(db, plan_tree["action"], plan_tree["owner"], "30/06/2020", "Red in area 1")
    milestone(db, other_action, plan_tree["owner"], "31/12/2020", "Amber in area 2", status=MilestoneStatus.NOT_STARTED)
    milestone(db, other_action, plan_tree["owner"], "", "Red in area 2", rag_set=Rating.RED, rag_set_reason="Stuck")
    login(manager)
    html = client.get("/plan").get_data(as_text=True)
    area_id, other_id = plan_tree["area"].id, other.id
    if "area=" in query and "{other}" not in query:
        assert f'href="/plan/milestones?{query.format(area=area_id)}"' in html.replace("&amp;", "&"), \
            "the dashboard links the figure to this list"
    listed = client.get(f"/plan/milestones?{query.format(area=area_id, other=other_id)}").get_data(as_text=True)
    assert len(re.findall(r'data-milestone="\d+"', listed)) == expected
    if "area=" in query:
        chosen = other_id if "{other}" in query else area_id
        assert re.search(rf'<option value="{chosen}" selected>', listed), "the list shows which area it is filtered to"


def test_a_revision_without_its_first_date_is_re_dated_but_not_counted_in_days(db, plan_tree, manager, client, login):
    tbd = milestone(db, plan_tree["action"], plan_tree["owner"], "31/05/2020", "To be decided later")
    revise(tbd, "TBD", manager, decision=True)  # no date now: re-dated, no days
    imported = milestone(db, plan_tree["action"], plan_tree["owner"], "30/06/2020", "Imported as Revised 30/06/20")
    db.session.add(DueDateRevision(milestone=imported, old_kind=None, old_on=None, new_kind=DueKind.DATE,
                                   new_on=date(2020, 6, 30), new_raw="Revised 30/06/20", reason=RevisionReason.OTHER,
                                   reason_text="Imported", proposed_at=NOW))
    db.session.commit()
    assert tbd.due_kind == DueKind.TBD
    login(manager)
    html = client.get("/plan").get_data(as_text=True)
    assert figures(html, "1.0")["re-dated"] == 2
    slipped = text_of(html, "slipped")
    assert "0 milestones are due later than first planned: 0 days in all." in slipped
    assert "1 revised date has already passed" in slipped, "the imported date is past and the work not complete"
    assert "1 re-dated milestone has no first date on record" in slipped
    assert 'id="most-slipped"' not in html
