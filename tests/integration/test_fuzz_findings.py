"""What the fuzz test (test_fuzz.py) found, each pinned by its own test: a date sent in the wrong number of boxes,
deleting a meeting a report was made for, numbers larger than the database holds, and control characters (NUL)
that neither PostgreSQL nor a Word document can hold."""

from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from app.models import AuditRound, Meeting, Milestone, ProgressUpdate, Report, ReportKind, Role
from app.services.plain_text import without_control_characters
from tests.integration.served_form import page_form
from tests.integration.test_permissions import a_meeting


@pytest.mark.parametrize("parts", [["31", "07"], ["31", "07", "2020", "1"], ["31"]])
def test_a_date_sent_in_too_few_or_too_many_boxes_is_refused_next_to_it(client, login, plan_tree, parts):
    login(plan_tree["owner"])
    response = client.post(f"/milestones/{plan_tree['milestone'].id}/updates/new",
                           data=MultiDict([*(("written_on", part) for part in parts), ("body", "Audit done")]))
    assert response.status_code == 200
    assert "Enter the day, month and year" in response.get_data(as_text=True)
    assert plan_tree["milestone"].updates == []


@pytest.mark.parametrize("parts", [["", ""], ["", "", "", ""]])
def test_an_optional_date_sent_in_the_wrong_number_of_empty_boxes_is_shown_as_three(client, login, make_person,
                                                                                     plan_tree, parts):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    response = client.get(f"/actions/{plan_tree['action'].id}/milestones/new")
    sent = page_form(response.get_data(as_text=True), f"/actions/{plan_tree['action'].id}/milestones/new")
    sent.setlist("review_date", parts)
    response = client.post(f"/actions/{plan_tree['action'].id}/milestones/new", data=sent)
    assert response.status_code in (200, 302)


def test_a_meeting_a_report_was_made_for_is_kept_with_a_reason(client, login, make_person, plan_tree, db):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    meeting = a_meeting(db)
    db.session.add(Report(kind=ReportKind.PLAN_PROGRESS, title="Plan report", plan_id=plan_tree["plan"].id,
                          meeting_id=meeting.id, as_at=meeting.held_on, details={}, data={}, document=b"docx",
                          document_sha256="0" * 64, problems=[], generated_at=datetime(2020, 7, 31)))
    db.session.commit()
    response = client.post(f"/meetings/{meeting.id}/delete", data={"version": str(meeting.version)})
    assert response.status_code == 200
    assert "has 1 report made for it, so it is kept" in response.get_data(as_text=True)
    assert db.session.get(Meeting, meeting.id) is not None


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("sample_size", str(10**30), "Choose between 1 and 500 cases"),
    ("sample_size", "-3", "Enter how many cases as a whole number, like 20"),
    ("seed", str(10**30), "The random seed must be between 0 and 2,147,483,647"),
    ("seed", "١٢", "The random seed must be a whole number, like 7"),
])
def test_a_number_no_database_holds_is_refused_next_to_its_field(client, login, make_person, db, field, typed,
                                                                  message):
    login(make_person("Quinn QA", Role.QA_LEAD))
    sent = page_form(client.get("/audits/rounds/new").get_data(as_text=True), "/audits/rounds/new")
    for name, value in {"kind": "routine", "month": "March 2021", "title": "March 2021", "sample_size": "3",
                        field: typed}.items():
        sent[name] = value
    response = client.post("/audits/rounds/new", data=sent)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True) and typed in response.get_data(as_text=True)
    assert db.session.query(AuditRound).count() == 0


def test_a_page_sent_back_with_an_impossible_version_is_refused_not_an_error(client, login, make_person, plan_tree,
                                                                              db):
    login(make_person("Pat Manager", Role.PROGRAMME_MANAGER))
    url = f"/milestones/{plan_tree['milestone'].id}/edit"
    sent = page_form(client.get(url).get_data(as_text=True), url)
    sent["version"], sent["deliverable"] = str(10**30), "Renamed"
    response = client.post(url, data=sent)
    assert response.status_code in (200, 409)
    assert db.session.get(Milestone, plan_tree["milestone"].id).deliverable != "Renamed"


def test_control_characters_typed_are_dropped_and_the_rest_kept(client, login, plan_tree, db):
    login(plan_tree["owner"])
    url = f"/milestones/{plan_tree['milestone'].id}/updates/new"
    sent = page_form(client.get(url).get_data(as_text=True), url)
    sent.setlist("written_on", ["31", "7", "2020"])
    sent["body"] = "Audit\x00 done\x0b on time,\r\nand filed\tthe same day"
    client.post(url, data=sent)
    assert db.session.query(ProgressUpdate.body).scalar() == "Audit done on time,\r\nand filed\tthe same day"


def test_control_characters_in_a_search_are_dropped(client, login, plan_tree):
    login(plan_tree["owner"])
    response = client.get("/plan/milestones", query_string={"q": "Aud\x00it\x1f"})
    assert response.status_code == 200
    assert 'value="Audit"' in response.get_data(as_text=True)


def test_only_characters_no_text_may_hold_are_dropped():
    assert without_control_characters("a\x00b\x08c\x0b\x0c\x0e\x1fd\ufffe\uffff") == "abcd"
    assert without_control_characters("tab\tline\nreturn\r é ✓ 🙂 \x7f \u202e") == "tab\tline\nreturn\r é ✓ 🙂 \x7f \u202e"
