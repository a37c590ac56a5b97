"""Plan pages and what owners do: updates, completion, revised dates, ratings and evidence."""

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.clock import now, today, window
from app.extensions import db
from app.models import (
    Area,
    Audit,
    DueDateRevision,
    Evidence,
    ImprovementArea,
    LearningPoint,
    Milestone,
    MilestoneStatus,
    Person,
    Plan,
    Rating,
)
from app.plans import bp
from app.plans.forms import CompleteForm, DecisionForm, EvidenceForm, RatingForm, RevisionForm, UpdateForm
from app.services import exports, permissions
from app.services.audits import work as audit_work
from app.services.errors import ConflictError, DomainError
from app.services.plans import changes as plan_changes
from app.services.plans import evidence as evidence_service
from app.services.plans.queries import PlanFilters, action_page, area_rows, changes_to, due_windows, plan_overview
from app.web import download, get_or_404, rating_label, show_error


def current_plan() -> Plan:
    plan = db.session.scalar(select(Plan).order_by(Plan.id.desc()).options(selectinload(Plan.areas),
                                                                          selectinload(Plan.rag_key)))
    if plan is None:
        abort(404)
    return plan


def milestone_for_update(milestone_id: int) -> Milestone:
    milestone = get_or_404(Milestone, milestone_id)
    if not permissions.may_update(current_user, milestone):
        abort(403)
    return milestone


def to_milestone(milestone: Milestone, message: str):
    flash(message, "success")
    return redirect(url_for("plans.milestone", milestone_id=milestone.id))


# --- Pages --------------------------------------------------------------------------------------


@bp.route("/plan")
def overview():
    plan, current_window = current_plan(), window()
    windows = due_windows(current_window)
    filters = _filters_from(request.args, windows)
    overview = plan_overview(plan, filters, current_window, row_limit=OVERVIEW_ROW_LIMIT)
    people = db.session.execute(select(Person.id, Person.name).order_by(Person.name)).all()
    return render_template("plans/overview.html", overview=overview, filters=filters, people=people,
                           due_windows=windows, statuses=list(MilestoneStatus), ratings=list(Rating))


OVERVIEW_ROW_LIMIT = 300


def _filters_from(args, windows: dict[str, str]) -> PlanFilters:
    def number(name):
        value = args.get(name, "")
        return int(value) if value.isdigit() else None

    rating, status, due = args.get("rating"), args.get("status"), args.get("due")
    return PlanFilters(
        owner_id=number("owner"),
        lead_id=number("lead"),
        rating=Rating(rating) if rating in Rating.__members__ else None,
        status=MilestoneStatus(status) if status in {s.value for s in MilestoneStatus} else None,
        due_window=due if due in windows else None,
        search=args.get("q", "").strip()[:200],
    )


@bp.route("/plan/export.<file_format>")
def export_plan(file_format: str):
    if file_format not in exports.FORMATS:
        abort(404)
    plan = current_plan()
    content, content_type = exports.write(exports.plan_table(plan, window()), file_format)
    return download(content, content_type, f"improvement-plan-{today():%Y-%m-%d}.{file_format}")


@bp.route("/areas/<int:area_id>")
def area(area_id: int):
    area = db.session.scalar(select(Area).where(Area.id == area_id).options(
        selectinload(Area.actions), selectinload(Area.recommendations),
        selectinload(Area.improvement_areas).selectinload(ImprovementArea.identifications)))
    if area is None:
        abort(404)
    changes = changes_to({"area": [area.id], "recommendation": [r.id for r in area.recommendations],
                          "improvementarea": [a.id for a in area.improvement_areas]})
    return render_template("plans/area.html", area=area, rows=area_rows(area_id, window()), changes=changes)


@bp.route("/actions/<int:action_id>")
def action(action_id: int):
    page = action_page(action_id, window())
    if page is None:
        abort(404)
    source = db.session.scalar(select(LearningPoint).where(LearningPoint.action_id == action_id)
                               .options(selectinload(LearningPoint.audit).selectinload(Audit.round)))
    return render_template("plans/action.html", page=page, action=page.action, learning_point=source,
                           may_view_audit=source is not None and audit_work.may_view(current_user, source.audit))


@bp.route("/milestones/<int:milestone_id>")
def milestone(milestone_id: int):
    milestone = get_or_404(Milestone, milestone_id)
    page = action_page(milestone.action_id, window())
    return render_template("plans/milestone.html", page=page, milestone=milestone, row=page.rows[milestone.id],
                           may_update=permissions.may_update(current_user, milestone))


# --- Owners' actions ----------------------------------------------------------------------------


@bp.route("/milestones/<int:milestone_id>/updates/new", methods=["GET", "POST"])
def add_update(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = UpdateForm()
    if request.method == "GET":
        form.written_on.data = today()
    if form.validate_on_submit():
        try:
            plan_changes.add_update(milestone, body=form.body.data, written_on=form.written_on.data,
                                    actor=current_user, now=now(), today=today())
            return to_milestone(milestone, "Your update has been added")
        except DomainError as error:
            show_error(form, error)
    return render_template("plans/form.html", form=form, milestone=milestone, title="Add a progress update")


@bp.route("/milestones/<int:milestone_id>/complete", methods=["GET", "POST"])
def complete(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = CompleteForm()
    if request.method == "GET":
        form.completed_on.data, form.version.data = today(), milestone.version
    if form.validate_on_submit():
        try:
            plan_changes.mark_complete(milestone, completed_on=form.completed_on.data, version=form.version.data,
                                       actor=current_user, now=now(), today=today())
            return to_milestone(milestone, "The milestone is marked as complete")
        except DomainError as error:
            db.session.rollback()
            show_error(form, error, milestone)
    return render_template("plans/form.html", form=form, milestone=milestone, title="Mark as complete")


@bp.route("/milestones/<int:milestone_id>/reopen", methods=["POST"])
def reopen(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    try:
        plan_changes.reopen(milestone, version=request.form.get("version", type=int), actor=current_user, now=now())
    except ConflictError as error:
        flash(error.message, "error")
        return redirect(url_for("plans.milestone", milestone_id=milestone.id))
    return to_milestone(milestone, "The milestone is open again")


@bp.route("/milestones/<int:milestone_id>/revise", methods=["GET", "POST"])
def revise(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = RevisionForm()
    if request.method == "GET":
        form.version.data = milestone.version
    if form.validate_on_submit():
        try:
            revision = plan_changes.propose_revision(
                milestone, new_due=form.due_value, reason=form.reason.data, reason_text=form.reason_text.data,
                version=form.version.data, actor=current_user, now=now())
            if permissions.may_decide_revisions(current_user):
                plan_changes.decide_revision(revision, accept=True, note="Re-planned by a programme manager",
                                             actor=current_user, now=now())
                return to_milestone(milestone, "The due date is revised and accepted")
            return to_milestone(milestone, "Your revised date is recorded. It shows as Red (slipped) "
                                           "until a programme manager accepts it")
        except DomainError as error:
            db.session.rollback()
            show_error(form, error, milestone)
    return render_template("plans/revise.html", form=form, milestone=milestone, title="Propose a revised date")


@bp.route("/revisions/<int:revision_id>/decide", methods=["GET", "POST"])
def decide(revision_id: int):
    if not permissions.may_decide_revisions(current_user):
        abort(403)
    revision = get_or_404(DueDateRevision, revision_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            plan_changes.decide_revision(revision, accept=form.decision.data == "accept", note=form.note.data or "",
                                         actor=current_user, now=now())
            return to_milestone(revision.milestone, f"The revised date is {revision.decision.value}")
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
    return render_template("plans/decide.html", form=form, revision=revision, milestone=revision.milestone,
                           title="Accept or reject a revised date")


@bp.route("/milestones/<int:milestone_id>/rating", methods=["GET", "POST"])
def rating(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = RatingForm()
    form.rating.choices = [("suggested", "Use the suggested rating")] + [(r.value, rating_label(r)) for r in Rating]
    if request.method == "GET":
        form.version.data = milestone.version
        form.rating.data = milestone.rag_set or "suggested"
        form.reason.data = milestone.rag_set_reason
    if form.validate_on_submit():
        chosen = None if form.rating.data == "suggested" else Rating(form.rating.data)
        try:
            plan_changes.set_rating(milestone, rating=chosen, reason=form.reason.data or "",
                                    version=form.version.data, actor=current_user, now=now())
            return to_milestone(milestone, "The rating is saved")
        except DomainError as error:
            db.session.rollback()
            show_error(form, error, milestone)
    row = action_page(milestone.action_id, window()).rows[milestone.id]
    return render_template("plans/rating.html", form=form, milestone=milestone, row=row, title="Set the RAG rating")


@bp.route("/milestones/<int:milestone_id>/evidence/new", methods=["GET", "POST"])
def add_evidence(milestone_id: int):
    milestone = milestone_for_update(milestone_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = ["Select a file to upload"]
        else:
            try:
                evidence_service.add_evidence(
                    milestone, filename=upload.filename, content=upload.read(),
                    description=form.description.data or "", folder=current_app.config["UPLOAD_FOLDER"],
                    max_bytes=current_app.config["EVIDENCE_MAX_BYTES"], actor=current_user, now=now())
                return to_milestone(milestone, "The evidence has been uploaded")
            except DomainError as error:
                show_error(form, error)
    return render_template("plans/evidence.html", form=form, milestone=milestone, title="Upload evidence",
                           allowed=evidence_service.ALLOWED_EXTENSIONS,
                           max_mb=current_app.config["EVIDENCE_MAX_BYTES"] // (1024 * 1024))


@bp.route("/evidence/<int:evidence_id>")
def download_evidence(evidence_id: int):
    item = get_or_404(Evidence, evidence_id)
    path = evidence_service.evidence_path(item, current_app.config["UPLOAD_FOLDER"])
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.filename)
