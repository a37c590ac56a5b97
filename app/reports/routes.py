"""Reports: programme managers prepare, check and release the plan progress report for each meeting; QA leads the
monthly audit report; everyone entitled downloads released reports exactly as they were released."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.decorators import programme_manager_required, qa_lead_required
from app.clock import now, today
from app.extensions import db
from app.models import AuditRound, Meeting, Plan, Report, ReportKind, ReportState
from app.reports import bp
from app.reports.forms import AuditReportForm, PlanReportForm, ReleaseForm
from app.services import permissions
from app.services.errors import DomainError
from app.services.reports import snapshots
from app.services.reports.plan_report import FRONT_BLOCK, SECTIONS
from app.web import download, get_or_404, show_error

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/reports")
def index():
    """Each meeting with its plan reports, and the monthly audit reports: drafts only for those who manage them."""
    reports = [report for report in db.session.scalars(
        select(Report).order_by(Report.generated_at.desc(), Report.id.desc())) if permissions.may_read_report(
        current_user, report)]
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc())).all()
    by_meeting: dict[int, list[Report]] = {}
    for report in reports:
        if report.meeting_id:
            by_meeting.setdefault(report.meeting_id, []).append(report)
    return render_template(
        "reports/index.html", meetings=meetings, by_meeting=by_meeting,
        audit_reports=[r for r in reports if r.kind == ReportKind.AUDIT_MONTHLY],
        manages_plan_reports=permissions.manages_reports(current_user, ReportKind.PLAN_PROGRESS),
        manages_audit_reports=permissions.manages_reports(current_user, ReportKind.AUDIT_MONTHLY))


@bp.route("/reports/meetings/<int:meeting_id>", methods=["GET", "POST"])
@programme_manager_required
def meeting(meeting_id: int):
    """The plan progress report for a meeting: what to say in it, then generate a draft to check."""
    chosen = get_or_404(Meeting, meeting_id)
    plans = db.session.scalars(select(Plan).order_by(Plan.id.desc())).all()
    if not plans:
        flash("There is no plan to report on yet. Import or load a plan first.", "error")
        return redirect(url_for("reports.index"))
    if request.method == "GET":
        plan = _plan_to_fill_in(chosen, plans)
        form = PlanReportForm(data={**snapshots.details_for(plan, chosen), "plan_id": plan.id})
    else:
        form = PlanReportForm()
    form.plan_id.choices = [(plan.id, plan.title) for plan in plans]
    if form.validate_on_submit():
        plan = get_or_404(Plan, form.plan_id.data)
        report = snapshots.generate_plan_report(plan, chosen, form.details, actor=current_user, now=now(),
                                                today=today())
        flash("The report is generated. Check what the checks found, then download it or release it.", "success")
        return redirect(url_for("reports.show", report_id=report.id))
    versions = db.session.scalars(select(Report).where(Report.meeting_id == chosen.id)
                                  .order_by(Report.generated_at.desc(), Report.id.desc())).all()
    return render_template("reports/meeting.html", meeting=chosen, form=form, versions=versions,
                           front_block=FRONT_BLOCK, sections=SECTIONS)


def _plan_to_fill_in(meeting: Meeting, plans: list[Plan]) -> Plan:
    """The plan whose details fill the form: the one asked for (?plan_id=), else the plan of the meeting's latest
    report, else the latest plan."""
    by_id = {plan.id: plan for plan in plans}
    asked = request.args.get("plan_id", type=int)
    reported = db.session.scalar(select(Report.plan_id).where(Report.meeting_id == meeting.id, Report.plan_id.is_not(None))
                                 .order_by(Report.generated_at.desc(), Report.id.desc()).limit(1))
    return by_id.get(asked) or by_id.get(reported) or plans[0]


@bp.route("/reports/audits", methods=["GET", "POST"])
@qa_lead_required
def audits():
    """Generate the monthly audit report for a month's rounds."""
    form = AuditReportForm()
    months = db.session.scalars(select(AuditRound.month).distinct().order_by(AuditRound.month.desc())).all()
    form.month.choices = [(month.isoformat(), f"{month:%B %Y}") for month in months]
    if form.validate_on_submit():
        report = snapshots.generate_audit_report(date.fromisoformat(form.month.data), actor=current_user, now=now(),
                                                 today=today())
        flash("The report is generated. Check what the checks found, then download it or release it.", "success")
        return redirect(url_for("reports.show", report_id=report.id))
    reports = db.session.scalars(select(Report).where(Report.kind == ReportKind.AUDIT_MONTHLY)
                                 .order_by(Report.month.desc(), Report.generated_at.desc())).all()
    return render_template("reports/audits.html", form=form, reports=reports, has_rounds=bool(months))


def _readable(report_id: int) -> Report:
    report = get_or_404(Report, report_id)
    if not permissions.may_read_report(current_user, report):
        abort(403)
    return report


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
def show(report_id: int):
    """One generated report: what its checks found, the download, and (for a draft) the release."""
    report = _readable(report_id)
    manages = permissions.manages_reports(current_user, report.kind)
    form = ReleaseForm(version=report.version)
    if request.method == "POST":
        if not manages:
            abort(403)
        if form.validate_on_submit():
            try:
                snapshots.release(report, version=form.version.data, checked_warnings=form.checked_warnings.data,
                                  actor=current_user, now=now())
                flash(f"{report.title} is released.", "success")
                return redirect(url_for("reports.show", report_id=report.id))
            except DomainError as error:
                db.session.rollback()
                show_error(form, error, report)
    return render_template("reports/show.html", report=report, form=form, manages=manages,
                           warnings=[p for p in report.problems if not p["blocking"]],
                           blocking=report.blocking_problems, ReportState=ReportState)


@bp.route("/reports/<int:report_id>/document.docx")
def document(report_id: int):
    """The .docx exactly as it was generated (the same bytes every time)."""
    report = _readable(report_id)
    return download(snapshots.document_of(report), DOCX, report.filename)
