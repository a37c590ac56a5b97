"""Audit rounds and allocation (QA leads); everyone's list of the audits they may see; the findings."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audits import allowed_or_403, bp
from app.audits.forms.rounds import AllocationForm, RoundForm, findings_filter, proposal_form
from app.auth.decorators import qa_lead_required
from app.clock import now, today
from app.models import AuditRound, AuditState, Grade, PoolCase, SafeguardingAlert
from app.services import exports, people
from app.services.audits import charts as audit_charts
from app.services.audits import findings as audit_findings
from app.services.audits import queries as audit_queries
from app.services.audits import rounds as audit_rounds
from app.services.audits import work as audit_work
from app.services.wording import agrees, plural
from app.web import applied, download, get_or_404, list_query


@bp.route("/")
def index():
    """The audits this person may see: their own, their teams' cases, and for QA leads every round."""
    listing = audit_queries.visible_audits(current_user, list_query(audit_queries.AUDIT_SORTS, "allocated",
                                                                    descending=True))
    return render_template("audits/index.html", listing=listing, rounds=audit_queries.rounds_for(current_user),
                           title="Audits")


# --- Rounds and allocation -----------------------------------------------------------------------


@bp.route("/rounds/new", methods=["GET", "POST"])
@qa_lead_required
def new_round():
    form = RoundForm()
    form.teams.choices = people.team_choices()
    started = []
    if form.validate_on_submit() and applied(form, lambda: started.append(audit_rounds.create_round(
            **form.round_values(), actor=current_user, now=now()))):
        chosen = len(started[0].selections)
        flash(f"{plural(chosen, 'case')} {agrees(chosen, 'was', 'were')} chosen (seed {started[0].seed})", "success")
        return redirect(url_for("audits.round_page", round_id=started[0].id))
    return render_template("_form_page.html", form=form, title="Start an audit round", cancel_url=url_for("audits.index"))


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@qa_lead_required
def round_page(round_id: int):
    audit_round = audit_queries.round_with_cases(round_id) or abort(404)
    form = AllocationForm()
    form.auditor_id.choices = [(0, "Choose an auditor")] + people.auditor_choices()
    if form.validate_on_submit() and applied(form, lambda: _allocate(audit_round, form)):
        return redirect(url_for("audits.round_page", round_id=round_id))
    return render_template("audits/round.html", audit_round=audit_round, form=form, states=AuditState,
                           allocated={audit.case_id: audit for audit in audit_round.audits},
                           moderations=audit_queries.round_moderations(audit_round),
                           moderators=people.moderator_choices(), title=audit_round.title)


def _allocate(audit_round: AuditRound, form: AllocationForm) -> None:
    case = get_or_404(PoolCase, form.case_id.data)
    audit = audit_rounds.allocate(audit_round, case, people.find_person(form.auditor_id.data),
                                  override_reason=form.override_reason.data, actor=current_user, now=now())
    flash(f"Case {case.reference} is allocated to {audit.auditor.name}", "success")


@bp.route("/rounds/<int:round_id>/allocate", methods=["GET", "POST"])
@qa_lead_required
def allocate_round(round_id: int):
    """Every case still to allocate with a proposed auditor, to adjust and confirm once."""
    audit_round = audit_queries.round_with_cases(round_id) or abort(404)
    proposal = audit_rounds.round_proposal(audit_round)
    case_ids = [selection.case_id for selection in audit_round.selections]
    form, done = proposal_form(proposal.rows, case_ids), []
    if form.validate_on_submit() and applied(form, lambda: done.append(audit_rounds.allocate_several(
            audit_round, form.chosen(case_ids), actor=current_user, now=now()))):
        flash(_allocated_words(done[0]), "success")
        return redirect(url_for("audits.round_page", round_id=round_id))
    return render_template("audits/allocate_round.html", audit_round=audit_round, proposal=proposal, form=form,
                           row_field=audit_rounds.row_field, title="Allocate the round's cases")


def _allocated_words(result: audit_rounds.Allocated) -> str:
    """One banner for one confirm: how many were allocated, any allocated meanwhile by someone else, any left."""
    count = len(result.audits)
    words = [f"{plural(count, 'case')} {agrees(count, 'was', 'were')} allocated" if count else "No case was allocated"]
    words += [f"Case {audit.case.reference} had already been allocated to {audit.auditor.name} by someone else: "
              "it is left as it was" for audit in result.already]
    if result.left:
        words.append(f"{plural(result.left, 'case')} {agrees(result.left, 'is', 'are')} left to allocate")
    return ". ".join(words)


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
def acknowledge_alert(alert_id: int):
    alert = get_or_404(SafeguardingAlert, alert_id)
    allowed_or_403(lambda: audit_work.acknowledge(alert, actor=current_user, now=now()))
    flash("The alert is marked as seen", "success")
    return redirect(url_for("main.my_work"))


# --- Findings -------------------------------------------------------------------------------------


@bp.route("/export.<file_format>")
@qa_lead_required
def export_audits(file_format: str):
    if file_format not in exports.FORMATS:
        abort(404)
    table = exports.audits_table(exported_by=current_user, now=now())
    content, content_type = exports.write(table, file_format)
    return download(content, content_type, f"case-file-audits-{today():%Y-%m-%d}.{file_format}",
                    exported=f"Case-file audits ({file_format.upper()}), {plural(len(table.rows), 'row')}")


@bp.route("/findings")
def findings_page():
    filters, problems = findings_filter(request.args, today())
    result = audit_findings.findings(filters, today())
    return render_template("audits/findings.html", result=result, filters=filters, problems=problems,
                           teams=people.team_choices(), grades=list(Grade), title="Audit findings")


@bp.route("/findings/elements.png")
def findings_chart():
    filters, _ = findings_filter(request.args, today())
    return _png_response(audit_charts.element_grades_png(audit_findings.element_grades(filters)))


@bp.route("/findings/trend.png")
def findings_trend_chart():
    filters, _ = findings_filter(request.args, today())
    return _png_response(audit_charts.trend_png(audit_findings.by_month(filters)))


def _png_response(png: bytes) -> Response:
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})
