"""Every form post once (docs/architecture.md, "Every form post once"; decision 0012): a retried or double-clicked
submit never saves twice.

Each form page carries a random submission id (app.forms.SubmittedOnce). When a route runs the form's change through
app.web.applied, `once` first looks the id up: already saved, it raises AlreadySaved with the first post's answer,
and nothing is done. Otherwise the id is written in the same transaction as the change (the transaction rule's
commit adds it, app.services.transaction), so either both are saved or neither. Two posts at the same moment both
reach the commit; the id is the table's primary key, so the second commit fails, its change is rolled back, and it
too is answered AlreadySaved. Once the route has answered with a redirect, `note_answer` keeps where it sent the
person, so the copy is sent to the same place.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import FormSubmission
from app.services.transaction import before_commit, drop_before_commit, transaction

FIELD = "submission_id"
LONGEST_ID = 64  # what new_id() makes is 22 characters; anything longer was not made here and is ignored


class AlreadySaved(Exception):  # noqa: N818  (said as a person would: "this was already saved")
    """This submission was saved before: answer with `answer` (the first post's redirect), save nothing."""

    def __init__(self, answer: str | None):
        super().__init__("This was already saved")
        self.answer = answer


def new_id() -> str:
    return secrets.token_urlsafe(16)


def key(submission_id: str, person_id: int | None) -> str:
    return hashlib.sha256(f"{person_id or ''}:{submission_id}".encode()).hexdigest()


def usable(submission_id: str | None) -> bool:
    return bool(submission_id) and len(submission_id) <= LONGEST_ID


def once(submission_id: str | None, person_id: int | None, change: Callable[[], object], *, now: datetime) -> str | None:
    """Run `change` unless this submission was saved before (AlreadySaved). Answers the key written with the change
    (None if the post carried no usable id: the change is simply run)."""
    if not usable(submission_id):
        change()
        return None
    submitted = key(submission_id, person_id)
    _refuse_if_saved(submitted)
    before_commit(lambda: db.session.add(FormSubmission(key=submitted, person_id=person_id, created_at=now)))
    try:
        change()
    except IntegrityError:
        _refuse_if_saved(submitted)  # another post of the same form was saved a moment before this one
        raise
    finally:
        drop_before_commit()  # a change that saved nothing (no transaction) leaves nothing for a later commit
    return submitted


def _refuse_if_saved(submitted: str) -> None:
    saved = db.session.get(FormSubmission, submitted, populate_existing=True)
    if saved is not None:
        raise AlreadySaved(saved.answer)


@transaction("This form")
def note_answer(submitted: str, answer: str) -> None:
    """Where the first post sent the person, for any copy of it."""
    db.session.execute(update(FormSubmission).where(FormSubmission.key == submitted).values(answer=answer[:2000]))


@transaction("The saved forms")
@transaction("The saved form posts")
def forget_older_than(cutoff: datetime) -> int:
    """Copies come within seconds (a double click) or minutes (a retry): a day's ids are more than enough."""
    return db.session.execute(FormSubmission.__table__.delete().where(FormSubmission.created_at < cutoff)).rowcount
