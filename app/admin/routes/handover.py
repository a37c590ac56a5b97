"""Handing over a person's open work when they leave (administrators): see services/handover.py."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import HandoverForm
from app.clock import now
from app.models import Person
from app.services import handover, people
from app.web import applied, get_or_404


@bp.route("/people/<int:person_id>/handover", methods=["GET", "POST"])
def hand_over(person_id: int):
    person = get_or_404(Person, person_id)
    form = HandoverForm()
    form.receiver_id.choices = people.person_choices("Choose…", leaving_out=person_id)
    if form.validate_on_submit() and applied(form, lambda: handover.hand_over(
            person, people.find_person(form.receiver_id.data), actor=current_user, now=now())):
        flash(f"{person.name}'s open work is handed over to {people.find_person(form.receiver_id.data).name}",
              "success")
        return redirect(url_for("admin.edit_person", person_id=person_id))
    return render_template("admin/handover.html", person=person, work=handover.open_work(person), form=form,
                           title=f"Hand over {person.name}'s work")
