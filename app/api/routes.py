"""The read API's resources: each a page at a time (docs/api.md). Routes only read the request and call one service;
who may read what is the token's role, by the rules in services/permissions.py."""

from functools import partial

from flask import g
from werkzeug.exceptions import HTTPException

from app.api import ERRORS, bp, error_response, presented_token
from app.api import schemas as out
from app.clock import now, today
from app.services import api_reads, api_tokens, permissions
from app.services.errors import DomainError, NotAllowedError

UNAUTHORISED = "Send a valid API token in the Authorization header: 'Authorization: Bearer <token>'."


@bp.before_request
def require_token():
    g.api_token = api_tokens.holder(presented_token(), now=now())
    if g.api_token is None:
        return error_response(401, UNAUTHORISED)
    return None


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException):
    messages = getattr(error, "data", {}).get("messages")
    return error_response(error.code or 500, error.description or error.name, errors=messages)


@bp.errorhandler(NotAllowedError)
def forbidden(error: NotAllowedError):
    return error_response(403, error.message)


@bp.errorhandler(DomainError)
def refused(error: DomainError):
    return error_response(422, error.message, errors={"query": {error.field or "request": [error.message]}})




def _request(args: dict) -> api_reads.PageRequest:
    since = args.get("updated_since")
    if since is not None and since.tzinfo is not None:
        since = since.astimezone().replace(tzinfo=None)  # the service stores local times
    return api_reads.PageRequest(after_id=api_reads.decode_cursor(args["cursor"]), limit=args["limit"],
                                 updated_since=since)


def _documented(view, *, found: bool = False):
    """The error answers an operation may give; 404 only for one record by its id (found=True)."""
    for code, description in ERRORS.items():
        if code != 422 and (code != 404 or found):  # flask-smorest documents 422 for every operation with arguments
            view = bp.alt_response(code, schema=out.ApiError, description=description)(view)
    return view


@bp.route("/plans")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.PlanOut, "PlanPage"))
@_documented
def plans(args):
    """Improvement plans."""
    return api_reads.plans(_request(args))


@bp.route("/areas")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.AreaOut, "AreaPage"))
@_documented
def areas(args):
    """The plans' areas."""
    return api_reads.areas(_request(args))


@bp.route("/actions")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.ActionOut, "ActionPage"))
@_documented
def actions(args):
    """The areas' actions."""
    return api_reads.actions(_request(args))


@bp.route("/milestones")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.MilestoneOut, "MilestonePage"))
@_documented
def milestones(args):
    """Milestones: RAG with its reason, the due date as typed and as read, revisions and the latest update."""
    return api_reads.milestones(_request(args), today=today())


@bp.route("/progress-updates")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.UpdateOut, "UpdatePage"))
@_documented
def progress_updates(args):
    """Owners' progress updates (append-only)."""
    return api_reads.progress_updates(_request(args))


@bp.route("/meetings")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.MeetingOut, "MeetingPage"))
@_documented
def meetings(args):
    """Board and committee meetings."""
    return api_reads.meetings(_request(args))


@bp.route("/reports")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.ReportOut, "ReportPage"))
@_documented
def reports(args):
    """The reports' metadata that the token's role may read (never the documents)."""
    return api_reads.reports(g.api_token, _request(args))


@bp.route("/audit-findings")
@bp.arguments(out.FindingsArgs, location="query")
@bp.response(200, out.FindingsOut)
@_documented
def audit_findings(args):
    """Standing grades by month, element and grade: counts and percentages, never a case or a child."""
    if not g.api_token.has_role(*permissions.AUDIT_REPORT_READERS):
        return error_response(403, "This token's role does not read audit findings.")
    return {"items": api_reads.audit_findings(args["from_month"], args["to_month"])}


@bp.route("/audits")
@bp.arguments(out.ChangedPagingArgs, location="query")
@bp.response(200, out.page_of(out.AuditOut, "AuditPage"))
@_documented
def audits(args):
    """Single case-file audits, for QA-lead tokens only; each audit given is recorded in the audit access log as read
    by the token. Never the child's identity, the case reference or anything written about the child."""
    return api_reads.audits(g.api_token, _request(args), now=now())


@bp.route("/audits/<int:audit_id>")
@bp.response(200, out.AuditOut)
@partial(_documented, found=True)
def audit(audit_id: int):
    """One case-file audit, for QA-lead tokens only, recorded in the audit access log as read by the token."""
    found = api_reads.audit(g.api_token, audit_id, now=now())
    return found if found is not None else error_response(404, f"There is no audit {audit_id}.")
