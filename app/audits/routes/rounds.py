"""Audit rounds, the case pool and allocation (QA leads); everyone's list of the audits they may see."""

from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.audits import bp
from app.audits.forms.rounds import AllocationForm, PoolCaseForm, PoolImportForm, RoundForm
from app.auth.decorators import qa_lead_required
from app.clock import now, today
from app.extensions import db
from app.models import (
    Audit,
    AuditRound,
    AuditState,
    Grade,
    Moderation,
    Person,
    PoolCase,
    Role,
    RoundKind,
    RoundSelection,
    SafeguardingAlert,
    Team,
)
from app.services import exports
from app.services.audits import charts as audit_charts
from app.services.audits import findings as audit_findings
from app.services.audits import rounds as audit_rounds
from app.services.audits import work as audit_work
from app.services.audits.findings import FindingsFilter
from app.services.audits.rounds import CASE_FLAGS, SelectionCriteria
from app.services.errors import DomainError, NotAllowedError
from app.services.importers import case_pool
from app.services.plans.due_dates import read_month
from app.web import download, get_or_404, show_error


@bp.route("/")
def index():
    """The audits this person may see: their own, their teams' cases, and for QA leads every round."""
    mine = or_(Audit.auditor_id == current_user.id,
               Audit.case_id.in_(select(PoolCase.id).where(or_(PoolCase.team_manager_id == current_user.id,
                                                               PoolCase.service_manager_id == current_user.id))))
    visible = db.session.scalars(
        select(Audit).where(mine).options(selectinload(Audit.case), selectinload(Audit.round))
        .order_by(Audit.allocated_at.desc()).limit(200)).all()
    rounds = []
    if current_user.has_role(Role.QA_LEAD, Role.ADMIN):
        rounds = db.session.execute(
            select(AuditRound, func.count(Audit.id), func.count(Audit.submitted_at))
            .outerjoin(Audit, Audit.round_id == AuditRound.id).group_by(AuditRound.id)
            .order_by(AuditRound.month.desc(), AuditRound.id.desc())).all()
    return render_template("audits/index.html", audits=visible, rounds=rounds, title="Audits")


# --- The case pool -------------------------------------------------------------------------------


@bp.route("/pool")
@qa_lead_required
def pool():
    cases = db.session.scalars(select(PoolCase).options(selectinload(PoolCase.team)).order_by(PoolCase.reference)
                               .limit(1000)).all()
    total = db.session.scalar(select(func.count()).select_from(PoolCase))
    return render_template("audits/pool.html", cases=cases, total=total, flags=CASE_FLAGS, title="Case pool")


def _people_choices(empty: str) -> list:
    return [(0, empty)] + [(pid, name) for pid, name in db.session.execute(
        select(Person.id, Person.name).where(Person.kind == "individual").order_by(Person.name))]


@bp.route("/pool/new", methods=["GET", "POST"])
@qa_lead_required
def add_case():
    form = PoolCaseForm()
    form.team_id.choices = [(tid, name) for tid, name in db.session.execute(select(Team.id, Team.name).order_by(Team.name))]
    form.team_manager_id.choices = form.service_manager_id.choices = _people_choices("Not known")
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in ("reference", "team_id", "allocated_worker", "plan_type",
                                                              *CASE_FLAGS)}
        values.update(team_manager_id=form.team_manager_id.data or None,
                      service_manager_id=form.service_manager_id.data or None)
        try:
            case = audit_rounds.add_case(values, now=now())
            flash(f"Case {case.reference} is in the pool", "success")
            return redirect(url_for("audits.pool"))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("_form_page.html", form=form, title="Add a case to the pool", cancel_url=url_for("audits.pool"))


@bp.route("/pool/import", methods=["GET", "POST"])
@qa_lead_required
def import_cases():
    form = PoolImportForm()
    checked = None
    if form.validate_on_submit():
        checked = case_pool.preview(form.csv_text.data)
        if form.confirm.data and checked.ready:
            count = case_pool.import_cases(form.csv_text.data, now=now())
            flash(f"{count} {'case was' if count == 1 else 'cases were'} added to the pool", "success")
            return redirect(url_for("audits.pool"))
    return render_template("audits/pool_import.html", form=form, checked=checked, title="Import cases")


# --- Rounds and allocation -----------------------------------------------------------------------


@bp.route("/rounds/new", methods=["GET", "POST"])
@qa_lead_required
def new_round():
    form = RoundForm()
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    form.teams.choices = [(tid, name) for tid, name in teams]
    if form.validate_on_submit():
        month = read_month(form.month.data)
        if month.problem:
            form.month.errors = [month.problem[0].upper() + month.problem[1:]]
        else:
            criteria = SelectionCriteria(tuple(form.teams.data or ()), tuple(form.plan_types.data or ()),
                                         tuple(form.flags.data or ()))
            try:
                audit_round = audit_rounds.create_round(
                    kind=RoundKind(form.kind.data), month=month.on, title=form.title.data, theme=form.theme.data,
                    criteria=criteria, criteria_text=criteria.describe(dict(teams)), sample_size=form.sample_size.data,
                    seed=form.seed.data, actor=current_user, now=now())
                chosen = len(audit_round.selections)
                flash(f"{chosen} {'case was' if chosen == 1 else 'cases were'} chosen (seed {audit_round.seed})", "success")
                return redirect(url_for("audits.round_page", round_id=audit_round.id))
            except DomainError as error:
                db.session.rollback()
                show_error(form, error)
    return render_template("_form_page.html", form=form, title="Start an audit round", cancel_url=url_for("audits.index"))


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@qa_lead_required
def round_page(round_id: int):
    audit_round = db.session.scalar(select(AuditRound).where(AuditRound.id == round_id).options(
        selectinload(AuditRound.selections).selectinload(RoundSelection.case).selectinload(PoolCase.team),
        selectinload(AuditRound.audits).selectinload(Audit.auditor),
        selectinload(AuditRound.audits).selectinload(Audit.case))) or abort(404)
    auditors = db.session.scalars(select(Person).where(Person.role.in_([Role.AUDITOR, Role.QA_LEAD]),
                                                       Person.active.is_(True))
                                  .options(selectinload(Person.team)).order_by(Person.name)).all()
    form = AllocationForm()
    form.auditor_id.choices = [(0, "Choose an auditor")] + [
        (p.id, f"{p.name} ({p.team.name if p.team else 'no team'})") for p in auditors]
    if form.validate_on_submit():
        case = get_or_404(PoolCase, form.case_id.data)
        auditor = db.session.get(Person, form.auditor_id.data)
        try:
            if auditor is None:
                raise DomainError("Choose an auditor", field="auditor_id")
            audit_rounds.allocate(audit_round, case, auditor, override_reason=form.override_reason.data,
                            actor=current_user, now=now())
            flash(f"Case {case.reference} is allocated to {auditor.name}", "success")
            return redirect(url_for("audits.round_page", round_id=round_id))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
    allocated = {audit.case_id: audit for audit in audit_round.audits}
    moderations = {m.audit_id: m for m in db.session.scalars(
        select(Moderation).join(Audit).where(Audit.round_id == round_id).options(selectinload(Moderation.moderator)))}
    return render_template("audits/round.html", audit_round=audit_round, allocated=allocated, form=form,
                           moderations=moderations, moderators=[p for p in auditors if p.has_role(Role.QA_LEAD)],
                           states=AuditState, title=audit_round.title)


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
def acknowledge_alert(alert_id: int):
    alert = get_or_404(SafeguardingAlert, alert_id)
    try:
        audit_work.acknowledge(alert, actor=current_user, now=now())
    except NotAllowedError:
        abort(403)
    flash("The alert is marked as seen", "success")
    return redirect(url_for("main.my_work"))


# --- Findings -------------------------------------------------------------------------------------


def _findings_filter(args) -> tuple[FindingsFilter, list[str]]:
    """The period, team and type asked for; bad months are reported, never guessed (the default is used instead)."""
    problems = []
    this_month = today().replace(day=1)
    default_first = (this_month - timedelta(days=150)).replace(day=1)
    months = []
    for name, default in (("from", default_first), ("to", this_month)):
        text = args.get(name, "").strip()
        reading = read_month(text) if text else None
        if reading and reading.problem:
            problems.append(reading.problem[0].upper() + reading.problem[1:])
        months.append(reading.on.replace(day=1) if reading and reading.on else default)
    team = args.get("team", "")
    kind = args.get("kind", "")
    return FindingsFilter(months[0], months[1], team_id=int(team) if team.isdigit() else None,
                          kind=RoundKind(kind) if kind in {k.value for k in RoundKind} else None), problems


@bp.route("/export.<file_format>")
@qa_lead_required
def export_audits(file_format: str):
    if file_format not in exports.FORMATS:
        abort(404)
    table = exports.audits_table(exported_by=current_user, now=now())
    content, content_type = exports.write(table, file_format)
    return download(content, content_type, f"case-file-audits-{today():%Y-%m-%d}.{file_format}")


@bp.route("/findings")
def findings_page():
    filters, problems = _findings_filter(request.args)
    result = audit_findings.findings(filters, today())
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    return render_template("audits/findings.html", result=result, filters=filters, problems=problems, teams=teams,
                           grades=list(Grade), title="Audit findings")


@bp.route("/findings/elements.png")
def findings_chart():
    filters, _ = _findings_filter(request.args)
    return _png_response(audit_charts.element_grades_png(audit_findings.element_grades(filters)))


@bp.route("/findings/trend.png")
def findings_trend_chart():
    filters, _ = _findings_filter(request.args)
    return _png_response(audit_charts.trend_png(audit_findings.by_month(filters)))


def _png_response(png: bytes) -> Response:
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})
