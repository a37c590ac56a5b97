"""The plan's pages: the overview (a dashboard), the milestone list with its filters, an area, an action, a
milestone, and the plan's download."""

from flask import abort, render_template, request
from flask_login import current_user

from app.clock import today, window
from app.models import Milestone, MilestoneStatus, Plan, Rating
from app.page_cache import drawn
from app.plans import bp
from app.services import exports, permissions
from app.services.audits import work as audit_work
from app.services.numbers import whole_number
from app.services.people import all_people_choices
from app.services.plans import facts
from app.services.plans import queries as plan_queries
from app.services.plans.dashboard import dashboard as plan_dashboard
from app.services.plans.queries import (
    PlanFilters,
    action_page,
    due_windows,
    milestone_list,
    milestone_sorts,
)
from app.services.wording import plural
from app.web import download, get_or_404, list_query


def current_plan() -> Plan:
    return plan_queries.latest_plan() or abort(404)


@bp.route("/plan")
def overview():
    """The dashboard, drawn once for each version of the plan's data and kept (app/page_cache.py)."""
    plan_id, current_window = plan_queries.latest_plan_id() or abort(404), window()
    may_manage = permissions.manages_plan(current_user)

    def draw() -> str:
        dashboard = plan_dashboard(current_plan(), current_window)
        return render_template("plans/overview_content.html", overview=dashboard.overview, dashboard=dashboard,
                               ratings=list(Rating), may_manage=may_manage)

    key = ("plan-overview", plan_id, may_manage, current_window.today, current_window.due_soon_days,
           current_window.stale_after_days)
    return render_template("plans/overview.html", content=drawn(key, facts.current(current_window), draw))


@bp.route("/plan/milestones")
def milestones():
    plan, current_window = current_plan(), window()
    windows = due_windows(current_window)
    filters = _filters_from(request.args, windows)
    listing = milestone_list(plan, filters, current_window, list_query(milestone_sorts(current_window), "plan"))
    return render_template("plans/milestones.html", listing=listing, filters=filters, people=all_people_choices(),
                           due_windows=windows, statuses=list(MilestoneStatus), ratings=list(Rating), areas=plan.areas,
                           may_change=permissions.manages_plan(current_user))


def _filters_from(args, windows: dict[str, str]) -> PlanFilters:
    rating, status, due = args.get("rating"), args.get("status"), args.get("due")
    return PlanFilters(
        owner_id=whole_number(args.get("owner")),
        lead_id=whole_number(args.get("lead")),
        rating=Rating(rating) if rating in Rating.__members__ else None,
        status=MilestoneStatus(status) if status in {s.value for s in MilestoneStatus} else None,
        due_window=due if due in windows else None,
        search=args.get("q", "").strip()[:200],
        area_id=whole_number(args.get("area")),
    )


@bp.route("/plan/export.<file_format>")
def export_plan(file_format: str):
    if file_format not in exports.FORMATS:
        abort(404)
    plan = current_plan()
    table = exports.plan_table(plan, window())
    content, content_type = exports.write(table, file_format)
    return download(content, content_type, f"improvement-plan-{today():%Y-%m-%d}.{file_format}",
                    exported=f"Improvement plan spreadsheet ({file_format.upper()}), {plural(len(table.rows), 'row')}")


@bp.route("/areas/<int:area_id>")
def area(area_id: int):
    page = plan_queries.area_page(area_id, window()) or abort(404)
    return render_template("plans/area.html", area=page.area, rows=page.rows, changes=page.changes)


@bp.route("/actions/<int:action_id>")
def action(action_id: int):
    page = action_page(action_id, window()) or abort(404)
    source = plan_queries.learning_point_for(action_id)
    return render_template("plans/action.html", page=page, action=page.action, learning_point=source,
                           may_view_audit=source is not None and audit_work.may_view(current_user, source.audit))


@bp.route("/milestones/<int:milestone_id>")
def milestone(milestone_id: int):
    milestone = get_or_404(Milestone, milestone_id)
    page = action_page(milestone.action_id, window())
    return render_template("plans/milestone.html", page=page, milestone=milestone, row=page.rows[milestone.id],
                           may_update=permissions.may_update(current_user, milestone))
