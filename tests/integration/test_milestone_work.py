"""What owners and programme managers do to a milestone, through the pages, as users do it."""

from datetime import date

import pytest
from sqlalchemy import select

from app.models import ChangeRecord, DueKind, MilestoneStatus, ProgressUpdate, Rating, RevisionDecision, Role
from tests.integration.served_form import page_form


def date_parts(value: str) -> list[str]:
    return value.split("/")


@pytest.fixture
def owner_client(client, login, plan_tree):
    login(plan_tree["owner"])
    return client


def page(response) -> str:
    return response.get_data(as_text=True)


def test_owner_adds_a_dated_signed_update(owner_client, plan_tree):
    milestone = plan_tree["milestone"]
    response = owner_client.post(f"/milestones/{milestone.id}/updates/new",
                                 data={"written_on": date_parts("30/07/2020"), "body": "Audit tool agreed"})
    assert response.status_code == 302
    [update] = milestone.updates
    assert (update.written_on, update.body, update.signed_as) == (date(2020, 7, 30), "Audit tool agreed", "Olive Owner")
    assert "Audit tool agreed" in page(owner_client.get(f"/actions/{milestone.action_id}"))


def test_bad_update_keeps_what_was_typed_and_says_why(owner_client, plan_tree):
    milestone = plan_tree["milestone"]
    response = owner_client.post(f"/milestones/{milestone.id}/updates/new",
                                 data={"written_on": date_parts("31/9/2020"), "body": "My long careful update"})
    html = page(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "31/9/2020 is not a calendar date: September 2020 has 30 days" in html
    assert "My long careful update" in html
    assert 'value="31"' in html
    assert milestone.updates == []


def test_update_cannot_be_dated_in_the_future(owner_client, plan_tree):
    response = owner_client.post(f"/milestones/{plan_tree['milestone'].id}/updates/new",
                                 data={"written_on": date_parts("01/08/2020"), "body": "Tomorrow's news"})
    assert "must be today or in the past" in page(response) and "Tomorrow&#39;s news" in page(response)


def test_updates_are_append_only(db, plan_tree):
    update = ProgressUpdate(milestone=plan_tree["milestone"], written_on=date(2020, 7, 1), body="First",
                            signed_as="Olive Owner", created_at=date(2020, 7, 1))
    db.session.add(update)
    db.session.commit()
    update.body = "Rewritten"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(PermissionError):
        db.session.delete(update)
        db.session.commit()


def test_mark_complete_turns_the_milestone_green_and_is_recorded(owner_client, plan_tree, db):
    milestone = plan_tree["milestone"]
    response = owner_client.post(f"/milestones/{milestone.id}/complete",
                                 data={"completed_on": date_parts("29/07/2020"), "version": milestone.version})
    assert response.status_code == 302
    assert (milestone.status, milestone.completed_on) == (MilestoneStatus.COMPLETE, date(2020, 7, 29))
    html = page(owner_client.get(f"/milestones/{milestone.id}"))
    assert "completed on 29 July 2020" in html
    fields = db.session.scalars(select(ChangeRecord.field).where(ChangeRecord.entity_id == milestone.id)).all()
    assert {"status", "completed_on"} <= set(fields)


def test_propose_revised_date_is_red_until_a_programme_manager_accepts(owner_client, plan_tree, login, make_person):
    milestone = plan_tree["milestone"]
    response = owner_client.post(f"/milestones/{milestone.id}/revise", data={
        "due_kind": "date", "due_date": date_parts("31/12/2020"), "reason": "covid",
        "reason_text": "Team redeployed during lockdown", "version": milestone.version})
    assert response.status_code == 302
    assert milestone.due_on == date(2020, 12, 31)
    [revision] = milestone.revisions
    assert (revision.old_on, revision.old_raw, revision.decision) == (date(2020, 9, 30), "30/09/20", RevisionDecision.PROPOSED)
    assert "due date moved from 30 September 2020 to 31 December 2020" in page(owner_client.get(f"/milestones/{milestone.id}"))

    pm = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    client = login(pm)
    assert "Revised dates to accept or reject" in page(client.get("/my-work"))
    client.post(f"/revisions/{revision.id}/decide", data={"decision": "accept", "note": ""})
    assert revision.decision == RevisionDecision.ACCEPTED and revision.decided_by == pm
    assert "on track, due 31 December 2020" in page(client.get(f"/milestones/{milestone.id}"))
    assert "Originally: 30/09/20" in page(client.get(f"/milestones/{milestone.id}"))


def test_rejecting_a_revision_restores_the_old_date_and_needs_a_reason(client, login, plan_tree, make_person, db):
    milestone = plan_tree["milestone"]
    login(plan_tree["owner"])
    client.post(f"/milestones/{milestone.id}/revise", data={
        "due_kind": "tbd", "due_reason": "Waiting for funding", "reason": "dependency",
        "reason_text": "Funding bid", "version": milestone.version})
    assert (milestone.due_kind, milestone.due_on) == (DueKind.TBD, None)
    revision = milestone.revisions[0]
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    refused = client.post(f"/revisions/{revision.id}/decide", data={"decision": "reject", "note": ""})
    assert "Explain why the revised date is rejected" in page(refused)
    client.post(f"/revisions/{revision.id}/decide", data={"decision": "reject", "note": "Date must hold"})
    assert (milestone.due_kind, milestone.due_on, revision.decision) == (DueKind.DATE, date(2020, 9, 30),
                                                                         RevisionDecision.REJECTED)


def test_revision_form_errors_sit_next_to_fields(owner_client, plan_tree):
    response = owner_client.post(f"/milestones/{plan_tree['milestone'].id}/revise", data={
        "due_kind": "month", "due_month": "Smarch 2020", "reason": "capacity", "reason_text": "Keep this text",
        "version": plan_tree["milestone"].version})
    html = page(response)
    assert "is not a month such as" in html and "Keep this text" in html and "Smarch 2020" in html
    assert plan_tree["milestone"].revisions == []


def test_programme_managers_own_revision_is_accepted_at_once(client, login, plan_tree, make_person):
    milestone = plan_tree["milestone"]
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    client.post(f"/milestones/{milestone.id}/revise", data={
        "due_kind": "phased", "phases": "Phase 1 30/10/2020\nPhase 2 30/11/2020", "reason": "scope_change",
        "reason_text": "Split in two", "version": milestone.version})
    assert milestone.revisions[0].decision == RevisionDecision.ACCEPTED
    assert [p.label for p in milestone.phases] == ["Phase 1", "Phase 2"] and milestone.due_on == date(2020, 11, 30)


def test_set_rating_needs_a_reason_and_keeps_the_suggestion(owner_client, plan_tree):
    milestone = plan_tree["milestone"]
    refused = owner_client.post(f"/milestones/{milestone.id}/rating",
                                data={"rating": "GREEN", "reason": "", "version": milestone.version})
    assert "Explain why you are setting this rating" in page(refused) and milestone.rag_set is None
    owner_client.post(f"/milestones/{milestone.id}/rating",
                      data={"rating": "GREEN", "reason": "Delivered early in practice", "version": milestone.version})
    assert milestone.rag_set == Rating.GREEN
    html = page(owner_client.get(f"/milestones/{milestone.id}"))
    assert "Delivered early in practice" in html and "Suggested:" in html and "on track" in html


def test_concurrent_edit_is_refused_with_a_clear_message(owner_client, plan_tree, db):
    milestone = plan_tree["milestone"]
    stale_version = milestone.version
    milestone.deliverable = "Changed by someone else"
    db.session.commit()
    response = owner_client.post(f"/milestones/{milestone.id}/complete",
                                 data={"completed_on": date_parts("29/07/2020"), "version": stale_version})
    assert "changed by someone else" in page(response)
    assert 'value="29"' in page(response)
    assert milestone.status == MilestoneStatus.IN_PROGRESS


def test_evidence_type_is_checked_against_content(app, owner_client, plan_tree, tmp_path):
    from io import BytesIO

    milestone = plan_tree["milestone"]
    fake = owner_client.post(f"/milestones/{milestone.id}/evidence/new",
                             data={"file": (BytesIO(b"MZ\x90 not a pdf"), "report.pdf"), "description": "x"},
                             content_type="multipart/form-data")
    assert "is not a .pdf file" in page(fake)
    wrong_type = owner_client.post(f"/milestones/{milestone.id}/evidence/new",
                                   data={"file": (BytesIO(b"#!/bin/sh"), "script.sh")}, content_type="multipart/form-data")
    assert "The file must be one of" in page(wrong_type)
    app.config["EVIDENCE_MAX_BYTES"] = 10
    too_big = owner_client.post(f"/milestones/{milestone.id}/evidence/new",
                                data={"file": (BytesIO(b"%PDF-1.4 " + b"x" * 20), "big.pdf")},
                                content_type="multipart/form-data")
    assert "smaller than" in page(too_big)
    app.config["EVIDENCE_MAX_BYTES"] = 1024 * 1024
    ok = owner_client.post(f"/milestones/{milestone.id}/evidence/new",
                           data={"file": (BytesIO(b"%PDF-1.4 minutes"), "Board minutes.pdf"), "description": "Minutes"},
                           content_type="multipart/form-data")
    assert ok.status_code == 302
    [item] = milestone.evidence
    download = owner_client.get(f"/evidence/{item.id}")
    assert download.data == b"%PDF-1.4 minutes" and "Board minutes.pdf" in download.headers["Content-Disposition"]


def test_rejecting_restores_phases_and_problems_as_written(client, login, plan_tree, make_person, db):
    milestone = plan_tree["milestone"]
    milestone.due_raw = "<p>Phase 1 30/09/20</p><p>Phase 2 31/11/20</p>"
    db.session.commit()
    login(plan_tree["owner"])
    client.post(f"/milestones/{milestone.id}/revise", data={
        "due_kind": "ongoing", "review_date": date_parts("31/12/2020"), "reason": "other", "reason_text": "Fix",
        "version": milestone.version})
    assert (milestone.due_kind, milestone.due_raw) == (DueKind.ONGOING, "31/12/2020 and ongoing")
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    client.post(f"/revisions/{milestone.revisions[0].id}/decide", data={"decision": "reject", "note": "No"})
    assert milestone.due_kind == DueKind.PHASED and len(milestone.phases) == 2
    assert "November 2020 has 30 days" in milestone.due_problem


def test_imported_revision_without_earlier_date_cannot_be_rejected(client, login, plan_tree, make_person, db):
    from app.models import DueDateRevision, RevisionReason
    from tests.conftest import NOW

    milestone = plan_tree["milestone"]
    revision = DueDateRevision(milestone=milestone, old_kind=None, new_kind=DueKind.DATE, new_raw="Revised 30/09/20",
                               reason=RevisionReason.OTHER, reason_text="Imported", proposed_at=NOW)
    db.session.add(revision)
    db.session.commit()
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    response = client.post(f"/revisions/{revision.id}/decide", data={"decision": "reject", "note": "No"})
    assert response.status_code == 200 and "earlier date was not recorded" in page(response)
    assert revision.decision == RevisionDecision.PROPOSED


def test_after_a_conflict_saving_again_applies_the_change(owner_client, plan_tree, db):
    milestone = plan_tree["milestone"]
    stale_version = milestone.version
    milestone.deliverable = "Changed by someone else"
    db.session.commit()
    first = owner_client.post(f"/milestones/{milestone.id}/rating",
                              data={"rating": "RED", "reason": "Slipping", "version": stale_version})
    assert "changed by someone else" in page(first) and f'value="{milestone.version}"' in page(first)
    owner_client.post(f"/milestones/{milestone.id}/rating",
                      data={"rating": "RED", "reason": "Slipping", "version": milestone.version})
    assert milestone.rag_set == Rating.RED


def test_two_managers_deciding_the_same_revision_at_once(db, plan_tree, make_person):
    from sqlalchemy import update

    from app.models import DueDateRevision, RevisionReason
    from app.services.errors import ConflictError
    from app.services.plans import changes as plan_changes
    from tests.conftest import NOW

    revision = DueDateRevision(milestone=plan_tree["milestone"], old_kind=DueKind.DATE, old_raw="30/09/20",
                               new_kind=DueKind.DATE, new_raw="31/12/20", reason=RevisionReason.OTHER,
                               reason_text="x", proposed_at=NOW)
    db.session.add(revision)
    db.session.commit()
    first, second = make_person("First Manager", Role.PROGRAMME_MANAGER), make_person("Second", Role.PROGRAMME_MANAGER)
    db.session.execute(update(DueDateRevision).where(DueDateRevision.id == revision.id)  # first manager's decision
                       .values(decision=RevisionDecision.ACCEPTED, decided_by_id=first.id, version=revision.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(ConflictError):
        plan_changes.decide_revision(revision, accept=False, note="Reject", actor=second, now=NOW)
    db.session.expire_all()  # the second manager's rejection was not applied over the first decision
    assert revision.decision != RevisionDecision.REJECTED and revision.decided_by_id != second.id


def test_every_problem_in_a_revision_is_shown_at_once(owner_client, plan_tree):
    response = owner_client.post(f"/milestones/{plan_tree['milestone'].id}/revise", data={
        "due_kind": "tbd", "due_reason": "", "reason_text": "", "version": plan_tree["milestone"].version})
    html = page(response)
    for message in ("Say why the date is to be decided", "Select the main reason for the change",
                    "Explain why the date needs to change"):
        assert message in html


def test_boxes_of_a_choice_not_taken_are_ignored(owner_client, plan_tree):
    milestone = plan_tree["milestone"]
    response = owner_client.post(f"/milestones/{milestone.id}/revise", data={
        "due_kind": "tbd", "due_reason": "Awaiting the funding decision", "due_date": ["31", "", ""],
        "reason": "dependency", "reason_text": "Funding", "version": milestone.version})
    assert response.status_code == 302
    assert (milestone.due_kind, milestone.due_note) == (DueKind.TBD, "Awaiting the funding decision")


def test_latest_update_date_moves_forward_only_and_is_not_an_edit(owner_client, plan_tree, db):
    milestone = plan_tree["milestone"]
    version = milestone.version
    for written in ("20/07/2020", "01/07/2020"):
        owner_client.post(f"/milestones/{milestone.id}/updates/new", data={"written_on": date_parts(written), "body": "x"})
    db.session.expire_all()
    assert milestone.latest_update_on == date(2020, 7, 20)
    assert milestone.version == version  # others' open forms for this milestone stay valid


def test_a_revised_due_date_reads_as_sentences_in_the_history(owner_client, plan_tree, login, make_person):
    """The owner moves the date through the page as served, a programme manager accepts it: the milestone's history
    says so in words, with who did it and when."""
    milestone = plan_tree["milestone"]
    url = f"/milestones/{milestone.id}/revise"
    data = page_form(page(owner_client.get(url)), url)
    data["due_kind"], data["reason"], data["reason_text"] = "date", "capacity", "The team lost two posts"
    data.setlist("due_date", ["31", "10", "2020"])
    assert owner_client.post(url, data=data).status_code == 302
    client = login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    url = f"/revisions/{milestone.revisions[0].id}/decide"
    data = page_form(page(client.get(url)), url)
    data["decision"] = "accept"
    assert client.post(url, data=data).status_code == 302

    for shown in (page(client.get(f"/milestones/{milestone.id}")), page(client.get(f"/actions/{milestone.action_id}"))):
        assert "Due date changed from 30 September 2020 to 31 October 2020" in shown
        assert "Revised date accepted: 31 October 2020" in shown
        assert "Milestone, changed by Pat Manager" in shown and "Milestone, changed by Olive Owner" in shown
        assert "due raw" not in shown and "due kind" not in shown and "→" not in shown
