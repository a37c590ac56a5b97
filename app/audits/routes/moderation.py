"""Moderation: QA leads choose a sample of a round's submitted audits; the moderator agrees or changes grades."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audits import allowed_or_403, bp
from app.auth.decorators import qa_lead_required
from app.clock import now
from app.models import AuditElement, AuditRound, Grade, Moderation
from app.services import people
from app.services.audits import moderation
from app.services.audits import queries as audit_queries
from app.services.audits import work as audit_work
from app.services.audits.moderation import ElementDecision
from app.services.numbers import whole_number
from app.services.wording import agrees, plural
from app.web import applied, get_or_404


@bp.route("/rounds/<int:round_id>/moderation", methods=["POST"])
@qa_lead_required
def choose_moderation(round_id: int):
    audit_round = get_or_404(AuditRound, round_id)
    applied(None, lambda: _choose_sample(audit_round))
    return redirect(url_for("audits.round_page", round_id=round_id))


def _choose_sample(audit_round: AuditRound) -> None:
    """A share of the round's submitted audits (in per cent), or the ones ticked; then say who moderates them."""
    share = request.form.get("share", type=float)
    chosen = [number for value in request.form.getlist("audit_ids") if (number := whole_number(value)) is not None]
    picked = moderation.choose_sample_for_qa_lead(
        audit_round, moderator=people.find_person(request.form.get("moderator_id", type=int)),
        share=share / 100 if share and not chosen else None, audit_ids=chosen or None,
        seed=request.form.get("seed", type=int), actor=current_user, now=now())
    seed = f" (seed {picked[0].seed})" if picked[0].seed is not None else ""
    flash(f"{plural(len(picked), 'audit')} {agrees(len(picked), 'is', 'are')} to be moderated by "
          f"{picked[0].moderator.name}{seed}", "success")


@bp.route("/moderations/<int:moderation_id>", methods=["GET", "POST"])
def moderate(moderation_id: int):
    item = audit_queries.load_moderation(moderation_id) or abort(404)
    allowed_or_403(lambda: audit_work.open_audit(item.audit, current_user, kind="moderate", now=now()))
    if current_user.id != item.moderator_id and request.method == "POST":
        abort(403)
    errors, values = PageErrors(), request.form if request.method == "POST" else _recorded(item)
    if request.method == "POST" and applied(errors, lambda: _record(item, values)):
        flash("The moderation is recorded", "success")
        return redirect(url_for("audits.audit", audit_id=item.audit_id))
    return render_template("audits/moderate.html", item=item, grades=list(Grade), errors=errors, values=values,
                           auditor_grades={g.element_id: g for g in item.audit.element_grades},
                           may_record=current_user.id == item.moderator_id and item.completed_at is None,
                           title=f"Moderate the audit of case {item.audit.case.reference}")


def _record(item: Moderation, values) -> None:
    """The grades as posted: an element left blank keeps the auditor's grade."""
    elements = {element.id: ElementDecision(Grade(values.get(f"grade_{element.id}") or _auditor_grade(item, element)),
                                            values.get(f"reason_{element.id}", ""))
                for element in item.audit.tool.elements}
    overall = values.get("overall_grade")
    moderation.record(item, elements=elements, overall_grade=Grade(overall) if overall in set(Grade) else None,
                      overall_reason=values.get("overall_reason", ""), actor=current_user, now=now())


class PageErrors(dict):
    """The moderation page has no WTForm: applied() puts each message here under its field's name, as on a form."""

    def __getattr__(self, name: str) -> "_FieldErrors":
        return _FieldErrors(self, name)


class _FieldErrors:
    def __init__(self, page: PageErrors, name: str):
        self.page, self.name = page, name

    errors = property(lambda self: [], lambda self, messages: self.page.__setitem__(self.name, messages[-1]))


def _recorded(item: Moderation) -> dict:
    """A recorded moderation's grades and reasons, shown as they were recorded."""
    values = {"overall_grade": item.overall_grade.value if item.overall_grade else "", "overall_reason": item.overall_reason}
    for grade in item.grades:
        values[f"grade_{grade.element_id}"], values[f"reason_{grade.element_id}"] = grade.grade.value, grade.reason
    return values


def _auditor_grade(item: Moderation, element: AuditElement) -> str:
    grade = next((g.grade for g in item.audit.element_grades if g.element_id == element.id), None)
    return (grade or Grade.GOOD).value
