"""The meetings calendar: everyone signed in reads it; programme managers and administrators keep it."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.decorators import programme_manager_required
from app.clock import now, today
from app.extensions import db
from app.meetings import bp
from app.meetings.forms import DeleteMeetingForm, MeetingForm
from app.models import Meeting
from app.services import meetings as meeting_service
from app.services import permissions
from app.services.errors import DomainError
from app.services.history import changes_to
from app.services.plans.due_dates import format_date
from app.services.reminders.sweep import settings
from app.web import get_or_404, show_error


@bp.route("/meetings")
def index():
    chosen = settings()
    return render_template("meetings/index.html", calendar=meeting_service.calendar(today(), chosen), settings=chosen,
                           may_edit=permissions.manages_plan(current_user))


@bp.route("/meetings/new", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit(meeting_id: int | None = None):
    meeting = get_or_404(Meeting, meeting_id) if meeting_id else Meeting()
    chosen = settings()
    form = MeetingForm(obj=meeting if request.method == "GET" and meeting_id else None)
    form.set_deadline_hints(chosen)
    if form.validate_on_submit():
        try:
            meeting_service.save_meeting(meeting, kind=form.kind.data, title=form.title.data,
                                         held_on=form.held_on.data, update_deadline=form.update_deadline.data,
                                         report_deadline=form.report_deadline.data, chosen=chosen,
                                         version=form.version.data, actor=current_user, now=now())
            flash(f"{meeting.title} on {format_date(meeting.held_on)} is saved. Updates are due by "
                  f"{format_date(meeting.update_deadline)} and the report by {format_date(meeting.report_deadline)}.",
                  "success")
            return redirect(url_for("meetings.index"))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error, meeting if meeting_id else None)
    return render_template("meetings/form.html", form=form, meeting=meeting if meeting_id else None,
                           title="Edit meeting" if meeting_id else "Add a meeting",
                           changes=changes_to({"meeting": [meeting_id]}) if meeting_id else None)


@bp.route("/meetings/<int:meeting_id>/delete", methods=["GET", "POST"])
@programme_manager_required
def delete(meeting_id: int):
    """Asks first (GET), then deletes (POST)."""
    meeting = get_or_404(Meeting, meeting_id)
    form = DeleteMeetingForm(version=meeting.version)
    if form.validate_on_submit():
        described = f"{meeting.title} on {format_date(meeting.held_on)}"
        try:
            meeting_service.delete_meeting(meeting, version=form.version.data, actor=current_user, now=now(),
                                           today=today())
            flash(f"{described} is deleted", "success")
            return redirect(url_for("meetings.index"))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            # confirm again, against the meeting as it is now
            form.version.data, form.version.raw_data = meeting.version, [str(meeting.version)]
    return render_template("meetings/delete.html", form=form, meeting=meeting, title="Delete meeting",
                           held=meeting.held_on < today())
