"""After an audit: closing SMART recommendations, and turning learning points into plan actions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audits import allowed_or_403, bp
from app.audits.forms.followup import PromoteForm
from app.auth.decorators import programme_manager_required
from app.clock import now, today
from app.models import Area, LearningPoint, SmartRecommendation
from app.services.audits import queries as audit_queries
from app.services.audits import work as audit_work
from app.web import applied, get_or_404


@bp.route("/learning-points/<int:point_id>/promote", methods=["GET", "POST"])
@programme_manager_required
def promote_learning_point(point_id: int):
    point = get_or_404(LearningPoint, point_id)
    plan = audit_queries.latest_plan() or abort(404)
    form = PromoteForm(what=point.text)
    form.area_id.choices = [(area.id, area.display_name) for area in plan.areas]
    added = []
    if form.validate_on_submit() and applied(form, lambda: added.append(audit_work.promote_learning_point(
            point, area=get_or_404(Area, form.area_id.data), number=form.number.data, what=form.what.data,
            actor=current_user, now=now()))):
        flash(f"Action {added[0].number} is in the plan. Add its milestones and owners next", "success")
        return redirect(url_for("plans.action", action_id=added[0].id))
    return render_template("_form_page.html", form=form, title="Make a learning point a plan action",
                           cancel_url=url_for("audits.findings_page"))


@bp.route("/recommendations/<int:recommendation_id>/close", methods=["POST"])
def close_recommendation(recommendation_id: int):
    recommendation = get_or_404(SmartRecommendation, recommendation_id)
    if applied(None, lambda: allowed_or_403(lambda: audit_work.close_recommendation(
            recommendation, done=request.form.get("outcome") != "cancelled", on=today(), actor=current_user,
            now=now()))):
        flash("The recommendation is closed", "success")
    return redirect(url_for("main.my_work"))
