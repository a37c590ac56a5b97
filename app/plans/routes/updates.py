"""What owners do to their milestones: updates, completion, revised dates, ratings and evidence; and programme
managers' decisions on revised dates."""

from urllib.parse import urlsplit, urlunsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.clock import now, today, window
from app.form_posts import id_of
from app.models import DueDateRevision, Evidence, Milestone
from app.plans import bp
from app.plans.forms.updates import (
    CompleteForm,
    DecideSeveralForm,
    DecisionForm,
    EvidenceForm,
    RatingForm,
    RevisionForm,
    UpdateForm,
)
from app.services import permissions, storage
from app.services.plans import changes as plan_changes
from app.services.plans import evidence as evidence_service
from app.services.plans import queries as plan_queries
from app.services.plans.queries import milestone_row
from app.services.reminders.wording import plural
from app.web import applied, get_or_404, record_export

REVISED_FOR_APPROVAL = ("Your revised date is recorded. It shows as Red (slipped) until a programme manager "
                        "accepts it")


def milestone_for_update(milestone_id: int) -> Milestone:
    milestone = get_or_404(Milestone, milestone_id)
    if not permissions.may_update(current_user, milestone):
        abort(403)
    g.named = f"{milestone.action.number} {truncate(milestone.deliverable)}"  # for done(), read before the change
    return milestone


def to_milestone(milestone: Milestone, message: str):
    flash(message, "success")
    return redirect(url_for("plans.milestone", milestone_id=id_of(milestone)))


def back_to_my_work() -> str | None:
    """The My work address (with its filters) a form opened from My work returns to: `next` on the form's address,
    kept only if it is My work on this site, so it can never send anyone elsewhere."""
    wanted = urlsplit(request.args.get("next", ""))
    if wanted.scheme or wanted.netloc or wanted.path != url_for("main.my_work"):
        return None
    return urlunsplit(("", "", wanted.path, wanted.query, ""))


def done(milestone: Milestone, message: str):
    """Back to My work, naming the milestone, when the form was opened there; otherwise to the milestone. Nothing
    is read after the change is saved (docs/architecture.md, "No read after a commit")."""
    my_work = back_to_my_work()
    if my_work is None:
        return to_milestone(milestone, message)
    flash(f"{message}: {g.named}", "success")
    return redirect(my_work)


def truncate(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…"


@bp.route("/milestones/<int:milestone_id>/updates/new", methods=["GET", "POST"])
def add_update(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = UpdateForm()
    if request.method == "GET":
        form.written_on.data = today()
    if form.validate_on_submit() and applied(form, lambda: plan_changes.add_update(
            milestone, body=form.body.data, written_on=form.written_on.data, actor=current_user, now=now(),
            today=today())):
        return done(milestone, "Your update has been added")
    return render_template("plans/form.html", form=form, milestone=milestone, title="Add a progress update")


@bp.route("/milestones/<int:milestone_id>/complete", methods=["GET", "POST"])
def complete(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = CompleteForm()
    if request.method == "GET":
        form.completed_on.data, form.version.data = today(), milestone.version
    if form.validate_on_submit() and applied(form, lambda: plan_changes.mark_complete(
            milestone, completed_on=form.completed_on.data, version=form.version.data, actor=current_user, now=now(),
            today=today()), milestone):
        return done(milestone, "The milestone is marked as complete")
    return render_template("plans/form.html", form=form, milestone=milestone, title="Mark as complete")


@bp.route("/milestones/<int:milestone_id>/reopen", methods=["POST"])
def reopen(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    if applied(None, lambda: plan_changes.reopen(milestone, version=request.form.get("version", type=int),
                                                 actor=current_user, now=now())):
        return to_milestone(milestone, "The milestone is open again")
    return redirect(url_for("plans.milestone", milestone_id=milestone.id))


@bp.route("/milestones/<int:milestone_id>/revise", methods=["GET", "POST"])
def revise(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form, accept = RevisionForm(), permissions.may_decide_revisions(current_user)
    if request.method == "GET":
        form.version.data = milestone.version
    if form.validate_on_submit() and applied(form, lambda: plan_changes.revise_due_date(
            milestone, new_due=form.due_value, reason=form.reason.data, reason_text=form.reason_text.data,
            version=form.version.data, accept=accept, actor=current_user, now=now()), milestone):
        return to_milestone(milestone, "The due date is revised and accepted" if accept else REVISED_FOR_APPROVAL)
    return render_template("plans/revise.html", form=form, milestone=milestone, title="Propose a revised date")


def only_deciders() -> None:
    if not permissions.may_decide_revisions(current_user):
        abort(403)


@bp.route("/revisions", methods=["GET", "POST"])
def decide_several():
    only_deciders()
    form = DecideSeveralForm()
    if form.validate_on_submit() and applied(form, lambda: plan_changes.decide_revisions(
            plan_queries.revisions_by_id(form.revisions.data), accept=form.accepting, note=form.note.data or "",
            actor=current_user, now=now())):
        flash(f"You {'accepted' if form.accepting else 'rejected'} {plural(len(form.revisions.data), 'revised date')}",
              "success")
        return redirect(url_for("plans.decide_several"))
    waiting, _ = plan_queries.pending_revisions(limit=None)
    form.offer(waiting)
    return render_template("plans/decide_several.html", form=form, revisions=waiting,
                           title="Revised dates to decide")


@bp.route("/revisions/<int:revision_id>/decide", methods=["GET", "POST"])
def decide(revision_id: int):
    only_deciders()
    revision = get_or_404(DueDateRevision, revision_id)
    form = DecisionForm()
    if form.validate_on_submit() and applied(form, lambda: plan_changes.decide_revision(
            revision, accept=form.decision.data == "accept", note=form.note.data or "", actor=current_user,
            now=now())):
        return to_milestone(revision.milestone, f"The revised date is {revision.decision.value}")
    return render_template("plans/decide.html", form=form, revision=revision, milestone=revision.milestone,
                           title="Accept or reject a revised date")


@bp.route("/milestones/<int:milestone_id>/rating", methods=["GET", "POST"])
def rating(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = RatingForm()
    if request.method == "GET":
        form.show(milestone)
    if form.validate_on_submit() and applied(form, lambda: plan_changes.set_rating(
            milestone, rating=form.chosen_rating, reason=form.reason.data or "", version=form.version.data,
            actor=current_user, now=now()), milestone):
        return to_milestone(milestone, "The rating is saved")
    return render_template("plans/rating.html", form=form, milestone=milestone,
                           row=milestone_row(milestone.id, window()), title="Set the RAG rating")


@bp.route("/milestones/<int:milestone_id>/evidence/new", methods=["GET", "POST"])
def add_evidence(milestone_id: int):
    milestone, config = milestone_for_update(milestone_id), current_app.config
    form = EvidenceForm()
    if form.validate_on_submit() and applied(form, lambda: evidence_service.add_evidence(
            milestone, filename=form.file.data.filename, content=form.file.data.read(),
            description=form.description.data or "", max_bytes=config["EVIDENCE_MAX_BYTES"], actor=current_user, now=now())):
        return to_milestone(milestone, "The evidence has been uploaded")
    return render_template("plans/evidence.html", form=form, milestone=milestone, title="Upload evidence",
                           allowed=evidence_service.ALLOWED_EXTENSIONS,
                           max_mb=config["EVIDENCE_MAX_BYTES"] // (1024 * 1024))


@bp.route("/evidence/<int:evidence_id>")
def download_evidence(evidence_id: int):
    item = get_or_404(Evidence, evidence_id)
    kept = evidence_service.evidence_file(item)
    if kept is None:
        abort(404)
    record_export(f"Evidence file {item.filename}")
    return send_file(storage.reader(kept), mimetype=item.content_type, as_attachment=True,
                     download_name=item.filename, conditional=False, etag=False)
