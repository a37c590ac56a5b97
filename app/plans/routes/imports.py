"""Programme managers bring a plan in from Word or a spreadsheet: upload and check, preview what would change,
confirm.

Nothing is written to the plan until the confirm. Between the preview and the confirm the uploaded file waits
in the service's file storage under its SHA-256 (services/importers/plan_upload.py).
"""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.decorators import programme_manager_required
from app.clock import now
from app.plans import bp
from app.plans.forms.imports import ConfirmImportForm, PlanUploadForm
from app.services import exports
from app.services.importers import pending, plan_sheet, plan_upload, uploads
from app.services.importers.plan_upload import WaitingImport
from app.web import applied, download

NOT_OFFERED = ("Tick only the names listed on this page: the people in the service have changed since it was shown. "
               "Check the page again, then confirm")


@bp.route("/plan/import", methods=["GET", "POST"])
@programme_manager_required
def import_plan():
    form, kept_as = PlanUploadForm(), []
    if form.validate_on_submit() and applied(form, lambda: kept_as.append(_keep(form))):
        return redirect(url_for("plans.preview_import", sha256=kept_as[0]))
    return render_template("plans/import.html", form=form, title="Import a plan")


def _keep(form: PlanUploadForm) -> str:
    """Check the uploaded plan and keep it for the preview; its key."""
    stream, filename = form.chosen_file
    return plan_upload.keep_upload(stream, filename=filename, title=form.title.data,
                                   max_bytes=uploads.upload_limit(current_app.config), now=now())


@bp.route("/plan/import/template.xlsx")
@programme_manager_required
def import_template():
    return download(plan_sheet.template_xlsx(), exports.FORMATS["xlsx"][1], "improvement-plan-template.xlsx",
                    exported=None)  # an empty template: no data leaves


def _waiting(sha256: str) -> WaitingImport | None:
    """The upload waiting under this key (an address that cannot be a key is a plain 404)."""
    if not pending.is_key(sha256):
        abort(404)
    return plan_upload.waiting(sha256, now=now())


def _gone():
    return render_template("plans/import_gone.html", title="This import is not waiting"), 404


def _confirm_form(waiting: WaitingImport) -> ConfirmImportForm:
    form = ConfirmImportForm()
    form.same.choices = waiting.near_matches()
    return form


def _render_preview(waiting: WaitingImport, form: ConfirmImportForm):
    return render_template("plans/import_preview.html", kept=waiting.kept, document=waiting.document,
                           result=waiting.result, form=form, title="Check the import")


@bp.route("/plan/import/<sha256>", methods=["GET"])
@programme_manager_required
def preview_import(sha256: str):
    waiting = _waiting(sha256)
    return _render_preview(waiting, _confirm_form(waiting)) if waiting else _gone()


@bp.route("/plan/import/<sha256>", methods=["POST"])
@programme_manager_required
def confirm_import(sha256: str):
    waiting = _waiting(sha256)
    if waiting is None:
        return _gone()
    form, done = _confirm_form(waiting), []
    if not form.validate_on_submit():
        _explain_names_no_longer_offered(form)
        return _render_preview(waiting, form)
    if not applied(None, lambda: done.append(plan_upload.confirm(
            waiting, same_people=set(form.same.data or []), actor=current_user, now=now()))):
        return _render_preview(waiting.previewed_again(), form)
    flash(f"Imported: {done[0].count('milestones', 'create')} new milestones, "
          f"{done[0].count('milestones', 'change')} changed", "success")
    return redirect(url_for("plans.overview"))


def _explain_names_no_longer_offered(form: ConfirmImportForm) -> None:
    """A ticked name no longer a near match (someone changed the people): show the choices as they are now."""
    if form.same.errors:
        form.same.errors = [] if not form.same.choices else [NOT_OFFERED]
        if not form.same.choices:
            flash(NOT_OFFERED, "error")
