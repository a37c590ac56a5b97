"""After an audit: closing SMART recommendations, and turning learning points into plan actions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.audits import bp
from app.auth.decorators import programme_manager_required
from app.clock import now, today
from app.extensions import db
from app.models import Area, LearningPoint, Plan, SmartRecommendation
from app.services.audits import work as audit_work
from app.services.errors import DomainError, NotAllowedError
from app.web import get_or_404, show_error


class PromoteForm(FlaskForm):
    area_id = SelectField("Area of the plan", coerce=int, widget=GovSelect())
    number = StringField("Action number", widget=GovTextInput(), description="For example, 1.17",
                         validators=[InputRequired("Enter the action number"), Length(max=20)])
    what = TextAreaField("What we are doing", widget=GovTextArea(), validators=[InputRequired("Enter what the action is")])
    submit = SubmitField("Add to the plan", widget=GovSubmitInput())


@bp.route("/learning-points/<int:point_id>/promote", methods=["GET", "POST"])
@programme_manager_required
def promote_learning_point(point_id: int):
    point = get_or_404(LearningPoint, point_id)
    plan = db.session.scalar(select(Plan).order_by(Plan.id.desc())) or abort(404)
    form = PromoteForm(what=point.text)
    form.area_id.choices = [(area.id, area.display_name) for area in plan.areas]
    if form.validate_on_submit():
        try:
            action = audit_work.promote_learning_point(point, area=get_or_404(Area, form.area_id.data),
                                                       number=form.number.data, what=form.what.data,
                                                       actor=current_user, now=now())
            flash(f"Action {action.number} is in the plan. Add its milestones and owners next", "success")
            return redirect(url_for("plans.action", action_id=action.id))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("_form_page.html", form=form, title="Make a learning point a plan action",
                           cancel_url=url_for("audits.findings_page"))


@bp.route("/recommendations/<int:recommendation_id>/close", methods=["POST"])
def close_recommendation(recommendation_id: int):
    recommendation = get_or_404(SmartRecommendation, recommendation_id)
    try:
        audit_work.close_recommendation(recommendation, done=request.form.get("outcome") != "cancelled", on=today(),
                                        actor=current_user, now=now())
    except NotAllowedError:
        abort(403)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("main.my_work"))
    flash("The recommendation is closed", "success")
    return redirect(url_for("main.my_work"))
