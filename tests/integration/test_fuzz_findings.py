"""What the fuzz test (test_fuzz.py) found, each pinned by its own test: a date sent in the wrong number of boxes,
and deleting a meeting a report was made for."""

from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from app.models import Meeting, Report, ReportKind, Role
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
