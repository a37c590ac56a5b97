"""Programme managers change several milestones at once from the milestone list: tick them, choose what to change,
give the new person or date, check every change, confirm. Each milestone is changed as by its own edit page (the
same history; a new due date is a revised date, accepted at once), all or nothing, and a milestone changed by
someone else meanwhile is reported, never overwritten."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ChangeRecord, DueDateRevision, DueKind, Milestone, RevisionDecision, Role
from app.services.plans import changes as plan_changes
from tests.conftest import NOW
from tests.integration.served_form import page_form, query_form

LIST, CHANGE = "/plan/milestones", "/plan/milestones/change"


@pytest.fixture
def manager(make_person):
    return make_person("Pat Manager", Role.PROGRAMME_MANAGER)


@pytest.fixture
def milestones(plan_tree):
    """Three milestones of action 1.1, all Olive Owner's and led by Lee Lead, due 30/09/2020."""
    more = [Milestone(action=plan_tree["action"], deliverable=f"Deliverable {n}", responsible=plan_tree["owner"],
                      leads=[plan_tree["lead"]], due_kind=DueKind.DATE, due_on=date(2020, 9, 30), due_raw="30/09/20",
                      position=n) for n in (1, 2)]
    db.session.add_all(more)
    db.session.commit()
    return [plan_tree["milestone"], *more]


def tick(client, ticked: list[Milestone], **url_args) -> str:
    """Open the list, tick the milestones, press "Change selected milestones": the page asking what to change."""
    html = client.get(LIST, query_string=url_args).get_data(as_text=True)
    for milestone in ticked:
        assert f'name="milestone" type="checkbox" value="{milestone.id}"' in html
    data = query_form(html, CHANGE, milestone=[str(m.id) for m in ticked], chosen="selected")
    return client.get(CHANGE, query_string=data).get_data(as_text=True)


def details(client, ticked: list[Milestone], change: str) -> str:
    what = tick(client, ticked)
    return client.get(CHANGE, query_string=query_form(what, CHANGE, change=change)).get_data(as_text=True)


def check(client, ticked, change: str, **typed) -> str:
    data = page_form(details(client, ticked, change), CHANGE)
    for name, value in typed.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    response = client.post(CHANGE, data=data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def confirm(client, check_page: str):
    return client.post(CHANGE, data=page_form(check_page, CHANGE))


def history(milestone: Milestone, field: str) -> list[tuple[str, str]]:
    return [(record.old_value, record.new_value) for record in db.session.scalars(
        select(ChangeRecord).where(ChangeRecord.entity_type == "milestone", ChangeRecord.entity_id == milestone.id,
                                   ChangeRecord.field == field))]


def test_a_new_responsible_person_for_several_milestones(client, login, manager, milestones, plan_tree):
    login(manager)
    page = check(client, milestones[:2], "responsible", person_id=str(manager.id))
    assert "Check the changes before saving them" in page and page.count("Olive Owner") >= 2
    assert db.session.get(Milestone, milestones[0].id).responsible == plan_tree["owner"], "nothing saved before"
    response = confirm(client, page)
    assert response.status_code == 302 and response.location.startswith(LIST)
    db.session.expire_all()
    assert [m.responsible.name for m in milestones] == ["Pat Manager", "Pat Manager", "Olive Owner"]
    assert history(milestones[0], "responsible") == [("Olive Owner", "Pat Manager")], "as the single edit records it"
    assert history(milestones[2], "responsible") == []
    assert "2 milestones changed" in client.get(response.location).get_data(as_text=True)


def test_a_new_due_date_is_a_revised_date_accepted_at_once(client, login, manager, milestones):
    login(manager)
    page = check(client, milestones, "due", due_kind="date", due_date=["31", "3", "2021"], reason="capacity",
                 reason_text="The team is rebuilding after leavers")
    assert "30/09/20" in page and "31/03/2021" in page
    assert confirm(client, page).status_code == 302
    for milestone in milestones:
        db.session.refresh(milestone)
        [revision] = db.session.scalars(select(DueDateRevision).where(DueDateRevision.milestone_id == milestone.id))
        assert milestone.due_on == date(2021, 3, 31) and revision.decision == RevisionDecision.ACCEPTED
        assert revision.reason_text == "The team is rebuilding after leavers" and revision.old_on == date(2020, 9, 30)
        assert history(milestone, "due_on") == [("2020-09-30", "2021-03-31")]


def test_an_impossible_date_is_flagged_not_guessed(client, login, manager, milestones):
    login(manager)
    data = page_form(details(client, milestones, "due"), CHANGE)
    data.update({"due_kind": "date", "reason": "capacity", "reason_text": "Leavers"})
    data.setlist("due_date", ["31", "2", "2021"])
    response = client.post(CHANGE, data=data)
    assert "Check the changes" not in response.get_data(as_text=True)
    assert "govuk-error-message" in response.get_data(as_text=True)
    assert db.session.scalar(select(DueDateRevision.id)) is None


def test_a_lead_added_or_the_leads_replaced(client, login, manager, milestones, plan_tree):
    login(manager)
    confirm(client, check(client, milestones[:1], "add_lead", person_id=str(manager.id)))
    db.session.expire_all()
    assert {p.name for p in milestones[0].leads} == {"Lee Lead", "Pat Manager"}
    confirm(client, check(client, milestones[1:], "replace_leads", person_id=str(manager.id)))
    db.session.expire_all()
    assert [[p.name for p in m.leads] for m in milestones[1:]] == [["Pat Manager"], ["Pat Manager"]]
    assert history(milestones[1], "leads") == [("Lee Lead", "Pat Manager")]


def test_a_milestone_changed_meanwhile_is_reported_and_nothing_saved(client, login, manager, milestones, plan_tree):
    login(manager)
    page = check(client, milestones[:2], "responsible", person_id=str(manager.id))
    plan_changes.save(milestones[1], {"deliverable": "Changed by a colleague"}, version=milestones[1].version,
                      actor=plan_tree["owner"], now=NOW, what="This milestone")
    refused = confirm(client, page)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Someone else changed Action 1.1, “Changed by a colleague”" in text
    db.session.expire_all()
    assert [m.responsible.name for m in milestones[:2]] == ["Olive Owner", "Olive Owner"], "all or nothing"
    assert confirm(client, text).status_code == 302, "confirming again, having seen it, saves"
    db.session.expire_all()
    assert [m.responsible.name for m in milestones[:2]] == ["Pat Manager", "Pat Manager"]


def test_all_on_the_page_without_ticking_each(client, login, manager, milestones):
    login(manager)
    html = client.get(LIST, query_string={"sort": "due"}).get_data(as_text=True)
    what = client.get(CHANGE, query_string=query_form(html, CHANGE, chosen="page")).get_data(as_text=True)
    assert "3 milestones selected" in what
    assert "back=%2Fplan%2Fmilestones%3Fsort%3Ddue" in what.replace("&amp;", "&") or 'value="/plan/milestones?sort=due' in what


def test_nothing_ticked_goes_back_to_the_list(client, login, manager, milestones):
    login(manager)
    html = client.get(LIST).get_data(as_text=True)
    response = client.get(CHANGE, query_string=query_form(html, CHANGE, chosen="selected"))
    assert response.status_code == 302 and response.location.startswith(LIST)
    assert "Select the milestones to change" in client.get(LIST).get_data(as_text=True)


def test_owners_see_no_boxes_and_cannot_change_several(client, login, milestones, plan_tree):
    login(plan_tree["owner"])
    assert 'type="checkbox"' not in client.get(LIST).get_data(as_text=True)
    assert client.get(CHANGE, query_string={"milestone": milestones[0].id}).status_code == 403
