"""Administrators manage people (including groups and placeholders) and teams."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin.forms import PersonForm, TeamForm
from app.auth.decorators import admin_required
from app.clock import now
from app.extensions import db
from app.models import Person, PersonKind, Team
from app.services import people as people_service
from app.services.errors import DomainError
from app.services.history import changes_to
from app.web import get_or_404, show_error


@bp.before_request
@admin_required
def only_admins():
    return None


@bp.route("/people")
def people():
    everyone = db.session.scalars(select(Person).options(selectinload(Person.team), selectinload(Person.line_manager))
                                  .order_by(Person.name)).all()
    return render_template("admin/people.html", people=everyone)


@bp.route("/people/new", methods=["GET", "POST"])
@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit_person(person_id: int | None = None):
    person = get_or_404(Person, person_id) if person_id else Person()
    form = PersonForm(obj=person if request.method == "GET" and person_id else None)
    form.team_id.choices = [(0, "No team")] + [(t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))]
    form.line_manager_id.choices = [(0, "No line manager")] + [(pid, name) for pid, name in db.session.execute(
        select(Person.id, Person.name).where(Person.kind == PersonKind.INDIVIDUAL, Person.id != (person_id or 0))
        .order_by(Person.name))]
    if request.method == "GET" and person_id:
        form.team_id.data = person.team_id or 0
        form.line_manager_id.data = person.line_manager_id or 0
    if form.validate_on_submit():
        try:
            people_service.save_person(person, name=form.name.data, kind=form.kind.data, email=form.email.data,
                               job_title=form.job_title.data, organisation=form.organisation.data,
                               team_id=form.team_id.data, line_manager_id=form.line_manager_id.data,
                               role=form.role.data, active=form.active.data,
                               password=form.password.data, version=form.version.data, actor=current_user, now=now())
            flash(f"{person.name} is saved", "success")
            return redirect(url_for("admin.people"))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error, person if person_id else None)
    return render_template("_form_page.html", form=form, title="Edit person" if person_id else "Add a person",
                           cancel_url=url_for("admin.people"),
                           changes=changes_to({"person": [person_id]}) if person_id else None)


@bp.route("/teams")
def teams():
    all_teams = db.session.scalars(select(Team).options(selectinload(Team.members)).order_by(Team.name)).all()
    return render_template("admin/teams.html", teams=all_teams)


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
def edit_team(team_id: int | None = None):
    team = get_or_404(Team, team_id) if team_id else Team()
    form = TeamForm(obj=team if request.method == "GET" and team_id else None)
    if form.validate_on_submit():
        try:
            people_service.save_team(team, form.name.data, version=form.version.data, actor=current_user, now=now())
            flash(f"{team.name} is saved", "success")
            return redirect(url_for("admin.teams"))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error, team if team_id else None)
    return render_template("_form_page.html", form=form, title="Edit team" if team_id else "Add a team",
                           cancel_url=url_for("admin.teams"), changes=changes_to({"team": [team_id]}) if team_id else None)
