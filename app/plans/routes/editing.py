"""Programme managers keep the plan: areas, recommendations, actions, milestones and the RAG key."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.decorators import programme_manager_required
from app.clock import now
from app.form_posts import id_of
from app.models import Action, Area, ImprovementArea, Milestone, Recommendation
from app.plans import bp
from app.plans.forms.editing import (
    ActionFindingsForm,
    ActionForm,
    AreaForm,
    ImprovementAreaForm,
    MilestoneForm,
    NewMilestoneForm,
    PlanForm,
    RecommendationForm,
)
from app.plans.routes.pages import current_plan
from app.services import people
from app.services.plans import changes as plan_changes
from app.services.plans import findings
from app.services.plans import queries as plan_queries
from app.web import applied, get_or_404


def _saved(form, entity, values: dict, what: str) -> bool:
    """Save through the service; on a rule broken or a conflict, show it on the form and keep the input."""
    return applied(form, lambda: plan_changes.save(entity, values, version=form.version.data, actor=current_user,
                                                   now=now(), what=what), entity)


def _shown(record_id: int | None) -> bool:
    """Whether the form shows a record as it is: opening an existing one, not saving."""
    return bool(record_id) and request.method == "GET"


AREA_PARTS = {Recommendation: "recommendations", ImprovementArea: "improvement_areas", Action: "actions"}


def _part_of_area(model, record_id: int | None, area_id: int | None):
    """The recommendation, Area for Improvement or action being edited, or a new one placed last in its area."""
    if record_id:
        return get_or_404(model, record_id)
    area = get_or_404(Area, area_id)
    part = model(area_id=area.id, position=plan_changes.next_position(getattr(area, AREA_PARTS[model])))
    if model is Recommendation:  # a recommendation belongs to the plan too: its code is unique in the plan
        part.plan_id = area.plan_id
    return part


def _render(form, title: str, cancel_url: str):
    return render_template("_form_page.html", form=form, title=title, cancel_url=cancel_url)


def _done(message: str, endpoint: str, **values):
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_area(area_id: int | None = None):
    plan = current_plan()
    area = get_or_404(Area, area_id) if area_id else Area(plan_id=plan.id, position=plan_changes.next_position(plan.areas))
    form = AreaForm(obj=area if _shown(area_id) else None)
    if form.validate_on_submit() and _saved(form, area, form.values(), "This area"):
        return _done(f"Area {area.number} is saved", "plans.area", area_id=area.id)
    return _render(form, "Edit area" if area_id else "Add an area",
                   url_for("plans.area", area_id=area_id) if area_id else url_for("plans.overview"))


@bp.route("/areas/<int:area_id>/recommendations/new", methods=["GET", "POST"])
@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_recommendation(area_id: int | None = None, recommendation_id: int | None = None):
    recommendation = _part_of_area(Recommendation, recommendation_id, area_id)
    form = RecommendationForm(obj=recommendation if _shown(recommendation_id) else None)
    if form.validate_on_submit() and _saved(form, recommendation, form.values(), "This recommendation"):
        return _done(f"Recommendation {recommendation.code} is saved", "plans.area", area_id=recommendation.area_id)
    return _render(form, "Edit recommendation" if recommendation_id else "Add a recommendation",
                   url_for("plans.area", area_id=recommendation.area_id or area_id))


@bp.route("/areas/<int:area_id>/improvement-areas/new", methods=["GET", "POST"])
@bp.route("/improvement-areas/<int:afi_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_improvement_area(area_id: int | None = None, afi_id: int | None = None):
    afi = _part_of_area(ImprovementArea, afi_id, area_id)
    form = ImprovementAreaForm()
    if _shown(afi_id):
        form.process(obj=afi, identified="\n".join(str(ident) for ident in afi.identifications))
    if form.validate_on_submit() and _saved(form, afi, form.values(afi), "This Area for Improvement"):
        return _done("The Area for Improvement is saved", "plans.area", area_id=afi.area_id)
    return _render(form, "Edit Area for Improvement" if afi_id else "Add an Area for Improvement",
                   url_for("plans.area", area_id=afi.area_id or area_id))


@bp.route("/plan/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_plan():
    plan = current_plan()
    form = PlanForm(obj=plan if request.method == "GET" else None)
    if form.validate_on_submit() and _saved(form, plan, form.values(), "The plan"):
        return _done("The plan's details are saved", "plans.overview")
    return _render(form, "Edit the plan's details", url_for("plans.overview"))


@bp.route("/areas/<int:area_id>/actions/new", methods=["GET", "POST"])
@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_action(area_id: int | None = None, action_id: int | None = None):
    action = _part_of_area(Action, action_id, area_id)
    area = get_or_404(Area, action.area_id)
    form = ActionForm(obj=action if _shown(action_id) else None)
    if form.validate_on_submit() and _saved(form, action, form.values(), "This action"):
        return _done(f"Action {action.number} is saved", "plans.action", action_id=action.id)
    return _render(form, "Edit action" if action_id else f"Add an action to {area.number} {area.title}",
                   url_for("plans.action", action_id=action_id) if action_id else url_for("plans.area", area_id=area.id))


@bp.route("/actions/<int:action_id>/findings", methods=["GET", "POST"])
@programme_manager_required
def link_findings(action_id: int):
    action = get_or_404(Action, action_id)
    form = ActionFindingsForm(offered=plan_queries.action_choices(action.area.plan_id))
    if request.method == "GET":
        form.show(action)
    if form.validate_on_submit() and applied(form, lambda: findings.link_findings(
            action, **form.values(), version=form.version.data, actor=current_user, now=now()), action):
        return _done(f"The Ofsted findings action {action.number} answers are saved", "plans.action",
                     action_id=action.id)
    return _render(form, f"Link Ofsted findings to action {action.number}",
                   url_for("plans.action", action_id=action.id))


@bp.route("/actions/<int:action_id>/milestones/new", methods=["GET", "POST"])
@bp.route("/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit_milestone(action_id: int | None = None, milestone_id: int | None = None):
    if milestone_id:
        milestone, form = get_or_404(Milestone, milestone_id), MilestoneForm(people=people.everyone())
    else:
        action = get_or_404(Action, action_id)
        milestone = Milestone(action_id=action.id, position=plan_changes.next_position(action.milestones))
        form = NewMilestoneForm(people=people.everyone())
    if _shown(milestone_id):
        form.show(milestone)
    if form.validate_on_submit() and _saved(form, milestone, form.values(), "This milestone"):
        return _done("The milestone is saved", "plans.milestone", milestone_id=id_of(milestone))
    return _render(form, "Edit milestone" if milestone_id else f"Add a milestone to action {action.number}",
                   url_for("plans.milestone", milestone_id=milestone_id) if milestone_id
                   else url_for("plans.action", action_id=action_id))


@bp.route("/plan/rag-key", methods=["GET", "POST"])
@programme_manager_required
def edit_rag_key():
    plan, values, errors = current_plan(), request.form.to_dict(), {}
    if request.method == "GET":
        return _rag_key_page(plan, errors, values)
    if not applied(None, lambda: errors.update(plan_changes.update_rag_key(plan, values, actor=current_user,
                                                                           now=now()))):
        # someone else saved the key first: show theirs, keep what was typed
        errors["conflict"] = "The RAG key was changed by someone else"
        values = {name: value for name, value in values.items() if not name.startswith("version-")}
    if errors:
        return _rag_key_page(plan, errors, values), 400
    return _done("The RAG key is saved", "plans.overview")


def _rag_key_page(plan, errors: dict, values: dict):
    return render_template("plans/rag_key.html", plan=plan, errors=errors, values=values,
                           changes=plan_queries.changes_to_plan(plan))
