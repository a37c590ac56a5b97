"""My work as one list: each thing once, in the order it needs doing, with filters and sorts; updates and completion
from the list (back to My work, never anywhere else); the programme managers' decisions queue. Today is 31/07/2020."""

import re
from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from app.models import (
    Action,
    Area,
    DueDateRevision,
    DueKind,
    Meeting,
    MeetingKind,
    MilestoneStatus,
    RevisionDecision,
    RevisionReason,
    Role,
    SmartRecommendation,
)
from tests.integration.audit_setting import allocated_audit
from tests.integration.served_form import _Forms
from tests.integration.test_plan_pages import add_milestone


def listed(html: str) -> list[str]:
    """The items on the page, in order, as 'kind:id'."""
    return [f"{kind}:{key}" for kind, key in re.findall(r'<li class="app-work-item" id="(\w+)-(\d+)"', html)]


def form_to(html: str, action: str) -> MultiDict:
    """What the browser sends when the form posting to `action` is submitted as served."""
    parser = _Forms()
    parser.feed(html)
    [form] = [form for form in parser.forms if form["action"] == action]
    return MultiDict(form["fields"])


@pytest.fixture
def work(db, plan_tree, make_person):
    """The owner's milestones (fixture's own: due 30/09/2020, no update, so it needs one), plus: overdue by 31 and by
    10 days, due soon, needing an update, and nothing pressing; a second area; an audit recommendation due soon."""
    owner, action = plan_tree["owner"], plan_tree["action"]
    other_area = Area(plan=plan_tree["plan"], number="2.0", title="Practice", position=1)
    other_action = Action(area=other_area, number="2.1", what="Improve practice", position=0)
    db.session.add_all([other_area, other_action])
    made = {
        "a_bit_overdue": add_milestone(db, action, owner, due_on=date(2020, 7, 21), updated_on=date(2020, 7, 20),
                                       text="A bit overdue"),
        "most_overdue": add_milestone(db, other_action, owner, due_on=date(2020, 6, 30), updated_on=date(2020, 7, 20),
                                      text="Most overdue"),
        "due_soon": add_milestone(db, action, owner, due_on=date(2020, 8, 10), updated_on=date(2020, 7, 29),
                                  text="Due soon"),
        "calm": add_milestone(db, action, owner, due_on=date(2020, 12, 31), updated_on=date(2020, 7, 29),
                              text="Nothing pressing"),
        "undated_calm": add_milestone(db, other_action, owner, kind=DueKind.TBD, updated_on=date(2020, 7, 29),
                                      text="Undated"),
        "done": add_milestone(db, action, owner, status=MilestoneStatus.COMPLETE, completed_on=date(2020, 7, 1),
                              due_on=date(2020, 7, 1), text="Done already"),
        "stale": plan_tree["milestone"],
    }
    return plan_tree | made | {"other_area": other_area}


def mid(milestone) -> str:
    return f"milestone:{milestone.id}"


def test_each_thing_once_in_the_order_it_needs_doing(client, login, work):
    login(work["owner"])
    html = client.get("/my-work").get_data(as_text=True)
    assert listed(html) == [mid(work[name]) for name in
                            ("most_overdue", "a_bit_overdue", "due_soon", "stale", "calm", "undated_calm")]
    first, rest = html.split('id="rest"')
    assert mid(work["calm"]) not in listed(first) and listed(rest) == [mid(work["calm"]), mid(work["undated_calm"])]
    assert "Show 2 other open milestones" in html
    assert "Overdue by 31 days" in html and "Overdue by 10 days" in html, "reasons in words"
    assert ">Due soon<" in html and ">Needs an update<" in html
    assert re.search(r'govuk-tag--red app-rag">Red<', html), "RAG as a word"
    assert "Done already" not in html
    counts = dict((name, int(number)) for number, name in re.findall(
        r'app-work-counts__number">(\d+)</span> ([^<]+)</a>', html))
    assert counts == {"Overdue": 2, "Due in the next 14 days": 1, "Needs an update": 1, "All open": 6}


def test_the_lead_sees_what_they_lead_and_who_is_responsible(client, login, work):
    login(work["lead"])
    html = client.get("/my-work").get_data(as_text=True)
    assert listed(html) == [mid(work["stale"])]
    assert "Olive Owner (you lead it)" in html


def test_filters_and_sorts(client, login, work):
    login(work["owner"])

    def items(query: str) -> list[str]:
        return listed(client.get(f"/my-work?{query}").get_data(as_text=True))

    assert items("show=overdue") == [mid(work["most_overdue"]), mid(work["a_bit_overdue"])]
    assert items("show=due_soon") == [mid(work["due_soon"])]
    assert items("show=stale") == [mid(work["stale"])]
    assert items(f"area={work['other_area'].id}") == [mid(work["most_overdue"]), mid(work["undated_calm"])]
    assert items(f"show=overdue&area={work['area'].id}") == [mid(work["a_bit_overdue"])]
    assert items("sort=due") == [mid(work[name]) for name in
                                 ("most_overdue", "a_bit_overdue", "due_soon", "stale", "calm", "undated_calm")]
    assert items("sort=number") == [mid(work[name]) for name in  # by action within each part; the rest stays apart
                                    ("a_bit_overdue", "due_soon", "stale", "most_overdue", "calm", "undated_calm")]
    assert items("show=nonsense&sort=nonsense&area=x") == items(""), "anything odd in the address is ignored"
    html = client.get("/my-work?show=overdue").get_data(as_text=True)
    assert re.search(r"Overdue \(2\)</h2>", html) and 'id="rest"' not in html
    assert 'href="/my-work?show=overdue" aria-current="true"' in html


def test_audit_work_is_in_the_same_list(client, login, work, db, make_person):
    owner = work["owner"]
    audit = allocated_audit(db, make_person)["audit"]
    audit.auditor, audit.round.month = owner, date(2020, 7, 1)  # to be submitted by 31/07/2020: due soon
    db.session.add(SmartRecommendation(audit_id=audit.id, position=0, what="Chase the health assessment",
                                       owner=owner, due_on=date(2020, 7, 1)))
    db.session.commit()
    login(owner)
    html = client.get("/my-work").get_data(as_text=True)
    order = listed(html)
    assert order.count(f"audit:{audit.id}") == 1
    rec = next(item for item in order if item.startswith("recommendation:"))
    assert order.index(rec) == 1, "30 days overdue: after the milestone 31 days overdue, before the one 10 days"
    assert order.index(f"audit:{audit.id}") == 3, "due at the month's end, 31/07/2020: due soon, after the overdue"
    assert f"audit:{audit.id}" not in listed(client.get(f"/my-work?area={work['area'].id}").get_data(as_text=True))


def test_an_update_from_the_list_returns_to_my_work_naming_the_milestone(client, login, work):
    login(work["owner"])
    page = client.get("/my-work?show=overdue").get_data(as_text=True)
    milestone = work["most_overdue"]
    action = f"/milestones/{milestone.id}/updates/new?next=/my-work?show%3Doverdue"
    data = form_to(page, action)
    assert data["csrf_token"] and data.getlist("written_on") == ["31", "7", "2020"]
    data["body"] = "Agreed at the July board."
    response = client.post(action, data=data)
    assert response.status_code == 302 and response.location == "/my-work?show=overdue"
    html = client.get(response.location).get_data(as_text=True)
    assert "Your update has been added: 2.1 Most overdue" in html
    assert milestone.latest_update_on == date(2020, 7, 31)


def test_complete_from_the_list_and_it_leaves_the_list(client, login, work):
    login(work["owner"])
    page = client.get("/my-work").get_data(as_text=True)
    milestone = work["due_soon"]
    action = f"/milestones/{milestone.id}/complete?next=/my-work"
    response = client.post(action, data=form_to(page, action))
    assert response.status_code == 302 and response.location == "/my-work"
    html = client.get("/my-work").get_data(as_text=True)
    assert "The milestone is marked as complete: 1.1 Due soon" in html
    assert mid(milestone) not in listed(html) and milestone.status == MilestoneStatus.COMPLETE


def test_a_mistake_is_shown_on_the_full_page_with_what_was_typed(client, login, work):
    login(work["owner"])
    page = client.get("/my-work").get_data(as_text=True)
    milestone = work["calm"]
    action = f"/milestones/{milestone.id}/updates/new?next=/my-work"
    data = form_to(page, action)
    data.setlist("written_on", ["31", "9", "2020"])
    data["body"] = "Typed and kept."
    response = client.post(action, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Add a progress update" in html and "Nothing pressing" in html
    assert "September 2020 has 30 days" in html and "Typed and kept." in html
    assert '<form method="post" novalidate>' in html, "posts back to the same address, so `next` is kept"


@pytest.mark.parametrize("next_url", ["https://evil.example/my-work", "//evil.example/my-work", "/plan",
                                      "/my-work/../plan", "javascript:alert(1)"])
def test_next_never_leaves_my_work(client, login, work, next_url):
    login(work["owner"])
    milestone = work["calm"]
    page = client.get("/my-work").get_data(as_text=True)
    data = form_to(page, f"/milestones/{milestone.id}/updates/new?next=/my-work")
    data["body"] = "An update."
    response = client.post(f"/milestones/{milestone.id}/updates/new", query_string={"next": next_url}, data=data)
    assert response.status_code == 302 and response.location == f"/milestones/{milestone.id}"


def test_every_form_on_my_work_carries_the_csrf_token(client, login, work):
    login(work["owner"])
    parser = _Forms()
    parser.feed(client.get("/my-work").get_data(as_text=True))
    posts = [form for form in parser.forms if form["method"] == "post"]
    assert posts and all(dict(form["fields"]).get("csrf_token") for form in posts)


@pytest.fixture
def queue(db, work, make_person):
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    for day in (1, 2, 3, 4):
        db.session.add(DueDateRevision(milestone=work["calm"], old_kind=DueKind.DATE, old_on=date(2020, 12, 31),
                                       old_raw="31/12/2020", new_kind=DueKind.DATE, new_on=date(2021, 1, day),
                                       new_raw=f"{day}/01/2021", reason=RevisionReason.CAPACITY, reason_text="Staff",
                                       proposed_at=datetime(2020, 7, day, 9), decision=RevisionDecision.PROPOSED))
    db.session.add_all([
        Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=date(2020, 6, 30),
                update_deadline=date(2020, 6, 20), report_deadline=date(2020, 6, 25)),
        Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=date(2020, 8, 20),
                update_deadline=date(2020, 8, 10), report_deadline=date(2020, 8, 14)),
    ])
    db.session.commit()
    return manager


def test_programme_managers_see_the_decisions_waiting(client, login, work, queue):
    login(queue)
    html = client.get("/my-work").get_data(as_text=True)
    assert "Revised dates to accept or reject: 4" in html
    assert len(re.findall(r'href="/revisions/\d+/decide"', html)) == 3, "the oldest three"
    assert "1/01/2021" in html and "4/01/2021" not in html
    assert 'href="/revisions"' in html
    # Updated since the last deadline (20/06/2020): every open milestone but the fixture's own, never updated.
    assert "updates are due by <strong>10/08/2020</strong>" in html
    assert "<strong>1 open milestone</strong> has no update since 20/06/2020" in html
    login(work["owner"])
    assert "Revised dates to accept or reject" not in client.get("/my-work").get_data(as_text=True)


def test_the_decisions_queue_costs_the_same_queries_whatever_waits(client, login, work, queue, db, count_queries):
    work["calm"].responsible = queue
    db.session.commit()
    login(queue)

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/my-work").status_code == 200
        return counter.count

    small = queries()
    for day in range(5, 25):
        db.session.add(DueDateRevision(milestone=work["stale"], old_kind=DueKind.DATE, old_on=date(2020, 9, 30),
                                       old_raw="", new_kind=DueKind.DATE, new_on=date(2020, 10, day), new_raw="x",
                                       reason=RevisionReason.CAPACITY, reason_text="Staff",
                                       proposed_at=datetime(2020, 7, day, 9), decision=RevisionDecision.PROPOSED))
    work["stale"].responsible = work["due_soon"].responsible = queue  # the manager's own work grows too
    db.session.commit()
    assert queries() == small
