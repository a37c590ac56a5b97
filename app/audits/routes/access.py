"""The audit access log (QA leads): who opened, edited, moderated or exported which audit, and when. Reading it is not
a view of any audit, so it is not logged as one."""

from flask import render_template, request

from app.audits import bp
from app.auth.decorators import qa_lead_required
from app.models import Audit
from app.services import event_logs
from app.web import get_or_404, list_query

KINDS = list(event_logs.ACCESS_KINDS.items())


def _page(audit: Audit | None):
    filters = event_logs.read_filter(request.args, kinds=event_logs.ACCESS_KINDS, text_name="reference")
    listing = event_logs.access_page(filters, list_query(event_logs.ACCESS_SORTS, event_logs.NEWEST_FIRST,
                                                         descending=True), audit=audit)
    title = f"Who has opened the audit of case {audit.case.reference}" if audit else "Audit access log"
    return render_template("audits/access_log.html", listing=listing, filters=filters, kinds=KINDS, audit=audit,
                           kind_words=event_logs.ACCESS_KINDS, title=title)


@bp.route("/access-log")
@qa_lead_required
def access_log():
    """Every audit's views, edits, moderations and exports, newest first, with filters."""
    return _page(None)


@bp.route("/<int:audit_id>/access")
@qa_lead_required
def audit_access(audit_id: int):
    """Who has opened this audit."""
    return _page(get_or_404(Audit, audit_id))
