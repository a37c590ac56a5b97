"""Programme managers accept or reject several revised dates at once, with one note: each is decided as on its own
page (the same rules, the same history), and all or none are saved."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ChangeRecord, DueDateRevision, DueKind, Milestone, RevisionDecision, RevisionReason, Role
from app.services.errors import DomainError
from app.services.plans import changes as plan_changes
from app.services.plans.due_dates import parse_due_text
from tests.conftest import NOW
from tests.integration.served_form import page_form

DECIDED_AT = datetime(2020, 8, 3, 10, 0)
URL = "/revisions"


@pytest.fixture
def manager(make_person):
    return make_person("Pat Manager", Role.PROGRAMME_MANAGER)


@pytest.fixture
def proposed(plan_tree):
    """Four milestones whose owner has moved each due date from 30/09/20 to the end of a later month."""
    milestones = [plan_tree["milestone"]] + [
        Milestone(action=plan_tree["action"], deliverable=f"Deliverable {n}", responsible=plan_tree["owner"],
                  due_kind=DueKind.DATE, due_on=date(2020, 9, 30), due_raw="30/09/20") for n in (2, 3, 4)]
    db.session.add_all(milestones)
    db.session.commit()
    return [plan_changes.propose_revision(milestone, new_due=parse_due_text(f"30/1{n}/20"),
                                          reason=RevisionReason.CAPACITY, reason_text=f"Reason {n}", version=None,
                                          actor=plan_tree["owner"], now=NOW)
            for n, milestone in zip((0, 1, 0, 1), milestones, strict=True)]


def decisions(revisions) -> list[RevisionDecision]:
    return [revision.decision for revision in revisions]


def history_of(milestone) -> list[tuple]:
    records = db.session.scalars(select(ChangeRecord).where(
        ChangeRecord.entity_type == "milestone", ChangeRecord.entity_id == milestone.id,
        ChangeRecord.changed_at == DECIDED_AT).order_by(ChangeRecord.id))
    return [(r.field, r.old_value, r.new_value, r.changed_by_id, r.action_id) for r in records]


def test_three_revised_dates_are_accepted_at_once(proposed, manager):
    plan_changes.decide_revisions(proposed[:3], accept=True, note="", actor=manager, now=DECIDED_AT)
    assert decisions(proposed) == [RevisionDecision.ACCEPTED] * 3 + [RevisionDecision.PROPOSED]
    assert {(r.decided_by, r.decided_at) for r in proposed[:3]} == {(manager, DECIDED_AT)}
    assert [r.milestone.due_raw for r in proposed[:3]] == ["30/10/20", "30/11/20", "30/10/20"]


def test_two_are_rejected_with_one_note_and_their_old_dates_return(proposed, manager):
    plan_changes.decide_revisions(proposed[1:3], accept=False, note="  The board holds the dates  ",
                                  actor=manager, now=DECIDED_AT)
    assert decisions(proposed[1:3]) == [RevisionDecision.REJECTED] * 2
    assert {r.decision_note for r in proposed[1:3]} == {"The board holds the dates"}
    assert {(r.milestone.due_on, r.milestone.due_raw) for r in proposed[1:3]} == {(date(2020, 9, 30), "30/09/20")}


def test_rejecting_without_a_note_is_refused_and_nothing_is_saved(proposed, manager):
    with pytest.raises(DomainError) as refused:
        plan_changes.decide_revisions(proposed[:2], accept=False, note=" ", actor=manager, now=DECIDED_AT)
    assert (refused.value.field, refused.value.message) == ("note", "Explain why the revised date is rejected")
    assert decisions(proposed) == [RevisionDecision.PROPOSED] * 4


def test_one_already_decided_means_none_is_saved_and_the_message_names_it(proposed, manager, make_person):
    plan_changes.decide_revision(proposed[2], accept=True, note="", actor=make_person("Other Manager",
                                                                                      Role.PROGRAMME_MANAGER), now=NOW)
    with pytest.raises(DomainError) as refused:
        plan_changes.decide_revisions(proposed[:3], accept=False, note="No", actor=manager, now=DECIDED_AT)
    assert refused.value.field == "revisions"
    assert refused.value.message == ("Action 1.1, “Deliverable 3” (30/10/20): This revised date has already been "
                                     "decided. Nothing has been saved.")
    db.session.expire_all()
    assert decisions(proposed) == [RevisionDecision.PROPOSED, RevisionDecision.PROPOSED, RevisionDecision.ACCEPTED,
                                   RevisionDecision.PROPOSED]
    assert [r.milestone.due_raw for r in proposed[:2]] == ["30/10/20", "30/11/20"]  # not put back
    assert history_of(proposed[0].milestone) == []


def test_a_revision_with_no_earlier_date_cannot_be_rejected_and_is_named(plan_tree, proposed, manager):
    imported = DueDateRevision(milestone=plan_tree["milestone"], old_kind=None, new_kind=DueKind.DATE,
                               new_raw="Revised 30/09/20", reason=RevisionReason.OTHER, reason_text="Imported",
                               proposed_at=NOW)
    db.session.add(imported)
    db.session.commit()
    with pytest.raises(DomainError, match="Supervision audit completed” \\(Revised 30/09/20\\): The earlier date"):
        plan_changes.decide_revisions([proposed[1], imported], accept=False, note="No", actor=manager,
                                      now=DECIDED_AT)
    db.session.expire_all()
    assert decisions([proposed[1], imported]) == [RevisionDecision.PROPOSED] * 2


def test_nothing_chosen_is_refused(manager):
    with pytest.raises(DomainError, match="Select the revised dates to decide"):
        plan_changes.decide_revisions([], accept=True, note="", actor=manager, now=DECIDED_AT)


@pytest.mark.parametrize("accept", [True, False])
def test_the_history_is_what_deciding_each_on_its_own_page_writes(proposed, manager, accept):
    """Milestones 1 and 3 had the same revised date: one decided alone, one with another."""
    plan_changes.decide_revision(proposed[0], accept=accept, note="Held", actor=manager, now=DECIDED_AT)
    plan_changes.decide_revisions(proposed[1:3], accept=accept, note="Held", actor=manager, now=DECIDED_AT)
    alone, together = history_of(proposed[0].milestone), history_of(proposed[2].milestone)
    assert [row[0] for row in alone][:1] == ["revision"] and alone == together
    assert len(history_of(proposed[1].milestone)) == len(alone)


# --- The page -----------------------------------------------------------------------------------------------


def test_a_manager_ticks_three_boxes_and_accepts_them(client, login, proposed, manager):
    login(manager)
    html = client.get(URL).get_data(as_text=True)
    assert "Revised dates waiting for a decision (4)" in html
    assert "From 30/09/20 to 30/11/20" in html and "Capacity: Reason 1" in html and "Proposed by Olive Owner" in html
    data = page_form(html, URL)
    data.setlist("revisions", [str(r.id) for r in proposed[:3]])  # as a browser sends three ticked boxes
    data["decision"] = "accept"
    response = client.post(URL, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)
    assert decisions(proposed) == [RevisionDecision.ACCEPTED] * 3 + [RevisionDecision.PROPOSED]
    after = client.get(URL).get_data(as_text=True)
    assert "You accepted 3 revised dates" in after and "Revised dates waiting for a decision (1)" in after


def test_a_refusal_names_the_revised_date_and_keeps_the_ticks_and_the_note(client, login, proposed, manager,
                                                                          make_person):
    login(manager)
    data = page_form(client.get(URL).get_data(as_text=True), URL)
    plan_changes.decide_revision(proposed[1], accept=True, note="", actor=make_person("Other", Role.ADMIN), now=NOW)
    data.setlist("revisions", [str(r.id) for r in proposed[:3]])
    data["decision"], data["note"] = "reject", "The board keeps the September dates"
    html = client.post(URL, data=data).get_data(as_text=True)
    assert "Action 1.1, “Deliverable 2” (30/11/20): This revised date has already been decided." in html
    assert html.count("checked") == 3  # the two boxes still waiting, and "Reject"
    assert "The board keeps the September dates</textarea>" in html
    assert decisions(proposed) == [RevisionDecision.PROPOSED, RevisionDecision.ACCEPTED, RevisionDecision.PROPOSED,
                                   RevisionDecision.PROPOSED]


def test_choosing_nothing_and_no_decision_says_both(client, login, proposed, manager):
    login(manager)
    html = client.post(URL, data=page_form(client.get(URL).get_data(as_text=True), URL)).get_data(as_text=True)
    assert "Select the revised dates to decide" in html and "Select accept or reject" in html
    assert decisions(proposed) == [RevisionDecision.PROPOSED] * 4


def test_with_nothing_waiting_the_page_says_so(client, login, manager):
    html = login(manager).get(URL).get_data(as_text=True)
    assert "No revised dates are waiting for a decision." in html and "Record decisions" not in html


def test_only_those_who_decide_revised_dates_may_post(client, login, proposed, plan_tree):
    login(plan_tree["owner"])
    response = client.post(URL, data={"revisions": [str(proposed[0].id)], "decision": "accept"})
    assert response.status_code == 403 and proposed[0].decision == RevisionDecision.PROPOSED


def test_my_work_and_the_single_decision_page_link_to_it(client, login, proposed, manager):
    login(manager)
    for url in ("/my-work", f"/revisions/{proposed[0].id}/decide"):
        assert f'href="{URL}"' in client.get(url).get_data(as_text=True)
