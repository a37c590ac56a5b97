"""Changing several milestones at once, from the milestone list: choose what to change, give the new person or
date, check every change, then confirm. Nothing is saved before the confirmation."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.decorators import programme_manager_required
from app.clock import now
from app.plans import bp
from app.plans.forms.bulk import CHANGE_HINTS, CHANGES, DETAIL_TITLES, change_form
from app.services import people, permissions
from app.services.numbers import whole_number
from app.services.plans import bulk
from app.services.wording import plural
from app.web import applied


@bp.route("/plan/milestones/change", methods=["GET", "POST"])
@programme_manager_required
def change_milestones():
    milestones, back, kind = bulk.chosen_milestones(_chosen_ids()), _back(), request.values.get("change")
    if not milestones:
        flash(bulk.NONE_CHOSEN, "error")
        return redirect(back)
    if kind not in CHANGES:
        return _page("what", milestones, back)
    form, versions = change_form(kind, people.everyone()), _versions(milestones)
    if not form.validate_on_submit():
        return _page("details", milestones, back, form=form, kind=kind, versions=versions)
    change, confirmed = form.change(), "confirm" in request.form
    if confirmed and applied(form, lambda: _saved(milestones, versions, change)):
        return redirect(back)
    # refused (changed by someone else meanwhile): the page now shows, and carries, the milestones as they are
    return _page("check", milestones, back, form=form, kind=kind, planned=bulk.preview(milestones, change),
                 versions={m.id: m.version for m in milestones} if confirmed else versions)


def _saved(milestones, versions: dict[int, int], change) -> None:
    count = bulk.apply(milestones, versions, change, accept=permissions.may_decide_revisions(current_user),
                       actor=current_user, now=now())
    flash(f"{plural(count, 'milestone')} changed" if count else "Nothing needed changing", "success")


def _chosen_ids() -> list[int]:
    """The milestones ticked on the list (or every one on its page, with "Change all on this page")."""
    names = "on_page" if request.values.get("chosen") == "page" else "milestone"
    return [number for value in request.values.getlist(names) if (number := whole_number(value)) is not None]


def _versions(milestones) -> dict[int, int]:
    """Each milestone's version when the manager chose it (as sent back by the page), or as it is now."""
    sent = {name.removeprefix("version-"): value for name, value in request.form.items() if name.startswith("version-")}
    chosen = {m.id: whole_number(sent.get(str(m.id))) for m in milestones}
    return {m.id: m.version if chosen[m.id] is None else chosen[m.id] for m in milestones}


def _back() -> str:
    """The list (with its filters, sort and page) to go back to: only ever the milestone list."""
    back, listing = request.values.get("back", ""), url_for("plans.milestones")
    return back if back == listing or back.startswith(listing + "?") else listing


def _page(stage: str, milestones, back: str, **values):
    title = {"what": "What do you want to change?", "check": "Check the changes before saving them"}.get(
        stage) or DETAIL_TITLES[values["kind"]]
    return render_template("plans/change_milestones.html", stage=stage, milestones=milestones, back=back,
                           changes=CHANGES, hints=CHANGE_HINTS, title=title, **values)
