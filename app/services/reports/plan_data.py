"""The figures of a plan progress report, as plain data (JSON): gathered from the database in a fixed number of
queries, then summarised, compared with the previous report and mapped to the Ofsted findings by pure functions.

The data is frozen with the report (app.services.reports.snapshots), so "changes since the previous report" compares
two frozen snapshots, never a snapshot with what the plan says today. Every count in the document is worked out
from this one structure, so sections cannot disagree.
"""

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Action,
    Area,
    DueDateRevision,
    ImprovementArea,
    Milestone,
    Plan,
    Rating,
    RevisionDecision,
)
from app.models.plans import action_improvement_areas, action_recommendations
from app.services.plans import rag
from app.services.plans.due_dates import describe, long_date
from app.services.plans.queries import MilestoneRow, Window, latest_updates, lead_names, milestone_rows
from app.services.wording import in_code_order

RATINGS = [Rating.RED, Rating.AMBER, Rating.GREEN, Rating.NOT_RATED]  # the order of every count and column
FLAGS = ("overdue", "slipped", "unassigned", "stale")


def gather(plan: Plan, window: Window) -> dict:
    """Everything the report shows about the plan as at window.today. Ten queries, whatever the plan's size."""
    in_plan = Action.area_id.in_(select(Area.id).where(Area.plan_id == plan.id))
    rows = milestone_rows(window, in_plan)
    ids = [row.id for row in rows]
    extras = {values.id: values for values in db.session.execute(
        select(Milestone.id, Milestone.sub_action, Milestone.due_note, Milestone.rag_set_reason, Milestone.completed_on)
        .join(Action, Milestone.action_id == Action.id).where(in_plan))}
    leads, updates = lead_names(ids), latest_updates(ids)
    revisions = _revisions(in_plan)
    milestones = defaultdict(list)
    for row in rows:
        milestones[row.action_id].append(_milestone(row, extras[row.id], leads.get(row.id, []), updates.get(row.id),
                                                    revisions.get(row.id, [])))
    return {
        "plan": {"id": plan.id, "title": plan.title, "revision": plan.revision or "",
                 "organisation": plan.organisation or "", "progress_label": plan.progress_label or ""},
        "as_at": window.today.isoformat(),
        "stale_after_days": window.stale_after_days,
        "rag_key": [{"rating": entry.rating.value, "label": entry.label, "definition": entry.definition}
                    for entry in plan.rag_key],
        "areas": _areas(plan, milestones, _links(in_plan)),
    }


def _milestone(row: MilestoneRow, extra, leads: list[str], update, revisions: list[dict]) -> dict:
    return {
        "id": row.id, "sub_action": extra.sub_action or "", "deliverable": row.deliverable,
        "responsible": row.responsible_name or "", "leads": leads,
        "due_raw": row.due_raw, "due_on": _iso(row.due_on), "due_problem": row.due_problem or "",
        "due_text": describe(kind=row.due_kind, on=row.due_on, note=extra.due_note, problem=row.due_problem,
                             dates=long_date),
        "status": str(row.status), "completed_on": _iso(extra.completed_on),
        "rating": row.rating.value, "suggested": row.suggested.rating.value, "why": row.suggested.why,  # beside the rating's word
        "rating_set_reason": (extra.rag_set_reason or "") if row.rating_was_set else "",
        "overdue": row.overdue, "slipped": row.slipped, "unassigned": row.unassigned, "stale": row.stale,
        "latest_update": {"on": update.written_on.isoformat(), "body": update.body, "by": update.signed_as}
        if update else None,
        "revisions": revisions,
    }


def _revisions(in_plan) -> dict[int, list[dict]]:
    query = (select(DueDateRevision).join(Milestone, DueDateRevision.milestone_id == Milestone.id)
             .join(Action, Milestone.action_id == Action.id).where(in_plan).order_by(DueDateRevision.id))
    revisions: dict[int, list[dict]] = defaultdict(list)
    for revision in db.session.scalars(query):
        revisions[revision.milestone_id].append({
            "id": revision.id,
            "old": long_date(revision.old_on) if revision.old_on else revision.old_raw or "no date",
            "new": long_date(revision.new_on) if revision.new_on else revision.new_raw or "no date",
            "reason": revision.reason.label, "reason_text": revision.reason_text,
            "decision": revision.decision.value,
            "decided_on": _iso(revision.decided_at.date() if revision.decided_at else None),
        })
    return revisions


def _links(in_plan) -> dict[str, dict[int, list[int]]]:
    """The actions answering each recommendation and each Area for Improvement."""
    links: dict[str, dict[int, list[int]]] = {"recommendations": defaultdict(list),
                                               "improvement_areas": defaultdict(list)}
    for name, table, column in (("recommendations", action_recommendations, "recommendation_id"),
                                ("improvement_areas", action_improvement_areas, "improvement_area_id")):
        query = (select(table.c[column], table.c.action_id).join(Action, Action.id == table.c.action_id)
                 .where(in_plan).order_by(Action.area_id, Action.position, Action.id))
        for finding_id, action_id in db.session.execute(query):
            links[name][finding_id].append(action_id)
    return links


def _areas(plan: Plan, milestones: dict[int, list[dict]], links: dict) -> list[dict]:
    areas = db.session.scalars(
        select(Area).where(Area.plan_id == plan.id).order_by(Area.position, Area.id)
        .options(selectinload(Area.recommendations), selectinload(Area.actions),
                 selectinload(Area.improvement_areas).selectinload(ImprovementArea.identifications)))
    return [{
        "id": area.id, "number": area.number, "title": area.title, "summary": area.summary or "",
        "recommendations": [{"id": r.id, "code": r.code, "text": r.text,
                             "action_ids": links["recommendations"].get(r.id, [])} for r in area.recommendations],
        "improvement_areas": [{"id": a.id, "code": a.code, "text": a.text,
                               "identified": [str(i) for i in a.identifications],
                               "action_ids": links["improvement_areas"].get(a.id, [])}
                              for a in area.improvement_areas],
        "actions": [{"id": action.id, "number": action.number, "what": action.what, "how": action.how,
                     "milestones": milestones.get(action.id, [])} for action in area.actions],
    } for area in areas]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- Worked out from the data alone ---------------------------------------------------------------------


def action_rating(action: dict) -> str:
    return rag.roll_up(Rating(m["rating"]) for m in action["milestones"]).value


def summary(data: dict) -> dict:
    """Milestones and actions by area and rating, with the overdue, slipped, unassigned and stale counts."""
    areas = [_area_summary(area) for area in data["areas"]]
    total = {"number": "", "title": "Whole plan", **_empty_counts()}
    for area in areas:
        for key in ("milestones", "actions", *FLAGS):
            total[key] += area[key]
        for key in ("ratings", "action_ratings"):
            total[key] = dict(Counter(total[key]) + Counter(area[key]))
    for part in (*areas, total):
        for key in ("ratings", "action_ratings"):
            part[key] = {rating.value: part[key].get(rating.value, 0) for rating in RATINGS}
    return {"areas": areas, "total": total}


def _empty_counts() -> dict:
    return {"milestones": 0, "actions": 0, "ratings": {}, "action_ratings": {}, **dict.fromkeys(FLAGS, 0)}


def _area_summary(area: dict) -> dict:
    counts = {"number": area["number"], "title": area["title"], **_empty_counts()}
    milestones = [m for action in area["actions"] for m in action["milestones"]]
    counts["milestones"], counts["actions"] = len(milestones), len(area["actions"])
    counts["ratings"] = dict(Counter(m["rating"] for m in milestones))
    counts["action_ratings"] = dict(Counter(action_rating(action) for action in area["actions"]))
    for flag in FLAGS:
        counts[flag] = sum(1 for m in milestones if m[flag])
    return counts


def changes_since(previous: dict | None, current: dict) -> dict | None:
    """What changed between two frozen reports: milestones completed, newly Red and recovered from Red; revised
    dates (with their reasons) recorded since; actions added and dropped. None when there is no previous report."""
    if previous is None:
        return None
    before, now = _milestones_by_id(previous), _milestones_by_id(current)
    both = [(before[mid], now[mid]) for mid in now if mid in before]
    decided_before = {r["id"]: r["decision"] for _, m in before.values() for r in m["revisions"]}
    old_actions, new_actions = _actions_by_id(previous), _actions_by_id(current)
    return {
        "completed": [_change(a, was, m) for (_, was), (a, m) in both
                      if m["status"] == "complete" and was["status"] != "complete"],
        "newly_red": [_change(a, was, m) for (_, was), (a, m) in both
                      if m["rating"] == Rating.RED and was["rating"] != Rating.RED],
        "recovered": [_change(a, was, m) for (_, was), (a, m) in both
                      if was["rating"] == Rating.RED and m["rating"] != Rating.RED],
        "revised": [{**_change(a, None, m), **revision} for a, m in now.values() for revision in m["revisions"]
                    if _revision_news(revision, decided_before.get(revision["id"]))],
        "new_actions": [_action_ref(new_actions[aid]) for aid in new_actions if aid not in old_actions],
        "dropped_actions": [_action_ref(old_actions[aid]) for aid in old_actions if aid not in new_actions],
        "new_milestones": [_change(a, None, m) for mid, (a, m) in now.items()
                           if mid not in before and a["id"] in old_actions],
    }


def _revision_news(revision: dict, decision_before: str | None) -> bool:
    """A revised date the previous report did not show as it stands now: proposed or accepted since, or awaiting a
    decision then and decided since (a proposal made and rejected in between changed nothing)."""
    if decision_before is None:
        return revision["decision"] != RevisionDecision.REJECTED
    return decision_before == RevisionDecision.PROPOSED and revision["decision"] != RevisionDecision.PROPOSED


def _milestones_by_id(data: dict) -> dict[int, tuple[dict, dict]]:
    return {m["id"]: (action, m) for area in data["areas"] for action in area["actions"] for m in action["milestones"]}


def _actions_by_id(data: dict) -> dict[int, dict]:
    return {action["id"]: action for area in data["areas"] for action in area["actions"]}


def _change(action: dict, was: dict | None, now: dict) -> dict:
    return {"action": action["number"], "milestone_id": now["id"], "deliverable": now["deliverable"],
            "responsible": now["responsible"], "rating_before": was["rating"] if was else None,
            "rating_now": now["rating"], "why": _why(now)}


def _why(milestone: dict) -> str:
    """Why the milestone has its rating: the reason given by whoever set it, or the suggestion's reason."""
    if milestone["rating_set_reason"]:
        return f"Set by hand: {milestone['rating_set_reason']}"
    if milestone["rating"] != milestone["suggested"]:
        return "Set by hand"
    return milestone["why"]


def _action_ref(action: dict) -> dict:
    return {"number": action["number"], "what": action["what"], "rating": action_rating(action)}


def coverage(data: dict) -> dict:
    """Each Ofsted recommendation and Area for Improvement in code order (R1, R3, R6c, R10; AfI1, AfI2), the actions
    answering it and their ratings. A report frozen before Areas for Improvement had codes numbers them in plan order,
    as their codes were first given."""
    actions = _actions_by_id(data)

    def entry(finding: dict, label: str, area: dict) -> dict:
        answering = [actions[aid] for aid in finding["action_ids"] if aid in actions]
        ratings = [action_rating(action) for action in answering]
        identified = f" (identified {', '.join(finding['identified'])})" if finding.get("identified") else ""
        return {"label": label, "area": area["number"], "text": finding["text"] + identified,
                "actions": [{"number": a["number"], "rating": r} for a, r in zip(answering, ratings, strict=True)],
                "rating": rag.roll_up(Rating(r) for r in ratings).value if ratings else None}

    improvement_areas = [(area, a) for area in data["areas"] for a in area["improvement_areas"]]
    return {
        "recommendations": in_code_order((entry(r, r["code"], area) for area in data["areas"]
                                          for r in area["recommendations"]), lambda e: e["label"]),
        "improvement_areas": in_code_order((entry(a, a.get("code") or f"AfI{position}", area) for position, (area, a)
                                            in enumerate(improvement_areas, start=1)), lambda e: e["label"]),
    }



def number_ranges(numbers: list[str]) -> str:
    """Action numbers as a reader scans them: runs within an area shortened ("1.1–1.16, 2.3, 2.5–2.6")."""
    runs: list[list[tuple[str, int]]] = []
    for number in numbers:
        area, _, last = number.rpartition(".")
        step = (area, int(last)) if area and last.isdigit() else (number, -1)
        if runs and step[1] >= 0 and runs[-1][-1][0] == area and runs[-1][-1][1] + 1 == step[1]:
            runs[-1].append(step)
        else:
            runs.append([step])
    return ", ".join(_run(run) for run in runs)


def _run(run: list[tuple[str, int]]) -> str:
    def said(step: tuple[str, int]) -> str:
        return f"{step[0]}.{step[1]}" if step[1] >= 0 else step[0]
    return said(run[0]) if len(run) == 1 else f"{said(run[0])}–{said(run[-1])}"
