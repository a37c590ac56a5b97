"""Administrators: the reminder settings, and how the scheduler and the outbox are doing."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.admin import bp
from app.admin.forms import ReminderSettingsForm
from app.clock import now
from app.services.history import changes_to
from app.services.reminders import admin as reminder_admin
from app.services.reminders.sweep import settings
from app.services.wording import plural
from app.web import applied


@bp.route("/reminders", methods=["GET", "POST"])
def reminders():
    form = ReminderSettingsForm(obj=settings() if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = reminder_admin.settings_version()
    if form.validate_on_submit() and applied(form, lambda: reminder_admin.save_settings(
            form.settings, version=form.version.data, actor=current_user, now=now()), reminder_admin.saved_settings()):
        flash("The reminder settings are saved. The next sweep uses them.", "success")
        return redirect(url_for("admin.reminders"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/reminders.html", form=form, title="Reminders", retry_form=FlaskForm(),
                           monitor=reminder_admin.monitoring(now()), now=now(),
                           changes=changes_to({"remindersettings": [1]}, limit=50),
                           state_labels=reminder_admin.STATE_LABELS, job_labels=reminder_admin.JOB_LABELS), status


@bp.route("/reminders/retry", methods=["POST"])
def retry_reminders():
    form = FlaskForm()
    if form.validate_on_submit():
        count = reminder_admin.retry_now(now())
        flash(f"{plural(count, 'waiting e-mail')} will be tried again within a minute, by the "
              "scheduler's next delivery." if count else "Nothing was waiting for a later attempt: whatever is "
              "waiting is tried at the scheduler's next delivery, within a minute.", "success")
    return redirect(url_for("admin.reminders"))
