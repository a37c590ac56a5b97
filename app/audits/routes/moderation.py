"""Moderation: QA leads choose a sample of a round's submitted audits; the moderator agrees or changes grades."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audits import bp
from app.auth.decorators import qa_lead_required
from app.clock import now
from app.extensions import db
from app.models import Audit, AuditElement, AuditRound, AuditTool, Grade, Moderation, Person, Role
from app.services.audits import moderation
from app.services.audits import work as audit_work
from app.services.audits.moderation import ElementDecision
from app.services.errors import DomainError, NotAllowedError
from app.web import get_or_404


@bp.route("/rounds/<int:round_id>/moderation", methods=["POST"])
@qa_lead_required
def choose_moderation(round_id: int):
    audit_round = get_or_404(AuditRound, round_id)
    moderator = db.session.get(Person, request.form.get("moderator_id", type=int) or 0)
    share = request.form.get("share", type=float)
    chosen = [int(value) for value in request.form.getlist("audit_ids") if value.isdigit()]
    try:
        if moderator is None or not moderator.has_role(Role.QA_LEAD, Role.ADMIN):
            raise DomainError("Choose a moderator from the QA leads")
        picked = moderation.choose_sample(audit_round, share=share / 100 if share and not chosen else None,
                                          audit_ids=chosen or None, seed=request.form.get("seed", type=int),
                                          moderator=moderator, actor=current_user, now=now())
        seed = f" (seed {picked[0].seed})" if picked[0].seed is not None else ""
        what = "1 audit is" if len(picked) == 1 else f"{len(picked)} audits are"
        flash(f"{what} to be moderated by {moderator.name}{seed}", "success")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return redirect(url_for("audits.round_page", round_id=round_id))


def _moderation(moderation_id: int) -> Moderation:
    return db.session.scalar(select(Moderation).where(Moderation.id == moderation_id).options(
        selectinload(Moderation.audit).selectinload(Audit.element_grades),
        selectinload(Moderation.audit).selectinload(Audit.record),
        selectinload(Moderation.audit).selectinload(Audit.case),
        selectinload(Moderation.audit).selectinload(Audit.tool).selectinload(AuditTool.elements)
        .selectinload(AuditElement.standards),
        selectinload(Moderation.grades))) or abort(404)


@bp.route("/moderations/<int:moderation_id>", methods=["GET", "POST"])
def moderate(moderation_id: int):
    item = _moderation(moderation_id)
    try:
        audit_work.open_audit(item.audit, current_user, kind="moderate", now=now())
    except NotAllowedError:
        abort(403)
    if current_user.id != item.moderator_id and request.method == "POST":
        abort(403)
    errors, values = {}, request.form if request.method == "POST" else _recorded(item)
    if request.method == "POST":
        elements = {element.id: ElementDecision(Grade(values.get(f"grade_{element.id}") or _auditor_grade(item, element)),
                                                values.get(f"reason_{element.id}", ""))
                    for element in item.audit.tool.elements}
        try:
            moderation.record(item, elements=elements, overall_grade=Grade(values.get("overall_grade")),
                              overall_reason=values.get("overall_reason", ""), actor=current_user, now=now())
            flash("The moderation is recorded", "success")
            return redirect(url_for("audits.audit", audit_id=item.audit_id))
        except (DomainError, ValueError) as error:
            db.session.rollback()
            message = getattr(error, "message", "Choose the overall grade")
            errors[getattr(error, "field", None) or "overall_grade"] = message
    return render_template("audits/moderate.html", item=item, grades=list(Grade), errors=errors, values=values,
                           auditor_grades={g.element_id: g for g in item.audit.element_grades},
                           may_record=current_user.id == item.moderator_id and item.completed_at is None,
                           title=f"Moderate the audit of case {item.audit.case.reference}")


def _recorded(item: Moderation) -> dict:
    """A recorded moderation's grades and reasons, shown as they were recorded."""
    values = {"overall_grade": item.overall_grade.value if item.overall_grade else "", "overall_reason": item.overall_reason}
    for grade in item.grades:
        values[f"grade_{grade.element_id}"], values[f"reason_{grade.element_id}"] = grade.grade.value, grade.reason
    return values


def _auditor_grade(item: Moderation, element: AuditElement) -> str:
    grade = next((g.grade for g in item.audit.element_grades if g.element_id == element.id), None)
    return (grade or Grade.GOOD).value
