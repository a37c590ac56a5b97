"""The audit form: open (access checked and logged), save a draft, resume, submit; a completed audit as Word."""

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.audits import bp
from app.audits.forms.audit import (
    LEARNING_ROWS,
    SHARING_ROWS,
    audit_form_class,
    draft_from,
    initial_data,
    place_missing,
)
from app.clock import now
from app.extensions import db
from app.models import Audit, AuditElement, AuditState, AuditTool, Moderation, Person, PersonKind, SmartRecommendation
from app.services.audits import work as audit_work
from app.services.audits.work import open_learning_points
from app.services.errors import DomainError, NotAllowedError
from app.services.reports import audit_record
from app.web import download, get_or_404, show_error

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

STATE_TAGS = {
    AuditState.ALLOCATED: "govuk-tag--grey",
    AuditState.IN_PROGRESS: "govuk-tag--light-blue",
    AuditState.SUBMITTED: "govuk-tag--blue",
    AuditState.MODERATED: "govuk-tag--green",
    AuditState.CLOSED: "govuk-tag--purple",
}


def editable_by(audit: Audit, person) -> bool:
    return person.id == audit.auditor_id and AuditState(audit.state) in audit_work.EDITABLE


def load_audit(audit_id: int) -> Audit:
    """The audit with its tool (elements, standards) and everything recorded, in a fixed number of queries."""
    return db.session.scalar(select(Audit).where(Audit.id == audit_id).options(
        joinedload(Audit.round), joinedload(Audit.case), joinedload(Audit.auditor), joinedload(Audit.record),
        joinedload(Audit.tool).selectinload(AuditTool.elements).selectinload(AuditElement.standards),
        selectinload(Audit.answers), selectinload(Audit.element_grades), selectinload(Audit.parties),
        selectinload(Audit.recommendations).joinedload(SmartRecommendation.owner),
        selectinload(Audit.learning_points), selectinload(Audit.shared_with),
        selectinload(Audit.moderation).selectinload(Moderation.grades),
        selectinload(Audit.moderation).joinedload(Moderation.moderator)))


def grade_warning(audit: Audit) -> str | None:
    """The overall grade checked against the saved element grades."""
    overall = audit.record.overall_grade if audit.record else None
    return audit_work.overall_grade_warning([entry.grade for entry in audit.element_grades], overall)


def page_context(audit: Audit) -> dict:
    return {"audit": audit, "tool": json.loads(audit.tool.definition), "state_classes": STATE_TAGS,
            "collect_identity": current_app.config["AUDIT_COLLECT_CHILD_IDENTITY"], "warning": grade_warning(audit)}


# --- Reading an audit ---------------------------------------------------------------------------


@bp.route("/<int:audit_id>")
def audit(audit_id: int):
    audit = get_or_404(Audit, audit_id)
    if editable_by(audit, current_user):
        return redirect(url_for("audits.edit", audit_id=audit.id))  # the form logs the auditor's opening of it
    try:
        audit_work.open_audit(audit, current_user, kind="view", now=now())
    except NotAllowedError:
        abort(403)
    audit = load_audit(audit_id)
    answers = {answer.standard_id: answer.answer for answer in audit.answers}
    grades = {entry.element_id: entry for entry in audit.element_grades}
    return render_template("audits/audit_view.html", **page_context(audit), answers=answers, grades=grades,
                           may_download=completed(audit), title=f"Audit of case {audit.case.reference}")


def completed(audit: Audit) -> bool:
    """Submitted or later: only then is there an audit to share."""
    return audit_record.has_document(audit)


@bp.route("/<int:audit_id>/audit.docx")
def download_audit(audit_id: int):
    """The completed audit as a Word document, for those who may read it; every download is logged as an export.
    An audit still being written (or returned to its auditor) has no document yet: back to the audit, saying so."""
    audit = get_or_404(Audit, audit_id)
    try:
        content = audit_record.export(audit, current_user, now=now(),
                                      include_identity=current_app.config["AUDIT_COLLECT_CHILD_IDENTITY"])
    except NotAllowedError:
        abort(403)
    except DomainError as error:
        flash(error.message, "info")
        return redirect(url_for("audits.audit", audit_id=audit.id))
    return download(content, DOCX, audit_record.filename(audit))


# --- Doing an audit -----------------------------------------------------------------------------


@bp.route("/<int:audit_id>/edit", methods=["GET", "POST"])
def edit(audit_id: int):
    audit = get_or_404(Audit, audit_id)
    if current_user.id != audit.auditor_id:
        abort(403)
    if not editable_by(audit, current_user):
        flash(f"This audit is {AuditState(audit.state).label.lower()}, so it can no longer be changed", "info")
        return redirect(url_for("audits.audit", audit_id=audit.id))
    audit_work.open_audit(audit, current_user, kind="edit", now=now())
    audit = load_audit(audit_id)
    form = make_form(audit)
    if form.validate_on_submit():
        try:
            alerts = audit_work.save_draft(audit, draft_from(form, audit), version=form.version.data,
                                           actor=current_user, now=now(),
                                           collect_identity=current_app.config["AUDIT_COLLECT_CHILD_IDENTITY"])
        except DomainError as error:
            db.session.rollback()
            audit = load_audit(audit_id)
            show_error(form, error, audit)
            return render_form(audit, form)
        flash("Draft saved", "success")
        if alerts:
            flash(alert_message(audit, alerts), "info")
        elif audit.record and audit.record.immediate_actions.strip() and not (
                audit.case.team_manager_id or audit.case.service_manager_id):
            flash("No team manager or service manager is recorded for this case, so no one has been alerted to the "
                  "immediate actions. Tell them yourself now, and ask a QA lead to add them to the case.", "error")
        if not form.submitting:
            return redirect(url_for("audits.edit", audit_id=audit.id))
        try:
            audit_work.submit(audit, actor=current_user, now=now())
        except DomainError as error:
            audit = load_audit(audit_id)
            form.show_version(audit.version)  # the draft is saved: a second try must not look like a conflict
            missing = audit_work.missing_for_submission(audit)
            for message in place_missing(form, audit, missing) if missing else [error.message]:
                flash(message, "error")  # only what has no field of its own: the rest is next to its field
            return render_form(audit, form)
        flash("Audit submitted", "success")
        return redirect(url_for("audits.audit", audit_id=audit.id))
    return render_form(audit, form)


def make_form(audit: Audit):
    """The form for this audit's version of the tool: what was saved on opening, what was typed on a post."""
    definition = json.loads(audit.tool.definition)
    form_class = audit_form_class(
        definition, audit.tool.elements, collect_identity=current_app.config["AUDIT_COLLECT_CHILD_IDENTITY"],
        recommendation_rows=max(definition.get("smart_recommendations_rows_in_template", 6),
                                len(audit.recommendations)),
        learning_rows=max(LEARNING_ROWS, len(open_learning_points(audit))),
        sharing_rows=max(SHARING_ROWS, len(audit.shared_with)))
    form = form_class() if request.method == "POST" else form_class(data=initial_data(audit, form_class))
    owners = {item.owner_id for item in audit.recommendations if item.owner_id}
    people = db.session.execute(select(Person.id, Person.name).where(or_(
        and_(Person.kind == PersonKind.INDIVIDUAL, Person.active.is_(True)), Person.id.in_(owners)))
        .order_by(Person.name)).all()
    form.set_people(people)
    return form


def render_form(audit: Audit, form):
    return render_template("audits/audit_form.html", **page_context(audit), form=form,
                           promoted=[point for point in audit.learning_points if point.action_id],
                           title=f"Audit of case {audit.case.reference}")


def alert_message(audit: Audit, alerts) -> str:
    roles = {audit.case.team_manager_id: "team manager", audit.case.service_manager_id: "service manager"}
    names = [f"{alert.recipient.name} ({roles.get(alert.recipient_id, 'manager')})" for alert in alerts]
    return (f"{' and '.join(names)} {'has' if len(names) == 1 else 'have'} been alerted to the immediate actions "
            "needed to safeguard the child")
