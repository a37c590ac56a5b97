"""The case pool (QA leads): the list a page at a time, adding and importing cases, correcting and removing one."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audits import bp
from app.audits.forms.rounds import CorrectCaseForm, PoolCaseForm, PoolImportForm, RemoveCaseForm
from app.auth.decorators import qa_lead_required
from app.clock import now
from app.models import PoolCase
from app.services import people
from app.services.audits import pool as case_pool_service
from app.services.audits import rounds as audit_rounds
from app.services.audits.rounds import CASE_FLAGS
from app.services.history import changes_to
from app.services.importers import case_pool
from app.services.wording import agrees, plural
from app.web import applied, get_or_404, list_query


@bp.route("/pool")
@qa_lead_required
def pool():
    listing = case_pool_service.pool_page(list_query(case_pool_service.SORTS, case_pool_service.DEFAULT_SORT))
    return render_template("audits/pool.html", listing=listing, flags=CASE_FLAGS, title="Case pool")


@bp.route("/pool/new", methods=["GET", "POST"])
@qa_lead_required
def add_case():
    form = _with_choices(PoolCaseForm())
    if form.validate_on_submit() and applied(form, lambda: audit_rounds.add_case(form.case_values(), now=now())):
        flash(f"Case {form.reference.data.strip()} is in the pool", "success")
        return redirect(url_for("audits.pool", q=form.reference.data.strip()))
    return render_template("_form_page.html", form=form, title="Add a case to the pool", cancel_url=url_for("audits.pool"))


@bp.route("/pool/<int:case_id>", methods=["GET", "POST"])
@qa_lead_required
def case(case_id: int):
    """Correct a case's details; the page also says where the case has been used and offers its removal."""
    chosen = get_or_404(PoolCase, case_id)
    form = _with_choices(CorrectCaseForm.opened_on(chosen) if request.method == "GET" else CorrectCaseForm())
    if form.validate_on_submit() and applied(form, lambda: case_pool_service.correct_case(
            chosen, form.case_values(), version=form.version.data, actor=current_user, now=now()), chosen):
        flash(f"Case {chosen.reference} is saved", "success")
        return redirect(url_for("audits.pool", q=chosen.reference))
    return render_template("audits/case.html", form=form, case=chosen, use=case_pool_service.case_use(chosen),
                           changes=changes_to({"poolcase": [case_id]}), title=f"Case {chosen.reference}")


@bp.route("/pool/<int:case_id>/remove", methods=["GET", "POST"])
@qa_lead_required
def remove_case(case_id: int):
    """Asks first (GET), then removes (POST); a case an auditor has been given is kept, and the page says why."""
    chosen = get_or_404(PoolCase, case_id)
    form, reference = RemoveCaseForm(version=chosen.version), chosen.reference
    if form.validate_on_submit() and applied(form, lambda: case_pool_service.remove_case(
            chosen, version=form.version.data, actor=current_user, now=now()), chosen):
        flash(f"Case {reference} is removed from the pool", "success")
        return redirect(url_for("audits.pool"))
    use = case_pool_service.case_use(chosen)
    return render_template("audits/case_remove.html", form=form, case=chosen, use=use, title=f"Remove case {reference}",
                           refusal=None if use.removable else case_pool_service.refusal(chosen, use))


@bp.route("/pool/import", methods=["GET", "POST"])
@qa_lead_required
def import_cases():
    form = PoolImportForm()
    checked = None
    if form.validate_on_submit():
        checked = case_pool.preview(form.csv_text.data)
        if form.confirm.data and checked.ready:
            count = case_pool.import_cases(form.csv_text.data, now=now())
            flash(f"{plural(count, 'case')} {agrees(count, 'was', 'were')} added to the pool", "success")
            return redirect(url_for("audits.pool"))
    return render_template("audits/pool_import.html", form=form, checked=checked, title="Import cases")


def _with_choices(form: PoolCaseForm) -> PoolCaseForm:
    form.team_id.choices = people.team_choices()
    form.team_manager_id.choices = form.service_manager_id.choices = people.person_choices("Not known")
    return form
