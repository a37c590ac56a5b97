"""What importing a Word plan would do, worked out before anything is written: the dry run.

The document (read by plan_docx, its cells interpreted by plan_cells) is compared with the plan already in the
service that has the same title, or with nothing when there is none:
- areas and actions are matched by number, milestones within their action by their deliverable's words;
- for a matched milestone, a changed due date (as written), responsible person, leads or RAG word is a change,
  and each dated progress update newer than the milestone's latest is a new update;
- what the service has and the document no longer has is listed as missing, for the person to decide;
- each name is matched to the people the service knows: exactly (ignoring case), as a near match to confirm
  (a spelling difference such as "Sasha Bat" for "Sasha Bhat"), or as someone new;
- every cell the service could not read is a problem with its table and row. An impossible due date is
  flagged and kept as written, never guessed;
- each area's findings that no action answers yet are proposed for the area's actions (plan_links).

Nothing here writes to the database.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Action, Area, Milestone, Person, PersonKind, Plan
from app.services.importers.imported import DEFAULT_KEY, improvement_area_text
from app.services.importers.plan_cells import DatedUpdate, NamedPerson, people_in, progress_updates_in, rating_in
from app.services.importers.plan_docx import ActionDocument, AreaDocument, MilestoneDocument, PlanDocument
from app.services.importers.plan_links import Linked, LinkProposal, linked, propose
from app.services.plans.due_dates import parse_due_text

NEAR_MATCH = 0.85  # difflib's ratio above which a new name is probably a known person spelled differently


@dataclass(frozen=True)
class Problem:
    table: int
    row: int
    message: str


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class MilestonePlan:
    """One row of the document, or one milestone the document no longer has."""

    outcome: str  # "create", "change", "unchanged" or "missing"
    area: str
    action: str
    deliverable: str
    source: MilestoneDocument | None = None
    existing_id: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    new_updates: list[DatedUpdate] = field(default_factory=list)


@dataclass(frozen=True)
class PersonPlan:
    written: str
    kind: PersonKind
    outcome: str  # "known", "near" (a known person to confirm) or "new"
    known_as: str | None = None


@dataclass
class ImportPreview:
    title: str
    existing_plan_id: int | None
    areas: list[tuple[str, str, str]] = field(default_factory=list)  # (outcome, number, title)
    actions: list[tuple[str, str, str]] = field(default_factory=list)  # (outcome, number, what)
    milestones: list[MilestonePlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    links: list[LinkProposal] = field(default_factory=list)  # findings proposed for their area's actions

    def count(self, items: str, outcome: str) -> int:
        rows = getattr(self, items)
        return sum(1 for row in rows if (row.outcome if hasattr(row, "outcome") else row[0]) == outcome)

    @property
    def changes_anything(self) -> bool:
        return any(self.count(items, outcome) for items in ("areas", "actions", "milestones")
                   for outcome in ("create", "change")) or any(p.outcome == "new" for p in self.people) \
            or bool(self.links)


@dataclass(frozen=True)
class _Reading:
    """What the comparison needs besides the rows: the plan's RAG key, its year, and the people known."""

    key: list
    year: int | None
    known: dict[str, str]  # casefolded name → name

    def match(self, person: NamedPerson) -> PersonPlan:
        if person.name.casefold() in self.known:
            return PersonPlan(person.name, person.kind, "known", self.known[person.name.casefold()])
        near = difflib.get_close_matches(person.name.casefold(), list(self.known), n=1, cutoff=NEAR_MATCH)
        if near:
            return PersonPlan(person.name, person.kind, "near", self.known[near[0]])
        return PersonPlan(person.name, person.kind, "new")

    def names(self, cell_text: str) -> list[str]:
        """The names a cell gives, as the service would record them (near matches as the person they match)."""
        return [self.match(person).known_as or person.name for person in people_in(cell_text)]


def preview(document: PlanDocument) -> ImportPreview:
    plan = _existing_plan(document.title)
    known = {name.casefold(): name for name in db.session.scalars(select(Person.name))}
    reading = _Reading([(e.rating, e.label, e.synonyms) for e in plan.rag_key] if plan else DEFAULT_KEY,
                       _plan_year(document), known)
    result = ImportPreview(document.title, plan.id if plan else None)
    areas = {area.number: area for area in plan.areas} if plan else {}
    answered = linked()
    for area_source in document.areas:
        area = areas.pop(area_source.number, None)
        _compare_area(result, area_source, area, reading)
        _propose_links(result, area_source, area, answered)
    for area in areas.values():
        result.areas.append(("missing", area.number, area.title))
    result.people = _people(result, reading)
    return result


def _existing_plan(title: str) -> Plan | None:
    plans = db.session.scalars(select(Plan).options(
        selectinload(Plan.rag_key), selectinload(Plan.areas).selectinload(Area.actions).selectinload(Action.milestones)
        .selectinload(Milestone.leads), selectinload(Plan.areas).selectinload(Area.actions)
        .selectinload(Action.milestones).selectinload(Milestone.responsible))).all()
    return next((plan for plan in plans if _words(plan.title) == _words(title)), None)


def _plan_year(document: PlanDocument) -> int | None:
    years = [int(word) for word in document.progress_update.split() if word.isdigit() and len(word) == 4]
    return years[0] if years else None


def _compare_area(result: ImportPreview, source: AreaDocument, area: Area | None, reading: _Reading) -> None:
    if area is None:
        result.areas.append(("create", source.number, source.title))
    else:
        changed = _words(area.title) != _words(source.title) or _words(area.summary) != _words(source.summary)
        result.areas.append(("change" if changed else "unchanged", source.number, source.title))
    actions = {action.number: action for action in area.actions} if area else {}
    for action_source in source.actions:
        action = actions.pop(action_source.number, None)
        _compare_action(result, source.number, action_source, action, reading)
    for action in actions.values():
        result.actions.append(("missing", action.number, action.what))
        result.milestones += [MilestonePlan("missing", source.number, action.number, m.deliverable, existing_id=m.id)
                              for m in action.milestones]


def _propose_links(result: ImportPreview, source: AreaDocument, area: Area | None, answered: Linked) -> None:
    """The area's findings, in the file or already in the service, that no action answers: for its actions."""
    recommendations = {r.code: r for r in area.recommendations} if area else {}
    improvement_areas = {_words(a.text): a for a in area.improvement_areas} if area else {}
    codes = {code for code, _ in source.recommendations} | set(recommendations)
    unanswered = [code for code in codes if code not in recommendations
                  or recommendations[code].id not in answered.recommendations]
    unanswered += [a.code for a in improvement_areas.values() if a.id not in answered.improvement_areas]
    new = len({_words(improvement_area_text(text)) for _, text in source.improvement_areas}
              - set(improvement_areas))
    if proposal := propose(source.number, unanswered, [action.number for action in source.actions], new):
        result.links.append(proposal)


def _compare_action(result: ImportPreview, area_number: str, source: ActionDocument, action: Action | None,
                    reading: _Reading) -> None:
    if action is None:
        result.actions.append(("create", source.number, source.what))
    else:
        changed = _words(action.what) != _words(source.what) or _words(action.how) != _words(source.how_raw)
        result.actions.append(("change" if changed else "unchanged", source.number, source.what))
    existing = {_words(m.deliverable): m for m in action.milestones} if action else {}
    for row in source.milestones:
        _note_problems(result, row, reading)
        milestone = existing.pop(_words(row.deliverable_raw), None)
        result.milestones.append(_compare_milestone(area_number, source.number, row, milestone, reading))
    result.milestones += [MilestonePlan("missing", area_number, source.number, m.deliverable, existing_id=m.id)
                          for m in existing.values()]


def _compare_milestone(area_number: str, action_number: str, row: MilestoneDocument, milestone: Milestone | None,
                       reading: _Reading) -> MilestonePlan:
    updates = [u for u in progress_updates_in(row.progress_raw, plan_year=reading.year) if u.written_on]
    if milestone is None:
        return MilestonePlan("create", area_number, action_number, row.deliverable_raw, row, new_updates=updates)
    changes = _field_changes(row, milestone, reading)
    latest = milestone.latest_update_on or date.min
    new_updates = [update for update in updates if update.written_on > latest]
    outcome = "change" if changes or new_updates else "unchanged"
    return MilestonePlan(outcome, area_number, action_number, row.deliverable_raw, row, milestone.id, changes,
                         new_updates)


def _field_changes(row: MilestoneDocument, milestone: Milestone, reading: _Reading) -> list[FieldChange]:
    changes = []
    if _words(milestone.due_raw) != _words(row.due_raw):
        changes.append(FieldChange("When will it be done?", milestone.due_raw, row.due_raw))
    responsible = reading.names(row.responsible_raw)
    if _names([milestone.responsible] if milestone.responsible else []) != _folded(responsible[:1]):
        changes.append(FieldChange("Responsible person", milestone.responsible.name if milestone.responsible else "",
                                   row.responsible_raw))
    leads = reading.names(row.lead_raw) + responsible[1:]
    if _names(milestone.leads) != _folded(leads):
        changes.append(FieldChange("Who will lead this", "; ".join(p.name for p in milestone.leads), row.lead_raw))
    rating, _ = rating_in(row.rag_raw, row.rag_shading, reading.key)
    if rating and rating != milestone.rag_set:
        old = milestone.rag_set.value.capitalize() if milestone.rag_set else "not set"
        changes.append(FieldChange("Current RAG Rating", old, row.rag_raw or f"shaded {row.rag_shading}"))
    return changes


def _note_problems(result: ImportPreview, row: MilestoneDocument, reading: _Reading) -> None:
    def problem(message: str) -> None:
        result.problems.append(Problem(row.table, row.row, message))

    due = parse_due_text(row.due_raw)
    if due.problem:
        problem(f"When will it be done? “{row.due_raw}”: {due.problem}. Kept as written, and flagged.")
    for person in people_in(row.responsible_raw) + people_in(row.lead_raw):
        if person.problem:
            problem(person.problem)
    for update in progress_updates_in(row.progress_raw, plan_year=reading.year):
        if update.problem:
            problem(update.problem)
    _, rag_problem = rating_in(row.rag_raw, row.rag_shading, reading.key)
    if rag_problem:
        problem(rag_problem)
    if not row.deliverable_raw.strip():
        problem("The milestone has no deliverable text")


def _people(result: ImportPreview, reading: _Reading) -> list[PersonPlan]:
    """Every name the new or changed rows use, matched to the people the service knows."""
    named: dict[str, NamedPerson] = {}
    for row in result.milestones:
        if row.source and row.outcome in ("create", "change"):
            for person in people_in(row.source.responsible_raw) + people_in(row.source.lead_raw):
                named.setdefault(person.name.casefold(), person)
    return [reading.match(person) for _, person in sorted(named.items())]


def _words(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _folded(names: list[str]) -> list[str]:
    return sorted(name.casefold() for name in names)


def _names(people: list[Person]) -> list[str]:
    return _folded([person.name for person in people])
