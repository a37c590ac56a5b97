"""The security event log (administrators): the events a page at a time with filters, their download as CSV, and
lifting a sign-in lock."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin import bp
from app.clock import today
from app.models import Person, SecurityEventKind
from app.services import event_logs, exports, sign_in
from app.services.wording import plural
from app.web import download, get_or_404, list_query

KINDS = [(kind.value, kind.label) for kind in SecurityEventKind]


@bp.route("/security-events")
def security_events():
    """Newest first, filtered by what happened, who, when and the client address; a bad date flagged at its field."""
    filters = event_logs.read_filter(request.args, kinds={value for value, _ in KINDS}, text_name="client")
    listing = event_logs.security_events_page(filters, list_query(event_logs.SECURITY_SORTS, event_logs.NEWEST_FIRST,
                                                                  descending=True))
    return render_template("admin/security_events.html", listing=listing, filters=filters, kinds=KINDS,
                           locked=SecurityEventKind.LOCKED_OUT, title="Security events",
                           download_limit=event_logs.DOWNLOAD_LIMIT)


@bp.route("/security-events.csv")
def security_events_download():
    """The events the page's filters choose, newest first, as CSV (for the council's security team)."""
    filters = event_logs.read_filter(request.args, kinds={value for value, _ in KINDS}, text_name="client")
    table = event_logs.security_events_table(filters)
    content, content_type = exports.write(table, "csv")
    return download(content, content_type, f"security-events-{today():%Y-%m-%d}.csv",
                    exported=f"Security events (CSV), {plural(len(table.rows), 'event')}")


@bp.route("/people/<int:person_id>/lift-lock", methods=["POST"])
def lift_lock(person_id: int):
    """Clear the person's failed sign-ins, so they may sign in at once; recorded with the administrator as actor."""
    person = get_or_404(Person, person_id)
    sign_in.lift_lock(person, actor=current_user)
    flash(f"{person.name} can sign in again", "success")
    return redirect(url_for("admin.security_events", person=person.email or person.name))
