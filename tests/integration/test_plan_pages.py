"""Plan overview and My work: counts per area, filters, and a query count that does not grow with the data."""

import re
from datetime import date

import pytest

from app.models import Action, DueKind, Milestone, MilestoneStatus, PersonKind, ProgressUpdate, Rating, Role
from tests.conftest import NOW


def add_milestone(db, action, owner, *, due_on=None, kind=DueKind.DATE, status=MilestoneStatus.IN_PROGRESS,
                  completed_on=None, leads=(), updated_on=None, text="Deliverable"):
    milestone = Milestone(action=action, deliverable=text, responsible=owner, leads=list(leads), status=status,
                          completed_on=completed_on, due_kind=kind, due_on=due_on, due_raw="", latest_update_on=updated_on)
    db.session.add(milestone)
    if updated_on:
        db.session.add(ProgressUpdate(milestone=milestone, written_on=updated_on, body="Update", signed_as="x",
                                      created_at=NOW))
    db.session.commit()
    return milestone


def figures(html: str, area: str) -> dict[str, int]:
    """An area's figures on the dashboard, read from its words ("Red 1, Amber 2", "Overdue 1", "of 5 milestones")."""
    block = re.search(rf'<li class="app-dashboard-area[^"]*" data-area="{re.escape(area)}">(.*?)</li>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r'<span class="govuk-visually-hidden">.*?</span>|<[^>]+>', " ", block))
    words = {"Red": "RED", "Amber": "AMBER", "Green": "GREEN", "Not rated": "NOT_RATED", "Overdue": "overdue",
             "Re-dated": "re-dated", "Unassigned": "unassigned", "No recent update": "stale"}
    found = {words[word]: int(count) for word, count in re.findall(rf"({'|'.join(words)}) (\d+)", text)}
    found["milestones"] = int(re.search(r"of (\d+) milestones?", text).group(1))
    return found


@pytest.fixture
def varied_plan(db, plan_tree, make_person):
    """Today is 31/07/2020. The fixture's own milestone is Amber (due 30/09/2020) but has no update (stale)."""
    owner, action = plan_tree["owner"], plan_tree["action"]
    placeholder = make_person("TBD", kind=PersonKind.PLACEHOLDER, login=False)
    add_milestone(db, action, owner, due_on=date(2020, 6, 30), updated_on=date(2020, 7, 20))  # Red overdue
    add_milestone(db, action, owner, status=MilestoneStatus.COMPLETE, completed_on=date(2020, 7, 1),
                  due_on=date(2020, 7, 1))  # Green
    add_milestone(db, action, placeholder, kind=DueKind.TBD, updated_on=date(2020, 7, 28))  # Not rated, unassigned
    add_milestone(db, action, owner, due_on=date(2020, 8, 10), updated_on=date(2020, 7, 29),
                  text="Due soon deliverable")  # Amber, due soon
    return plan_tree


def test_overview_counts_per_area(client, login, varied_plan):
    login(varied_plan["owner"])
    html = client.get("/plan").get_data(as_text=True)
    assert figures(html, "1.0") == {"RED": 1, "AMBER": 2, "GREEN": 1, "NOT_RATED": 1, "overdue": 1, "re-dated": 0,
                                    "unassigned": 1, "stale": 1, "milestones": 5}
    assert figures(html, "total") == figures(html, "1.0"), "one area: the whole plan is the same"
    assert re.search(r'data-area="1.0">.*?Overall <strong class="govuk-tag govuk-tag--red app-rag">Red<', html, re.S), \
        "area rolls up to Red, as a word"


def test_milestone_list_filters(client, login, varied_plan):
    login(varied_plan["owner"])

    def listed(query: str) -> list[str]:
        html = client.get(f"/plan/milestones?{query}").get_data(as_text=True)
        return re.findall(r'data-milestone="(\d+)"', html)

    assert len(listed("")) == 5, "no filter lists every milestone"
    assert len(listed("rating=RED")) == 1
    soon = client.get("/plan/milestones?due=due_soon").get_data(as_text=True)
    assert "Due soon deliverable" in soon and len(re.findall(r'data-milestone="', soon)) == 1
    assert len(listed("q=due+soon")) == 1
    assert len(listed(f"lead={varied_plan['lead'].id}")) == 1
    assert len(listed("status=complete")) == 1


def test_set_rating_counts_in_the_overview(client, login, varied_plan, db):
    milestone = varied_plan["milestone"]
    milestone.rag_set, milestone.rag_set_reason = Rating.RED, "Key staff left"
    db.session.commit()
    login(varied_plan["owner"])
    assert figures(client.get("/plan").get_data(as_text=True), "1.0")["RED"] == 2


def test_my_work_sections(client, login, varied_plan):
    """Each open milestone once: overdue, due soon and stale first; the rest (none here) collapsed."""
    login(varied_plan["owner"])
    html = client.get("/my-work").get_data(as_text=True)
    assert re.search(r"Needs doing first \(3\)", html)
    assert len(re.findall(r'<li class="app-work-item"', html)) == 3
    counts = re.findall(r'app-work-counts__number">(\d+)</span> ([^<]+)</a>', html)
    assert counts == [("1", "Overdue"), ("1", "Due in the next 14 days"), ("1", "Needs an update"), ("3", "All open")]


def test_lead_sees_led_work(client, login, varied_plan):
    login(varied_plan["lead"])
    html = client.get("/my-work").get_data(as_text=True)
    assert len(re.findall(r'<li class="app-work-item"', html)) == 1 and "Supervision audit completed" in html


def grow(db, plan_tree, owner, count: int) -> None:
    for number in range(count):
        action = Action(area=plan_tree["area"], number=f"9.{number}", what="More", position=number + 1)
        db.session.add(action)
        for _ in range(3):
            add_milestone(db, action, owner, due_on=date(2020, 6, 30), updated_on=date(2020, 7, 1),
                          leads=[plan_tree["lead"]])


@pytest.mark.parametrize("url", ["/plan", "/my-work", "/plan/milestones?rating=RED&q=Deliverable",
                                 "/plan/milestones?sort=rag&page=2", "/actions/{action}"])
def test_query_count_does_not_grow_with_the_data(client, login, plan_tree, db, count_queries, make_person, url):
    pm = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    url = url.format(action=plan_tree["action"].id)
    login(plan_tree["owner"])

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    small = queries()
    grow(db, plan_tree, plan_tree["owner"], 20)
    add_milestone(db, plan_tree["action"], pm, due_on=date(2020, 6, 30), updated_on=date(2020, 7, 1))
    assert queries() == small


def test_labels_from_the_plans_rag_key_are_shown(client, login, varied_plan, db):
    amber = next(entry for entry in varied_plan["plan"].rag_key if entry.rating == Rating.AMBER)
    amber.label = "On track"
    db.session.commit()
    login(varied_plan["owner"])
    html = client.get("/plan").get_data(as_text=True)
    assert 'govuk-tag--orange app-rag">On track<' in html and ">Amber<" not in html
