"""Administrators never type someone's password: a new person who can sign in is e-mailed a set-up link, and an
administrator can send a new one (the old link then stops working)."""

from collections.abc import Callable

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.admin import bp
from app.clock import now
from app.models import Person, TokenPurpose
from app.services import password_links
from app.web import applied, get_or_404


def save_then_invite(person: Person, save: Callable[[], None], *, is_new: bool) -> Callable[[], None]:
    """The save, then, for a new person who can sign in, their set-up e-mail."""
    def run() -> None:
        save()
        if is_new and password_links.can_be_sent_set_up_link(person):
            _sent(person)
    return run


@bp.route("/people/<int:person_id>/set-up-link", methods=["POST"])
def send_set_up_link(person_id: int):
    person = get_or_404(Person, person_id)
    if FlaskForm().validate_on_submit():
        applied(None, lambda: _sent(person))
    return redirect(url_for("admin.edit_person", person_id=person.id))


def _sent(person: Person) -> None:
    if password_links.send_set_up_link(person, actor=current_user, now=now()):
        flash(f"A set-up link is e-mailed to {person.email}. It works once, for "
              f"{password_links.lifetime(TokenPurpose.SET_UP).days} days.", "success")
    else:
        flash(f"The set-up e-mail to {person.email} could not be sent. Try again with “Send a new set-up link”, "
              "or check the mail settings.", "error")
