"""Adding many rows at once (app.database.add_rows_ignoring_duplicates: COPY on PostgreSQL, an executemany on
SQLite), as a first sweep adds its notices: every row stored as given, typed values (the kinds, states, dates) read
back as they went in, and a row another transaction wrote first left as it was. Run on both databases."""

from datetime import date, datetime

from sqlalchemy import func, select

from app.database import add_rows_ignoring_duplicates
from app.models import EmailState, NoticeKind, Notification, SubjectType

NOW = datetime(2020, 9, 10, 7)


def notice(recipient_id: int, subject_id: int, title: str) -> dict:
    return {"recipient_id": recipient_id, "kind": NoticeKind.OVERDUE, "subject_type": SubjectType.MILESTONE,
            "subject_id": subject_id, "due_on": date(2020, 9, 30), "occurrence": 0, "title": title,
            "body": "Tab\tand line\nbreak, a back\\slash and ‘quotes’", "link": f"/milestones/{subject_id}",
            "update_link": None, "created_at": NOW, "attempts": 0, "email_state": EmailState.PENDING}


def test_many_rows_are_stored_as_given_and_one_already_there_is_left_as_it_was(plan_tree, db):
    owner = plan_tree["owner"]
    add_rows_ignoring_duplicates(Notification.__table__, [notice(owner.id, 7, "Written first")])
    db.session.commit()
    rows = [notice(owner.id, subject_id, f"Notice {subject_id}") for subject_id in range(1, 1500)]

    add_rows_ignoring_duplicates(Notification.__table__, rows)
    add_rows_ignoring_duplicates(Notification.__table__, [notice(owner.id, 5000, "Later in the same transaction")])
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(Notification)) == len(rows) + 1
    assert db.session.scalar(select(Notification.title).where(Notification.subject_id == 7)) == "Written first"
    stored = db.session.scalar(select(Notification).where(Notification.subject_id == 1234))
    assert (stored.title, stored.kind, stored.subject_type, stored.email_state, stored.due_on, stored.created_at,
            stored.body, stored.update_link) == (
        "Notice 1234", NoticeKind.OVERDUE, SubjectType.MILESTONE, EmailState.PENDING, date(2020, 9, 30), NOW,
        "Tab\tand line\nbreak, a back\\slash and ‘quotes’", None)


def test_no_rows_add_nothing(plan_tree, db):
    add_rows_ignoring_duplicates(Notification.__table__, [])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
