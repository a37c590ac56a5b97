"""A person's notices, their e-mail preference and their calendar feed, through the pages."""

import hashlib
import re
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.models import (
    Action,
    Audit,
    AuditState,
    ChangeRecord,
    DueKind,
    EmailPreference,
    EmailState,
    Milestone,
    MilestoneStatus,
    NoticeKind,
    Notification,
    PoolCase,
    RecommendationStatus,
    SmartRecommendation,
    SubjectType,
)
from tests.conftest import NOW
from tests.integration.audit_setting import allocated_audit

UNREAD_IN_HEADER = 'Notifications ({}<span class="govuk-visually-hidden"> unread</span>)'


def notice(db, person, title: str, *, minutes_ago: int = 0, read: bool = False, milestone=None) -> Notification:
    """A notice as the sweep writes it; about a milestone (with its update link) if one is given."""
    subject_id = milestone.id if milestone else 1
    made = Notification(recipient=person, kind=NoticeKind.DUE_SOON,
                        subject_type=SubjectType.MILESTONE if milestone else SubjectType.MEETING,
                        subject_id=subject_id, due_on=date(2020, 9, 30), occurrence=minutes_ago, title=title,
                        body=f"About {title}", link=f"/milestones/{subject_id}" if milestone else "/my-work",
                        update_link=f"/milestones/{subject_id}/updates/new" if milestone else None,
                        created_at=NOW - timedelta(minutes=minutes_ago), read_at=NOW if read else None,
                        email_state=EmailState.SENT)
    db.session.add(made)
    db.session.commit()
    return made


@pytest.fixture
def notices(db, plan_tree):
    owner, lead, milestone = plan_tree["owner"], plan_tree["lead"], plan_tree["milestone"]
    return {
        "newest": notice(db, owner, "Newest for Olive", minutes_ago=1, milestone=milestone),
        "older": notice(db, owner, "Older for Olive", minutes_ago=30),
        "read": notice(db, owner, "Already read by Olive", minutes_ago=60, read=True),
        "lees": notice(db, lead, "For Lee only", minutes_ago=2, milestone=milestone),
    }


def test_the_list_shows_only_your_own_notices_newest_first_with_the_unread_count(client, login, plan_tree,
                                                                                   notices):
    login(plan_tree["owner"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "For Lee only" not in page
    assert page.index("Newest for Olive") < page.index("Older for Olive") < page.index("Already read by Olive")
    assert page.count(">New</strong>") == 2  # the word, not only a colour
    assert UNREAD_IN_HEADER.format(2) in page
    assert "You have 2 unread notifications." in page
    assert "About Newest for Olive" in page and "31/07/2020 11:59" in page
    newest = notices["newest"]
    assert f'href="/notifications/{newest.id}/open"' in page
    assert f'href="/notifications/{newest.id}/open?to=update">Add a progress update' in page
    assert page.count("Add a progress update") == 1  # only the milestone notice has one
    assert "Mark all as read" in page


def test_the_unread_count_shows_on_every_page_and_costs_one_query(client, login, plan_tree, notices, db,
                                                                  count_queries):
    login(plan_tree["owner"])
    assert UNREAD_IN_HEADER.format(2) in client.get("/my-work").get_data(as_text=True)
    db.session.expire_all()  # the tests share the requests' session: start each request from the database
    with count_queries() as few:
        client.get("/notifications")
    for number in range(30):
        notice(db, plan_tree["owner"], f"More {number}", minutes_ago=100 + number)
    db.session.expire_all()
    with count_queries() as many:
        page = client.get("/notifications").get_data(as_text=True)
    assert UNREAD_IN_HEADER.format(32) in page
    assert many.count == few.count


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, login, plan_tree, notices, db):
    login(plan_tree["owner"])
    newest = notices["newest"]
    response = client.get(f"/notifications/{newest.id}/open")
    assert response.status_code == 302 and response.location == f"/milestones/{plan_tree['milestone'].id}"
    assert newest.read_at is not None
    assert UNREAD_IN_HEADER.format(1) in client.get("/notifications").get_data(as_text=True)
    response = client.get(f"/notifications/{notices['older'].id}/open?to=update")  # no update link: its own link
    assert response.location == "/my-work"
    response = client.get(f"/notifications/{newest.id}/open?to=update")
    assert response.location == f"/milestones/{plan_tree['milestone'].id}/updates/new"


def test_someone_elses_notice_is_not_found(client, login, plan_tree, notices):
    login(plan_tree["owner"])
    assert client.get(f"/notifications/{notices['lees'].id}/open").status_code == 404
    assert client.get("/notifications/999999/open").status_code == 404
    assert notices["lees"].read_at is None


def test_mark_all_as_read(client, login, plan_tree, notices):
    login(plan_tree["owner"])
    response = client.post("/notifications/read")
    assert response.status_code == 302 and response.location == "/notifications"
    assert all(notices[name].read_at is not None for name in ("newest", "older", "read"))
    assert notices["read"].read_at == NOW  # already read: left as it was
    assert notices["lees"].read_at is None
    page = client.get("/notifications").get_data(as_text=True)
    assert "All your notifications are marked as read" in page
    assert "unread</span>" not in page and ">New</strong>" not in page and "Mark all as read" not in page


def test_email_preference_is_saved_recorded_and_shown(client, login, plan_tree, db):
    owner = plan_tree["owner"]
    login(owner)
    page = client.get("/account/notifications").get_data(as_text=True)
    for preference in EmailPreference:
        assert preference.label in page
    assert "Escalations and safeguarding alerts are always e-mailed" in page
    assert re.search(r'value="each"\s+checked', page)
    response = client.post("/account/notifications", data={"email_preference": "weekly"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Saved" in page and re.search(r'value="weekly"\s+checked', page)
    assert owner.email_preference == EmailPreference.WEEKLY
    change = db.session.scalars(select(ChangeRecord).where(ChangeRecord.field == "email_preference")).one()
    assert (change.entity_id, change.old_value, change.new_value, change.changed_by) == (owner.id, "each", "weekly",
                                                                                        owner)


def test_email_preference_must_be_one_of_the_choices(client, login, plan_tree):
    login(plan_tree["owner"])
    response = client.post("/account/notifications", data={})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page and "Select how you want to get e-mails" in page
    response = client.post("/account/notifications", data={"email_preference": "hourly"})
    assert "There is a problem" in response.get_data(as_text=True)
    assert plan_tree["owner"].email_preference == EmailPreference.EACH


@pytest.fixture
def work(db, plan_tree, make_person):
    """Olive's open work: the milestone she is responsible for (30/09/2020), one she leads (15/10/2020), an audit
    recommendation she owns (20/08/2020) and an audit allocated to her (round March 2021: due 31/03/2021). And work
    that is not in her feed: completed, someone else's, a date that could not be read, a done recommendation and a
    submitted audit."""
    owner, lead = plan_tree["owner"], plan_tree["lead"]
    action = plan_tree["action"]

    def milestone(text: str, due_on: date | None, responsible, leads=(), **extra) -> Milestone:
        made = Milestone(action=action, deliverable=text, responsible=responsible, leads=list(leads),
                         status=extra.pop("status", MilestoneStatus.IN_PROGRESS), due_kind=DueKind.DATE,
                         due_on=due_on, due_raw="", **extra)
        db.session.add(made)
        return made

    led = milestone("Training delivered", date(2020, 10, 15), lead, [owner])
    done = milestone("Policy written", date(2020, 8, 1), owner, status=MilestoneStatus.COMPLETE,
                     completed_on=date(2020, 7, 1))
    others = milestone("Lee's own", date(2020, 8, 2), lead)
    unreadable = milestone("Date unreadable", date(2020, 8, 3), owner, due_problem="not a date")
    db.session.commit()
    setting = allocated_audit(db, make_person)
    audit = setting["audit"]
    audit.auditor_id = owner.id
    second = Audit(round_id=audit.round_id, case=PoolCase(reference="C0002", team=setting["north"], added_at=NOW),
                   tool_id=audit.tool_id, auditor_id=owner.id, state=AuditState.SUBMITTED, allocated_at=NOW)
    open_rec = SmartRecommendation(audit_id=audit.id, position=0, what="Update the child's plan", owner=owner,
                                   due_on=date(2020, 8, 20))
    done_rec = SmartRecommendation(audit_id=audit.id, position=1, what="Already done", owner=owner, due_on=date(2020, 8, 21),
                                   status=RecommendationStatus.DONE, done_on=date(2020, 8, 1))
    db.session.add_all([second, open_rec, done_rec])
    db.session.commit()
    return {"owned": plan_tree["milestone"], "led": led, "done": done, "others": others, "unreadable": unreadable,
            "audit": audit, "submitted": second, "recommendation": open_rec, "done_recommendation": done_rec}


def create_link(client, app) -> str:
    response = client.post("/account/calendar")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    assert "Keep this link private" in page
    match = re.search(r'value="(' + re.escape(app.config["BASE_URL"]) + r'/calendar/([A-Za-z0-9_-]{43})\.ics)"', page)
    assert match, "the page shows the new link in full"
    return match.group(2)


def test_calendar_feed_has_your_open_work_and_needs_no_sign_in(app, client, login, plan_tree, work, db):
    owner = plan_tree["owner"]
    login(owner)
    token = create_link(client, app)
    assert owner.calendar_token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept
    assert token not in client.get("/account/notifications").get_data(as_text=True)  # shown once
    client.post("/logout")

    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Improvement Tracker: Olive Owner"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    expected = {f"milestone-{work['owned'].id}@improvement-tracker": date(2020, 9, 30),
                f"milestone-{work['led'].id}@improvement-tracker": date(2020, 10, 15),
                f"recommendation-{work['recommendation'].id}@improvement-tracker": date(2020, 8, 20),
                f"audit-{work['audit'].id}@improvement-tracker": date(2021, 3, 31)}
    assert {uid: event.decoded("DTSTART") for uid, event in events.items()} == expected
    assert all(not isinstance(event.decoded("DTSTART"), datetime) for event in events.values())  # all-day
    owned = events[f"milestone-{work['owned'].id}@improvement-tracker"]
    assert str(owned["SUMMARY"]) == "Milestone due: 1.1 Supervision audit completed"
    url = f"{app.config['BASE_URL']}/milestones/{work['owned'].id}"
    assert str(owned["URL"]) == url and url in str(owned["DESCRIPTION"])
    assert "You lead" in str(events[f"milestone-{work['led'].id}@improvement-tracker"]["DESCRIPTION"])
    audit = events[f"audit-{work['audit'].id}@improvement-tracker"]
    assert str(audit["URL"]).endswith(f"/audits/{work['audit'].id}/edit") and "C0001" in str(audit["SUMMARY"])


def test_calendar_feed_takes_a_fixed_number_of_queries(app, client, login, plan_tree, work, db, count_queries):
    login(plan_tree["owner"])
    token = create_link(client, app)
    client.post("/logout")
    with count_queries() as few:
        client.get(f"/calendar/{token}.ics")
    for number in range(20):
        db.session.add(Milestone(action=db.session.get(Action, plan_tree["action"].id), deliverable=f"More {number}",
                                 responsible=plan_tree["owner"], status=MilestoneStatus.NOT_STARTED,
                                 due_kind=DueKind.DATE, due_on=date(2020, 11, 1) + timedelta(days=number), due_raw=""))
    db.session.commit()
    with count_queries() as many:
        response = client.get(f"/calendar/{token}.ics")
    assert len(Calendar.from_ical(response.data).walk("VEVENT")) == 24
    assert many.count == few.count <= 4


def test_a_replaced_or_revoked_link_is_not_found(app, client, login, plan_tree, work):
    login(plan_tree["owner"])
    first = create_link(client, app)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "You have a calendar link" in page and "Revoke the calendar link" in page
    second = create_link(client, app)
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second}.ics").status_code == 200
    response = client.post("/account/calendar/revoke", follow_redirects=True)
    assert "Your calendar link is revoked" in response.get_data(as_text=True)
    assert plan_tree["owner"].calendar_token_hash is None
    client.post("/logout")
    assert client.get(f"/calendar/{second}.ics").status_code == 404
    assert client.get("/calendar/made-up.ics").status_code == 404


def test_the_feed_stops_when_its_owner_can_no_longer_sign_in(app, client, login, plan_tree, db):
    login(plan_tree["owner"])
    token = create_link(client, app)
    plan_tree["owner"].active = False
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404
