"""The audit form: open (access checked and logged), save a draft, resume, submit; a completed audit as Word."""

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audits import allowed_or_403, bp
from app.audits.forms.audit import (
    LEARNING_ROWS,
    SHARING_ROWS,
    audit_form_class,
    draft_from,
    initial_data,
    place_missing,
)
from app.clock import now, today
from app.models import Audit, AuditState
from app.services import people
from app.services.audits import queries as audit_queries
from app.services.audits import retention
from app.services.audits import work as audit_work
from app.services.audits.queries import load_audit
from app.services.audits.work import open_learning_points
from app.services.reports import audit_record
from app.web import applied, download, get_or_404

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
    allowed_or_403(lambda: audit_work.open_audit(audit, current_user, kind="view", now=now()))
    audit = load_audit(audit_id)
    answers = {answer.standard_id: answer.answer for answer in audit.answers}
    grades = {entry.element_id: entry for entry in audit.element_grades}
    return render_template("audits/audit_view.html", **page_context(audit), answers=answers, grades=grades,
                           alerts=audit_queries.alert_deliveries(audit), may_download=completed(audit),
                           identity_cleared_at=retention.cleared_at(audit),
                           title=f"Audit of case {audit.case.reference}")


def completed(audit: Audit) -> bool:
    """Submitted or later: only then is there an audit to share."""
    return audit_record.has_document(audit)


@bp.route("/<int:audit_id>/audit.docx")
def download_audit(audit_id: int):
    """The completed audit as a Word document, for those who may read it; every download is logged as an export.
    An audit still being written (or returned to its auditor) has no document yet: back to the audit, saying so."""
    audit = get_or_404(Audit, audit_id)
    if not audit_work.may_view(current_user, audit):
        abort(403)
    if not completed(audit):  # not a refusal: said in a notice rather than as an error
        flash(audit_record.NO_DOCUMENT_YET, "info")
        return redirect(url_for("audits.audit", audit_id=audit.id))
    content = audit_record.export(audit, current_user, now=now(), today=today(),
                                  include_identity=current_app.config["AUDIT_COLLECT_CHILD_IDENTITY"])
    return download(content, DOCX, audit_record.filename(audit),
                    exported=f"Audit of case {audit.case.reference} (Word)")


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
        return save(audit, form)
    return render_form(audit, form)


def save(audit: Audit, form):
    """Save the draft (nothing typed is lost), then submit it if asked; a refusal is shown next to its field."""
    if not applied(form, lambda: save_draft(audit, form), audit):
        return render_form(load_audit(audit.id), form)
    if not form.submitting:
        return redirect(url_for("audits.edit", audit_id=audit.id))
    missing = audit_work.missing_for_submission(audit)
    for message in place_missing(form, audit, missing):
        flash(message, "error")  # only what has no field of its own: the rest is next to its field
    if missing or not applied(None, lambda: audit_work.submit(audit, actor=current_user, now=now())):
        audit = load_audit(audit.id)
        form.show_version(audit.version)  # the draft is saved: a second try must not look like a conflict
        return render_form(audit, form)
    flash("Audit submitted", "success")
    return redirect(url_for("audits.audit", audit_id=audit.id))


def save_draft(audit: Audit, form) -> None:
    alerts = audit_work.save_draft(audit, draft_from(form, audit), version=form.version.data,
                                   actor=current_user, now=now(),
                                   collect_identity=current_app.config["AUDIT_COLLECT_CHILD_IDENTITY"])
    if alerts:  # one banner per outcome: the save and what it set off are said together
        flash(f"Draft saved. {alert_message(audit, alerts)}", "success")
    elif audit.record and audit.record.immediate_actions.strip() and not (
            audit.case.team_manager_id or audit.case.service_manager_id):
        flash("Draft saved, but no one has been alerted to the immediate actions: no team manager or service manager "
              "is recorded for this case. Tell them yourself now, and ask a QA lead to add them to the case.", "info")
    else:
        flash("Draft saved", "success")


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
    form.set_people(people.recommendation_owner_choices(
        {item.owner_id for item in audit.recommendations if item.owner_id}))
    return form


def render_form(audit: Audit, form):
    return render_template("audits/audit_form.html", **page_context(audit), form=form,
                           promoted=[point for point in audit.learning_points if point.action_id],
                           title=f"Audit of case {audit.case.reference}")


def alert_message(audit: Audit, alerts) -> str:
    roles = {audit.case.team_manager_id: "team manager", audit.case.service_manager_id: "service manager"}
    names = [f"{alert.recipient.name} ({roles.get(alert.recipient_id, 'manager')})" for alert in alerts]
    return (f"Immediate safeguarding actions recorded. {' and '.join(names)} will be e-mailed within a minute, "
            "and see the actions on their My work")
