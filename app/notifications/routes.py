"""A person's notices, their choice of e-mails and their personal calendar feed."""

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.clock import now
from app.notifications import bp
from app.notifications.forms import (
    CreateCalendarLinkForm,
    EmailPreferenceForm,
    MarkAllReadForm,
    RevokeCalendarLinkForm,
)
from app.services.reminders import notifications as service
from app.web import applied


@bp.route("/notifications")
def index():
    return render_template("notifications/index.html", notices=service.notices_for(current_user),
                           limit=service.LIST_LIMIT, form=None, mark_all_form=MarkAllReadForm())


@bp.route("/notifications/read", methods=["POST"])
def mark_all_read():
    if MarkAllReadForm().validate_on_submit():
        count = service.mark_all_read(current_user, now())
        flash("All your notifications are marked as read" if count else "You had no unread notifications", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/<int:notice_id>/open")
def open_notice(notice_id: int):
    link = service.open_notice(current_user, notice_id, now(), to_update=request.args.get("to") == "update")
    if link is None:
        abort(404)  # someone else's notice is "not found", never "forbidden": it does not say it exists
    return redirect(link)


@bp.route("/account/notifications", methods=["GET", "POST"])
def account():
    form = EmailPreferenceForm(data=None if request.method == "POST"
                               else {"email_preference": current_user.email_preference.value})
    if form.validate_on_submit() and applied(
            form, lambda: service.set_email_preference(current_user, form.email_preference.data, now=now())):
        flash(f"Saved. E-mails: {current_user.email_preference.label}", "success")
        return redirect(url_for("notifications.account"))
    return _account_page(form)


@bp.route("/account/calendar", methods=["POST"])
def create_calendar_link():
    if not CreateCalendarLinkForm().validate_on_submit():
        return redirect(url_for("notifications.account"))
    token = service.create_calendar_link(current_user, now=now())
    # Shown on this response only, never stored or redirected through the session: reloading creates a new link.
    feed_url = current_app.config["BASE_URL"] + url_for("notifications.calendar_feed", token=token)
    response = make_response(_account_page(EmailPreferenceForm(
        data={"email_preference": current_user.email_preference.value}), feed_url=feed_url))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/calendar/revoke", methods=["POST"])
def revoke_calendar_link():
    if RevokeCalendarLinkForm().validate_on_submit():
        revoked = service.revoke_calendar_link(current_user, now=now())
        flash("Your calendar link is revoked: it no longer works" if revoked else "You had no calendar link",
              "success")
    return redirect(url_for("notifications.account"))


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """Public (see PUBLIC_ENDPOINTS): calendar programs cannot sign in. The secret token is the key."""
    feed = service.calendar_feed(token, base_url=current_app.config["BASE_URL"],
                                 service_name=current_app.config["SERVICE_NAME"], now=now())
    if feed is None:
        abort(404)
    response = make_response(feed)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="improvement-tracker.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _account_page(form: EmailPreferenceForm, feed_url: str | None = None) -> str:
    return render_template("notifications/account.html", form=form, feed_url=feed_url,
                           has_link=current_user.calendar_token_hash is not None,
                           create_form=CreateCalendarLinkForm(), revoke_form=RevokeCalendarLinkForm())
