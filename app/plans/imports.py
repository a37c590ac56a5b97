"""Programme managers bring a plan in from Word or a spreadsheet: upload and check, preview what would change,
confirm.

Nothing is written to the plan until the confirm. Between the preview and the confirm the uploaded file waits
in the import folder under its SHA-256 (services/importers/pending.py).
"""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.decorators import programme_manager_required
from app.clock import now
from app.extensions import db
from app.plans import bp
from app.plans.forms import ConfirmImportForm, PlanUploadForm
from app.services import exports
from app.services.errors import DomainError
from app.services.importers import pending, plan_files, plan_import, plan_sheet, plan_write, uploads
from app.web import download, show_error

NOT_OFFERED = ("Tick only the names listed on this page: the people in the service have changed since it was shown. "
               "Check the page again, then confirm")


def _folder() -> str:
    return current_app.config["IMPORT_FOLDER"]


@bp.route("/plan/import", methods=["GET", "POST"])
@programme_manager_required
def import_plan():
    form = PlanUploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            upload = uploads.read_upload(file.stream if file else None, filename=file.filename if file else "",
                                         allowed=plan_files.EXTENSIONS,
                                         max_bytes=uploads.upload_limit(current_app.config))
            plan_files.read_document(upload, title=form.title.data)  # refuse a file that is not a plan before keeping it
        except DomainError as error:  # a plan's format problem is the file's; a missing title the title's
            show_error(form, DomainError(error.message, field="title" if error.field == "title" else "file"))
        else:
            key = pending.keep(upload, _folder(), now=now(), title=(form.title.data or "").strip())
            return redirect(url_for("plans.preview_import", sha256=key))
    return render_template("plans/import.html", form=form, title="Import a plan")


def _pending_or_gone(sha256: str):
    """The kept upload, or a 404 page that says why (an address that cannot be a key is a plain 404)."""
    if not pending.is_key(sha256):
        abort(404)
    kept = pending.load(sha256, _folder())
    if kept is None:
        return None, (render_template("plans/import_gone.html", title="This import is not waiting"), 404)
    return kept, None


def _render_preview(kept: pending.PendingImport, document, result, form: ConfirmImportForm):
    return render_template("plans/import_preview.html", kept=kept, document=document, result=result, form=form,
                           title="Check the import")


def _read(kept: pending.PendingImport):
    """The kept file read again. It passed when it was uploaded, so a failure now is the service's fault."""
    return plan_files.read_document(kept.as_upload(), title=kept.title)


def _near_matches(result) -> list[tuple[str, str]]:
    return [(person.written, person.known_as) for person in result.people if person.outcome == "near"]


@bp.route("/plan/import/template.xlsx")
@programme_manager_required
def import_template():
    return download(plan_sheet.template_xlsx(), exports.FORMATS["xlsx"][1], "improvement-plan-template.xlsx")


def _waiting_import(sha256: str):
    """The upload waiting under this key, its plan, the dry run and the confirm form offering its near matches;
    or the page saying it is not waiting."""
    kept, gone = _pending_or_gone(sha256)
    if gone:
        return None, gone
    document = _read(kept)
    result = plan_import.preview(document)
    form = ConfirmImportForm()
    form.same.choices = _near_matches(result)
    return (kept, document, result, form), None


@bp.route("/plan/import/<sha256>", methods=["GET"])
@programme_manager_required
def preview_import(sha256: str):
    waiting, gone = _waiting_import(sha256)
    return gone or _render_preview(*waiting)


@bp.route("/plan/import/<sha256>", methods=["POST"])
@programme_manager_required
def confirm_import(sha256: str):
    waiting, gone = _waiting_import(sha256)
    if gone:
        return gone
    kept, document, result, form = waiting
    if not form.validate_on_submit():
        if form.same.errors:  # a ticked name no longer a near match (someone changed the people): show it as it is now
            form.same.errors = [] if not form.same.choices else [NOT_OFFERED]
            if not form.same.choices:
                flash(NOT_OFFERED, "error")
        return _render_preview(kept, document, result, form)
    try:
        done = plan_write.import_plan(document, same_people=set(form.same.data or []), actor=current_user, now=now(),
                                      source_name=f"{kept.filename} (uploaded by {current_user.name})")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_preview(kept, document, plan_import.preview(document), form)
    pending.discard(sha256, _folder())
    flash(f"Imported: {done.count('milestones', 'create')} new milestones, {done.count('milestones', 'change')} changed",
          "success")
    return redirect(url_for("plans.overview"))
