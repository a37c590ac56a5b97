"""An administrator removes someone's second factor when they have lost their phone and their recovery codes."""

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.admin import bp
from app.models import Person
from app.services import second_factor
from app.web import applied, get_or_404


@bp.route("/people/<int:person_id>/second-factor/remove", methods=["POST"])
def remove_second_factor(person_id: int):
    person = get_or_404(Person, person_id)
    if FlaskForm().validate_on_submit() and applied(None, lambda: second_factor.remove_for(person, actor=current_user)):
        flash(f"{person.name}'s second factor is removed. They can sign in with their password and set up a new one.",
              "success")
    return redirect(url_for("admin.edit_person", person_id=person.id))
