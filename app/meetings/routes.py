"""The meetings calendar: everyone signed in reads it; programme managers and administrators keep it."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.decorators import programme_manager_required
from app.clock import now, today
from app.meetings import bp
from app.meetings.forms import DeleteMeetingForm, MeetingForm
from app.models import Meeting
from app.services import meetings as meeting_service
from app.services import permissions
from app.services.history import changes_to
from app.services.plans.due_dates import format_date
from app.services.reminders.sweep import settings
from app.web import applied, get_or_404


@bp.route("")
def index():
    chosen = settings()
    return render_template("meetings/index.html", calendar=meeting_service.calendar(today(), chosen), settings=chosen,
                           may_edit=permissions.manages_plan(current_user))


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@programme_manager_required
def edit(meeting_id: int | None = None):
    meeting = get_or_404(Meeting, meeting_id) if meeting_id else Meeting()
    chosen = settings()
    form = MeetingForm(obj=meeting if request.method == "GET" and meeting_id else None)
    form.set_deadline_hints(chosen)
    if form.validate_on_submit() and applied(form, lambda: meeting_service.save_meeting(
            meeting, **form.values, chosen=chosen, version=form.version.data, actor=current_user, now=now()),
            meeting if meeting_id else None):
        flash(f"{_described(meeting)} is saved. {meeting_service.deadlines_sentence(meeting, chosen)}", "success")
        return redirect(url_for("meetings.index"))
    return render_template("meetings/form.html", form=form, meeting=meeting if meeting_id else None,
                           title="Edit meeting" if meeting_id else "Add a meeting",
                           changes=changes_to({"meeting": [meeting_id]}) if meeting_id else None)


@bp.route("/<int:meeting_id>/delete", methods=["GET", "POST"])
@programme_manager_required
def delete(meeting_id: int):
    """Asks first (GET), then deletes (POST); after a refusal, asks again against the meeting as it is now."""
    meeting = get_or_404(Meeting, meeting_id)
    form = DeleteMeetingForm(version=meeting.version)
    described = _described(meeting)
    if form.validate_on_submit() and applied(form, lambda: meeting_service.delete_meeting(
            meeting, version=form.version.data, actor=current_user, now=now(), today=today()), meeting):
        flash(f"{described} is deleted", "success")
        return redirect(url_for("meetings.index"))
    return render_template("meetings/delete.html", form=form, meeting=meeting, title="Delete meeting",
                           held=meeting.held_on < today())


def _described(meeting: Meeting) -> str:
    return f"{meeting.title} on {format_date(meeting.held_on)}"
