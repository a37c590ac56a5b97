"""Every form post once (issue 18, "It must show": the same form posted twice stores once). Each form page carries a
submission id; a second post of the same page, a retry after a lost answer or a double click, saves nothing and is
answered with the first post's redirect and "This was already saved". Forms are posted as the page serves them."""

from datetime import datetime
from io import BytesIO
from unittest.mock import patch

from sqlalchemy import func, select

from app.models import Action, AuditRecord, Evidence, FormSubmission, Milestone, ProgressUpdate, Role
from app.scheduler import build_scheduler
from app.services import submissions
from tests.integration.audit_setting import allocated_audit
from tests.integration.served_form import page_form

ALREADY = "This was already saved"


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def served(client, address: str, **typed):
    form = page_form(client.get(address).get_data(as_text=True), address)
    assert form.get(submissions.FIELD), "the page serves a submission id"
    for name, value in typed.items():
        form.setlist(name, value if isinstance(value, list) else [value])
    return form


def posted_twice(client, address: str, form, **options):
    first = client.post(address, data=form, **options)
    second = client.post(address, data=form, **options)
    return first, second


def test_an_update_sent_twice_is_stored_once_and_the_copy_answered_like_the_first(plan_tree, login, client, db):
    login(plan_tree["owner"])
    address = f"/milestones/{plan_tree['milestone'].id}/updates/new"
    first, second = posted_twice(client, address, served(client, address, body="Audit tool agreed"))
    assert first.status_code == second.status_code == 302 and second.location == first.location
    assert count(db, ProgressUpdate) == 1
    assert ALREADY in client.get(second.location).get_data(as_text=True)


def test_each_page_served_is_its_own_submission(plan_tree, login, client, db):
    login(plan_tree["owner"])
    address = f"/milestones/{plan_tree['milestone'].id}/updates/new"
    client.post(address, data=served(client, address, body="First update"))
    client.post(address, data=served(client, address, body="Second update"))
    assert count(db, ProgressUpdate) == 2  # two pages, two updates: only a copy of one post is refused


def test_a_refused_post_corrected_and_sent_again_is_saved(plan_tree, login, client, db):
    login(plan_tree["owner"])
    address = f"/milestones/{plan_tree['milestone'].id}/updates/new"
    form = served(client, address, body="   ")
    refused = client.post(address, data=form)
    assert refused.status_code == 200 and "Enter the progress update" in refused.get_data(as_text=True)
    again = page_form(refused.get_data(as_text=True), address)
    assert again[submissions.FIELD] == form[submissions.FIELD]  # nothing was saved: the same submission
    again["body"] = "Audit tool agreed"
    assert client.post(address, data=again).status_code == 302 and count(db, ProgressUpdate) == 1


def test_evidence_uploaded_twice_is_stored_once(app, plan_tree, login, client, db, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    login(plan_tree["owner"])
    address = f"/milestones/{plan_tree['milestone'].id}/evidence/new"
    form = served(client, address, description="Minutes")
    answers = [client.post(address, data={**form.to_dict(), "file": (BytesIO(b"%PDF-1.4 minutes"), "minutes.pdf")},
                           content_type="multipart/form-data") for _ in range(2)]
    assert [answer.status_code for answer in answers] == [302, 302] and answers[0].location == answers[1].location
    assert count(db, Evidence) == 1


def test_a_new_milestone_sent_twice_is_added_once(plan_tree, login, client, make_person, db):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    address = f"/actions/{plan_tree['action'].id}/milestones/new"
    form = served(client, address, deliverable="Policy published", responsible_id=str(plan_tree["owner"].id),
                  due_kind="date", due_date=["30", "9", "2020"])
    first, second = posted_twice(client, address, form)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert second.status_code == 302 and second.location == first.location
    action = db.session.get(Action, plan_tree["action"].id)
    assert [m.deliverable for m in action.milestones].count("Policy published") == 1
    assert count(db, Milestone) == 2


def test_an_audit_draft_saved_twice_is_saved_once_without_a_false_conflict(db, make_person, login, client):
    setting = allocated_audit(db, make_person)
    login(setting["auditor"])
    address = f"/audits/{setting['audit'].id}/edit"
    form = served(client, address, allocated_worker="Sam Worker")
    first, second = posted_twice(client, address, form)
    assert first.status_code == 302, first.get_data(as_text=True)[:500]
    assert second.status_code == 302 and second.location == first.location  # not "changed by someone else"
    assert ALREADY in client.get(second.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(AuditRecord.allocated_worker)) == "Sam Worker"


def test_two_posts_of_one_form_at_the_same_moment_store_once(plan_tree, login, client, db):
    """Both posts pass the first look-up before either is saved (a double click): the second's commit meets the first
    one's submission id (the table's key), its update is rolled back, and it is answered like the first."""
    login(plan_tree["owner"])
    address = f"/milestones/{plan_tree['milestone'].id}/updates/new"
    form = served(client, address, body="Audit tool agreed")
    first = client.post(address, data=form)
    real, looked = submissions._refuse_if_saved, []

    def not_yet_saved_at_first(submitted):  # the first look-up ran before the first post was committed
        looked.append(submitted)
        if len(looked) > 1:
            real(submitted)

    with patch.object(submissions, "_refuse_if_saved", not_yet_saved_at_first):
        second = client.post(address, data=form)
    assert len(looked) == 2 and second.status_code == 302 and second.location == first.location
    assert count(db, ProgressUpdate) == 1


def test_saved_form_posts_are_forgotten_after_a_day(app, db):
    db.session.add_all([FormSubmission(key="a" * 64, created_at=datetime(2020, 7, 30, 11, 0)),
                        FormSubmission(key="b" * 64, created_at=datetime(2020, 7, 31, 9, 0))])
    db.session.commit()
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    with patch("app.scheduler.as_of_now", return_value=datetime(2020, 7, 31, 12, 0)):
        jobs["forget-form-posts"].func()
    assert [row.key[0] for row in db.session.scalars(select(FormSubmission))] == ["b"]
