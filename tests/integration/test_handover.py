"""Handing over a leaver's open work from their People page: everything at once, each change in its history."""

from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from app.models import (
    Audit,
    ChangeRecord,
    DueKind,
    Milestone,
    MilestoneStatus,
    RecommendationStatus,
    Role,
    SmartRecommendation,
    Team,
)
from app.services import history
from tests.integration.audit_setting import allocated_audit
from tests.integration.served_form import submission


@pytest.fixture
def leaver(db, client, login, make_person, plan_tree):
    """Ari Auditor leaves: responsible for one open milestone and one complete one, a lead of two open milestones
    (one with the person taking over), owner of an open and a done recommendation, with one audit to do."""
    setting = allocated_audit(db, make_person)
    ari, action = setting["auditor"], plan_tree["action"]
    taker = make_person("Jo Newton", Role.AUDITOR)
    taker.team = Team(name="Quality")
    open_one = plan_tree["milestone"]
    open_one.responsible = ari
    done = Milestone(action_id=action.id, deliverable="Old work", responsible=ari, status=MilestoneStatus.COMPLETE,
                     completed_on=date(2020, 6, 1), due_kind=DueKind.DATE, due_on=date(2020, 6, 30), due_raw="30/06/20")
    shared = Milestone(action_id=action.id, deliverable="Shared work", responsible=plan_tree["owner"], leads=[ari, taker],
                       status=MilestoneStatus.NOT_STARTED, due_kind=DueKind.DATE, due_on=date(2020, 12, 31),
                       due_raw="31/12/20")
    open_one.leads = [ari, plan_tree["lead"]]
    audit = setting["audit"]
    recommendations = [SmartRecommendation(audit_id=audit.id, position=0, what="Update the plan", owner=ari),
                       SmartRecommendation(audit_id=audit.id, position=1, what="Done already", owner=ari,
                                           status=RecommendationStatus.DONE, done_on=date(2021, 3, 1))]
    db.session.add_all([done, shared, *recommendations])
    db.session.commit()
    login(make_person("Ada Admin", Role.ADMIN))
    return {"ari": ari, "taker": taker, "open": open_one, "done": done, "shared": shared, "audit": audit,
            "recommendations": recommendations, "url": f"/admin/people/{ari.id}/handover", "lead": plan_tree["lead"]}


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_persons_page_links_to_the_handover(client, leaver):
    assert f'href="{leaver["url"]}"' in text(client.get(f"/admin/people/{leaver['ari'].id}/edit"))


def test_the_page_counts_the_open_work(client, leaver):
    page = text(client.get(leaver["url"]))
    for words in ("Milestones they are responsible for", "Milestones they lead", "Audit recommendations they own",
                  "Audits allocated to them, not yet submitted"):
        assert words in page
    assert "1 milestone" in page and "2 milestones" in page and "1 open recommendation" in page and "1 audit" in page


def test_handing_over_moves_all_open_work_at_once_and_records_each_change(client, db, leaver):
    page = text(client.get(leaver["url"]))
    response = client.post(leaver["url"], data=submission(page, "submit", receiver_id=str(leaver["taker"].id)))
    assert response.status_code == 302
    assert "Ari Auditor's open work is handed over to Jo Newton" in text(client.get(response.location))
    taker = leaver["taker"]
    assert leaver["open"].responsible == taker and leaver["done"].responsible == leaver["ari"]
    assert leaver["open"].leads == sorted([taker, leaver["lead"]], key=lambda person: person.name)
    assert leaver["shared"].leads == [taker]  # already a lead there: once
    assert [item.owner for item in leaver["recommendations"]] == [taker, leaver["ari"]]
    assert db.session.get(Audit, leaver["audit"].id).auditor == taker
    sentences = [line.sentence for line in history.said(list(db.session.scalars(
        select(ChangeRecord).where(ChangeRecord.entity_type == "milestone",
                                   ChangeRecord.entity_id == leaver["open"].id))))]
    assert "Responsible person changed from Ari Auditor to Jo Newton (handed over)" in sentences
    assert "Leads changed from Ari Auditor, Lee Lead to Jo Newton, Lee Lead (handed over)" in sentences
    assert "Allocated to Jo Newton (handed over)" in [line.sentence for line in history.said(list(db.session.scalars(
        select(ChangeRecord).where(ChangeRecord.entity_type == "audit", ChangeRecord.field == "allocated",
                                   ChangeRecord.old_value == "Ari Auditor"))))]
    assert "has no open work to hand over" in text(client.get(leaver["url"]))


def test_audits_cannot_go_to_someone_who_is_not_an_auditor_and_nothing_moves(client, db, leaver, make_person):
    viewer = make_person("Val Viewer")
    page = text(client.get(leaver["url"]))
    refused = client.post(leaver["url"], data=submission(page, "submit", receiver_id=str(viewer.id)))
    assert refused.status_code == 200
    assert "Val Viewer is not an auditor, and Ari Auditor has audits not yet submitted" in text(refused)
    db.session.expire_all()
    assert leaver["open"].responsible == leaver["ari"] and db.session.get(Audit, leaver["audit"].id).auditor == leaver["ari"]


def test_choose_is_not_a_person(client, leaver):
    page = text(client.get(leaver["url"]))
    assert "Choose…" in page
    refused = client.post(leaver["url"], data=submission(page, "submit"))
    assert "Choose who will take over the work" in text(refused)
