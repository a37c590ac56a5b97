"""Administrators manage people (including groups and placeholders) and teams: the same add-or-edit page for both."""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.forms import PersonForm, TeamForm
from app.admin.routes.set_up_links import save_then_invite
from app.clock import now
from app.models import Person, SessionEnd, Team
from app.services import people as people_service
from app.services import sessions
from app.services.history import changes_to
from app.services.wording import plural
from app.web import applied, get_or_404, list_query


@bp.route("/people")
def people():
    listing = people_service.people_page(list_query(people_service.PEOPLE_SORTS, "name"))
    return render_template("admin/people.html", listing=listing, roles=people_service.role_labels(listing.items))


@bp.route("/teams")
def teams():
    listing = people_service.teams_page(list_query(people_service.TEAM_SORTS, "name"))
    return render_template("admin/teams.html", listing=listing)


@bp.route("/people/new", methods=["GET", "POST"])
@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit_person(person_id: int | None = None):
    person, form = _opened(Person, person_id, PersonForm)
    form.team_id.choices = people_service.team_choices("No team")
    form.line_manager_id.choices = people_service.person_choices("No line manager", leaving_out=person_id)
    if request.method == "GET" and person_id:
        form.team_id.data = person.team_id or 0
        form.line_manager_id.data = person.line_manager_id or 0
    return _edit_page(form, person, person_id, "person", "admin.people", save_then_invite(
        person, lambda: people_service.save_person(person, **form.values, version=form.version.data,
                                                   actor=current_user, now=now()), is_new=person_id is None))


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
def edit_team(team_id: int | None = None):
    team, form = _opened(Team, team_id, TeamForm)
    return _edit_page(form, team, team_id, "team", "admin.teams", lambda: people_service.save_team(
        team, form.name.data, version=form.version.data, actor=current_user, now=now()))


def _opened(model: type[Person] | type[Team], record_id: int | None, form_class):
    """The record to edit (a new one to add) and its form, filled from the record when the page is opened."""
    record = get_or_404(model, record_id) if record_id else model()
    return record, form_class(obj=record if request.method == "GET" and record_id else None)


def _edit_page(form, record: Person | Team, record_id: int | None, noun: str, listing: str,
               save: Callable[[], None]):
    """Save, then back to the list; else the form (with why a save was refused) and the record's changes."""
    if form.validate_on_submit() and applied(form, save, record if record_id else None):
        flash(f"{record.name} is saved", "success")
        return redirect(url_for(listing))
    return render_template("admin/person.html" if noun == "person" else "_form_page.html", form=form, record=record,
                           title=f"Edit {noun}" if record_id else f"Add a {noun}",
                           cancel_url=url_for(listing), changes=changes_to({noun: [record_id]}) if record_id else None,
                           related_links=[("Hand over this person's work", url_for("admin.hand_over", person_id=record_id)),
                                          ("Where this person is signed in", url_for("admin.person_sessions",
                                                                                     person_id=record_id))]
                           if noun == "person" and record_id else [])


@bp.route("/people/<int:person_id>/sessions")
def person_sessions(person_id: int):
    """Where a person is signed in, with a button to sign them out everywhere (docs/security.md, "Sessions")."""
    person = get_or_404(Person, person_id)
    return render_template("auth/sessions.html", person=person, rows=sessions.open_sessions(person, now=now()),
                           is_this_browser=sessions.is_this_browser, own=False)


@bp.route("/people/<int:person_id>/sessions/end", methods=["POST"])
def end_person_sessions(person_id: int):
    person = get_or_404(Person, person_id)
    ended = sessions.end_all(person, reason=SessionEnd.ENDED_BY_ADMINISTRATOR, actor=current_user, now=now())
    flash(f"{person.name} is signed out everywhere ({plural(ended, 'session')} ended)", "success")
    return redirect(url_for("admin.person_sessions", person_id=person.id))
