"""An owner downloads their own update pack from My work, through HTTP as the browser does: made now from the current
data, for the next meeting with an update deadline, with their milestones and no one else's; the download is recorded
as an export in the security event log."""

from datetime import date

from sqlalchemy import select

from app.models import SecurityEvent, SecurityEventKind
from tests.integration.test_reminder_emails import board_before_its_update_deadline
from tests.integration.test_update_pack_base import owned, pack_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_my_work_links_to_the_pack_and_it_has_my_milestones_for_the_next_meeting(client, login, db, plan_tree,
                                                                                 make_person):
    """The tests' service date is Friday 31/07/2020 (AS_OF_DATE)."""
    board_before_its_update_deadline(db)  # held 30/09/2020, updates by 10/09/2020
    olive, action = plan_tree["owner"], plan_tree["action"]
    rita = make_person("Rita Responsible")
    owned(db, action, "Olive's audit tool agreed", olive, date(2020, 8, 3))
    owned(db, action, "Rita's practice standards published", rita, date(2020, 9, 2))
    login(olive)
    page = client.get("/my-work").get_data(as_text=True)
    assert 'href="/my-work/update-pack.docx">Download your update pack (Word)</a>' in page

    response = client.get("/my-work/update-pack.docx")
    assert response.status_code == 200 and response.content_type == DOCX
    assert response.headers["Content-Disposition"] == 'attachment; filename="update-pack-2020-09-30.docx"'
    assert response.headers["Cache-Control"] == "private, no-store"
    text = pack_text(response.data)
    assert "Update pack: Olive Owner" in text and "For the Improvement Board on 30 September 2020." in text
    assert "Olive's audit tool agreed" in text and "Supervision audit completed" in text  # the fixture's, hers too
    assert "Rita's" not in text
    [event] = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == SecurityEventKind.EXPORTED))
    assert (event.person_id, event.detail) == (olive.id, "Update pack of Olive Owner, 2 open milestones")


def test_the_pack_is_made_from_the_data_as_it_is_now(client, login, db, plan_tree):
    board_before_its_update_deadline(db)
    olive, action = plan_tree["owner"], plan_tree["action"]
    login(olive)
    assert "Added after the first download" not in pack_text(client.get("/my-work/update-pack.docx").data)
    owned(db, action, "Added after the first download", olive, date(2020, 10, 1))
    assert "Added after the first download" in pack_text(client.get("/my-work/update-pack.docx").data)


def test_with_no_meeting_coming_up_the_pack_asks_to_keep_milestones_up_to_date(client, login, db, plan_tree):
    login(plan_tree["owner"])
    response = client.get("/my-work/update-pack.docx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="update-pack-2020-07-31.docx"'
    assert "Please keep your milestones up to date" in pack_text(response.data)


def test_signed_out_the_pack_is_not_given(client, db, plan_tree):
    response = client.get("/my-work/update-pack.docx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
