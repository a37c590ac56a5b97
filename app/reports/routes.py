"""Reports: programme managers prepare, check and release the plan progress report for each meeting; QA leads the
monthly audit report; everyone entitled downloads released reports exactly as they were released."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.decorators import audit_report_managers_required, programme_manager_required
from app.clock import now, today
from app.models import Meeting, Plan, Report, ReportKind, ReportState
from app.reports import bp
from app.reports.forms import AuditReportForm, PlanReportForm, ReleaseForm
from app.services import permissions
from app.services.plans.due_dates import long_date
from app.services.reports import queries, snapshots
from app.services.reports.plan_report import FRONT_BLOCK, SECTIONS
from app.web import applied, download, get_or_404, list_query

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("")
def index():
    """The reports this person may read, a page at a time (drafts only for those who manage them); for programme
    managers, the meetings to prepare a report for."""
    manages_plan_reports = permissions.manages_reports(current_user, ReportKind.PLAN_PROGRESS)
    return render_template(
        "reports/index.html", listing=queries.reports_list(current_user, list_query(queries.REPORT_SORTS, "generated",
                                                                                     descending=True)),
        meetings=queries.meetings_to_report_on(today()) if manages_plan_reports else [],
        manages_plan_reports=manages_plan_reports,
        manages_audit_reports=permissions.manages_reports(current_user, ReportKind.AUDIT_MONTHLY))


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@programme_manager_required
def meeting(meeting_id: int):
    """The plan progress report for a meeting: what to say in it, then generate a draft to check."""
    chosen = get_or_404(Meeting, meeting_id)
    plans = queries.plans_newest_first()
    if not plans:
        flash("There is no plan to report on yet. Import or load a plan first.", "error")
        return redirect(url_for("reports.index"))
    form = _plan_report_form(chosen, plans)
    if form.validate_on_submit():
        return _generated(snapshots.generate_plan_report(get_or_404(Plan, form.plan_id.data), chosen, form.details,
                                                         actor=current_user, now=now(), today=today()))
    return render_template("reports/meeting.html", meeting=chosen, form=form, versions=queries.versions_for(chosen),
                           front_block=FRONT_BLOCK, sections=SECTIONS)


def _plan_report_form(meeting: Meeting, plans: list[Plan]) -> PlanReportForm:
    """Opened, the form holds the details of the plan asked for (?plan_id=), else of the meeting's latest report's
    plan, else of the latest plan."""
    if request.method == "GET":
        plan = queries.plan_to_fill_in(meeting, plans, asked=request.args.get("plan_id", type=int))
        form = PlanReportForm(data={**snapshots.details_for(plan, meeting), "plan_id": plan.id})
    else:
        form = PlanReportForm()
    form.plan_id.choices = [(plan.id, plan.title) for plan in plans]
    return form


@bp.route("/audits", methods=["GET", "POST"])
@audit_report_managers_required
def audits():
    """Generate the monthly audit report for a month's rounds."""
    form = AuditReportForm()
    months = queries.audit_months()
    form.month.choices = [(month.isoformat(), f"{month:%B %Y}") for month in months]
    if form.validate_on_submit():
        return _generated(snapshots.generate_audit_report(date.fromisoformat(form.month.data), actor=current_user,
                                                          now=now(), today=today()))
    return render_template("reports/audits.html", form=form, reports=queries.audit_reports(), has_rounds=bool(months))


def _generated(report: Report):
    flash("The report is generated. Check what the checks found, then download it or release it.", "success")
    return redirect(url_for("reports.show", report_id=report.id))


def _readable(report_id: int) -> Report:
    report = get_or_404(Report, report_id)
    if not permissions.may_read_report(current_user, report):
        abort(403)
    return report


@bp.route("/<int:report_id>", methods=["GET", "POST"])
def show(report_id: int):
    """One generated report: what its checks found, the download, and (for a draft) the release."""
    report = _readable(report_id)
    manages = permissions.manages_reports(current_user, report.kind)
    if request.method == "POST" and not manages:
        abort(403)
    form = ReleaseForm(version=report.version)
    if form.validate_on_submit() and applied(form, lambda: snapshots.release(
            report, version=form.version.data, checked_warnings=form.checked_warnings.data, actor=current_user,
            now=now()), report):
        flash(f"{report.title} is released.", "success")
        return redirect(url_for("reports.show", report_id=report.id))
    return render_template("reports/show.html", report=report, form=form, manages=manages,
                           warnings=[p for p in report.problems if not p["blocking"]],
                           blocking=report.blocking_problems, ReportState=ReportState)


@bp.route("/<int:report_id>/document.docx")
def document(report_id: int):
    """The .docx exactly as it was generated (the same bytes every time)."""
    report = _readable(report_id)
    return download(snapshots.document_of(report), DOCX, report.filename,
                    exported=f"{report.title}, {long_date(report.as_at)} (Word)")
