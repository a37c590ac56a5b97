"""Programme managers keep the plan: areas, recommendations, actions, milestones and the RAG key."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.decorators import programme_manager_required
from app.clock import now
from app.extensions import db
from app.models import Action, Area, ImprovementArea, ImprovementAreaIdentification, Milestone, Person, Recommendation
from app.plans import bp
from app.plans.forms import (
    ActionForm,
    AreaForm,
    ImprovementAreaForm,
    MilestoneForm,
    NewMilestoneForm,
    PlanForm,
    RecommendationForm,
)
from app.plans.routes import current_plan
from app.services.errors import DomainError
from app.services.plans import changes as plan_changes
from app.services.plans.queries import changes_to
from app.web import get_or_404, show_error


def _saved(entity, values: dict, form, what: str) -> bool:
    """Save through the service; on a rule broken or a conflict, show it on the form and keep the input."""
    try:
        plan_changes.save(entity, values, version=form.version.data, actor=current_user, now=now(), what=what)
        return True
    except DomainError as error:
        db.session.rollback()
        show_error(form, error, entity)
        return False


def _render(form, title: str, cancel_url: str):
    return render_template("_form_page.html", form=form, title=title, cancel_url=cancel_url)


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_area(area_id: int | None = None):
    plan = current_plan()
    area = get_or_404(Area, area_id) if area_id else Area(plan_id=plan.id, position=plan_changes.next_position(plan.areas))
    form = AreaForm(obj=area if request.method == "GET" and area_id else None)
    if form.validate_on_submit():
        values = {"number": form.number.data.strip(), "title": form.title.data.strip(),
                  "summary": (form.summary.data or "").strip()}
        if _unique_number(Area, area, form.number, plan_id=plan.id) and _saved(area, values, form, "This area"):
            flash(f"Area {area.number} is saved", "success")
            return redirect(url_for("plans.area", area_id=area.id))
    return _render(form, "Edit area" if area_id else "Add an area",
                   url_for("plans.area", area_id=area_id) if area_id else url_for("plans.overview"))


@bp.route("/areas/<int:area_id>/recommendations/new", methods=["GET", "POST"])
@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_recommendation(area_id: int | None = None, recommendation_id: int | None = None):
    if recommendation_id:
        recommendation = get_or_404(Recommendation, recommendation_id)
    else:
        area = get_or_404(Area, area_id)
        recommendation = Recommendation(area_id=area.id, plan_id=area.plan_id,
                                        position=plan_changes.next_position(area.recommendations))
    form = RecommendationForm(obj=recommendation if request.method == "GET" and recommendation_id else None)
    if form.validate_on_submit():
        values = {"code": form.code.data.strip(), "text": form.text.data.strip()}
        if (_unique_number(Recommendation, recommendation, form.code, plan_id=recommendation.plan_id, column="code")
                and _saved(recommendation, values, form, "This recommendation")):
            flash(f"Recommendation {recommendation.code} is saved", "success")
            return redirect(url_for("plans.area", area_id=recommendation.area_id))
    return _render(form, "Edit recommendation" if recommendation_id else "Add a recommendation",
                   url_for("plans.area", area_id=recommendation.area_id or area_id))


@bp.route("/areas/<int:area_id>/improvement-areas/new", methods=["GET", "POST"])
@bp.route("/improvement-areas/<int:afi_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_improvement_area(area_id: int | None = None, afi_id: int | None = None):
    if afi_id:
        afi = get_or_404(ImprovementArea, afi_id)
    else:
        area = get_or_404(Area, area_id)
        afi = ImprovementArea(area_id=area.id, position=plan_changes.next_position(area.improvement_areas))
    form = ImprovementAreaForm()
    if request.method == "GET" and afi_id:
        form.process(obj=afi, identified="\n".join(str(ident) for ident in afi.identifications))
    if form.validate_on_submit():
        months = form.month_values
        kept = {ident.identified_in: ident for ident in afi.identifications}  # months already recorded stay as they are
        values = {"text": form.text.data.strip(),
                  "identifications": [kept.get(month) or ImprovementAreaIdentification(identified_in=month)
                                      for month in months]}
        if _saved(afi, values, form, "This Area for Improvement"):
            flash("The Area for Improvement is saved", "success")
            return redirect(url_for("plans.area", area_id=afi.area_id))
    return _render(form, "Edit Area for Improvement" if afi_id else "Add an Area for Improvement",
                   url_for("plans.area", area_id=afi.area_id or area_id))


@bp.route("/plan/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_plan():
    plan = current_plan()
    form = PlanForm(obj=plan if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {name: (getattr(form, name).data or "").strip() or None
                  for name in ("title", "organisation", "revision", "lead_author", "progress_label")}
        if _saved(plan, values, form, "The plan"):
            flash("The plan's details are saved", "success")
            return redirect(url_for("plans.overview"))
    return _render(form, "Edit the plan's details", url_for("plans.overview"))


@bp.route("/areas/<int:area_id>/actions/new", methods=["GET", "POST"])
@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_action(area_id: int | None = None, action_id: int | None = None):
    if action_id:
        action = get_or_404(Action, action_id)
        area = action.area
    else:
        area = get_or_404(Area, area_id)
        action = Action(area_id=area.id, position=plan_changes.next_position(area.actions))
    form = ActionForm(obj=action if request.method == "GET" and action_id else None)
    recommendations = db.session.scalars(select(Recommendation).where(Recommendation.plan_id == area.plan_id)
                                         .order_by(Recommendation.code)).all()
    afis = db.session.scalars(select(ImprovementArea).join(Area).where(Area.plan_id == area.plan_id)
                              .order_by(Area.position, ImprovementArea.position)).all()
    form.recommendations.choices = [(r.id, f"{r.code}: {r.text}") for r in recommendations]
    form.improvement_areas.choices = [(a.id, f"{a.area.number}: {a.short_text}") for a in afis]
    if request.method == "GET" and action_id:
        form.recommendations.data = [r.id for r in action.recommendations]
        form.improvement_areas.data = [a.id for a in action.improvement_areas]
    if form.validate_on_submit():
        chosen_recs = set(form.recommendations.data or [])
        chosen_afis = set(form.improvement_areas.data or [])
        values = {
            "number": form.number.data.strip(), "what": form.what.data.strip(), "how": (form.how.data or "").strip(),
            "delivery_type": form.delivery_type.data, "project_code": (form.project_code.data or "").strip() or None,
            "recommendations": [r for r in recommendations if r.id in chosen_recs],
            "improvement_areas": [a for a in afis if a.id in chosen_afis],
        }
        if (_unique_number(Action, action, form.number, area_id=area.id)
                and _saved(action, values, form, "This action")):
            flash(f"Action {action.number} is saved", "success")
            return redirect(url_for("plans.action", action_id=action.id))
    return _render(form, "Edit action" if action_id else f"Add an action to area {area.number}",
                   url_for("plans.action", action_id=action_id) if action_id else url_for("plans.area", area_id=area.id))


@bp.route("/actions/<int:action_id>/milestones/new", methods=["GET", "POST"])
@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_milestone(action_id: int | None = None, milestone_id: int | None = None):
    people = db.session.scalars(select(Person).order_by(Person.name)).all()
    if milestone_id:
        milestone = get_or_404(Milestone, milestone_id)
        form = MilestoneForm(people=people)
    else:
        action = get_or_404(Action, action_id)
        milestone = Milestone(action_id=action.id, position=plan_changes.next_position(action.milestones))
        form = NewMilestoneForm(people=people)
    form.responsible_id.choices = [(0, "Not yet assigned")] + [(p.id, f"{p.name} ({p.kind.label})" if not p.is_individual
                                                                else p.name) for p in people]
    if request.method == "GET" and milestone_id:
        form.process(obj=milestone, responsible_id=milestone.responsible_id or 0,
                     leads="\n".join(lead.name for lead in milestone.leads))
    if form.validate_on_submit():
        values = {"sub_action": (form.sub_action.data or "").strip() or None,
                  "deliverable": form.deliverable.data.strip(),
                  "responsible": db.session.get(Person, form.responsible_id.data) if form.responsible_id.data else None,
                  "leads": form.lead_people}
        if not milestone_id:
            values.update(plan_changes.due_values(form.due_value), phases=plan_changes.due_phases(form.due_value))
        if _saved(milestone, values, form, "This milestone"):
            flash("The milestone is saved", "success")
            return redirect(url_for("plans.milestone", milestone_id=milestone.id))
    return _render(form, "Edit milestone" if milestone_id else f"Add a milestone to action {action.number}",
                   url_for("plans.milestone", milestone_id=milestone_id) if milestone_id
                   else url_for("plans.action", action_id=action_id))


def _unique_number(model, entity, field, column: str = "number", **scope) -> bool:
    value = (field.data or "").strip()
    query = select(model.id).where(getattr(model, column) == value, model.id != (entity.id or 0))
    for name, scope_value in scope.items():
        query = query.where(getattr(model, name) == scope_value)
    if db.session.scalar(query) is not None:
        field.errors = [f"{value} is already used: choose another"]
        return False
    return True


@bp.route("/plan/rag-key", methods=["GET", "POST"])
@programme_manager_required
def edit_rag_key():
    plan = current_plan()
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            errors = plan_changes.update_rag_key(plan, values, actor=current_user, now=now())
        except DomainError as error:  # someone else saved the key first: show theirs, keep what was typed
            db.session.rollback()
            flash(error.message, "error")
            errors = {"conflict": error.message}
            values = {name: value for name, value in values.items() if not name.startswith("version-")}
        if not errors:
            flash("The RAG key is saved", "success")
            return redirect(url_for("plans.overview"))
        return render_template("plans/rag_key.html", plan=plan, errors=errors, values=values,
                               changes=_plan_changes(plan)), 400
    return render_template("plans/rag_key.html", plan=plan, errors={}, values={}, changes=_plan_changes(plan))


def _plan_changes(plan) -> list:
    return changes_to({"plan": [plan.id], "ragkeyentry": [entry.id for entry in plan.rag_key]})

