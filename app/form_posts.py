"""Form posts as a person would want them (decision 0012; docs/architecture.md):

- Every form post once (app.services.submissions holds the rule): a form's change is run through `run_once` (by
  app.web.applied); a copy of a saved post is answered with the first post's redirect and "This was already
  saved"; the redirect a saved post answered is kept for its copies.
- No read after a commit: the answer to a saved change is built from what was read before it; `id_of` gives a
  record's id without reading it again (after the commit every record is expired)."""

import logging

from flask import Flask, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import inspect

from app.clock import now
from app.services import submissions

log = logging.getLogger(__name__)

ALREADY_SAVED = "This was already saved. It has not been saved again."


def register(app: Flask) -> None:
    app.register_error_handler(submissions.AlreadySaved, _answer_again)
    app.after_request(_keep_the_answer)


def run_once(form, change) -> None:
    """Run a form's change, once per submission id the page served (forms without one: simply run)."""
    field = getattr(form, submissions.FIELD, None)
    if field is None:
        change()
        return
    person_id = current_user.id if current_user.is_authenticated else None
    g.submitted = submissions.once(request.form.get(submissions.FIELD), person_id, change, now=now())


def just_saved(submission_id: str) -> bool:
    """True if this request saved the submission with this id: a form shown again after it (a later step refused)
    takes a new id, so that sending it again is a new submission."""
    person_id = current_user.id if current_user.is_authenticated else None
    return g.get("submitted") == submissions.key(submission_id, person_id)


def _answer_again(error: submissions.AlreadySaved):
    flash(ALREADY_SAVED, "success")
    return redirect(error.answer or url_for("main.index"))


def _keep_the_answer(response):
    submitted = g.pop("submitted", None)
    if submitted and response.status_code in (301, 302, 303) and response.location:
        try:
            submissions.note_answer(submitted, response.location)
        except Exception:  # the change is saved and answered; a copy then goes to My work instead
            log.exception("Could not keep the answer to a saved form")
    return response



def id_of(record) -> int:
    """A saved record's id, from the session's identity map: no read from the database, even after the commit."""
    return inspect(record).identity[0]
