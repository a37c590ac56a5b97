"""Importing a Word plan: what the dry run (plan_import.preview) lists, written in one transaction.

- New areas, actions and milestones are created as the document has them. The due date is typed and kept as
  written, with an impossible date flagged. Each dated progress update becomes an update signed by the import.
  A RAG word becomes a rating set with its reason. "Revised …" dates await a programme manager's decision.
- A changed due date on a milestone the service already has becomes a revision (old date → new date) accepted by
  the person importing, with the reason "changed in the imported plan". New dated updates are added. Changed
  people and ratings are recorded as changes by that person.
- What the document no longer has is left as it is: the dry run listed it for the person to decide.
- Each area's findings that no action answered before the import are linked to the area's actions in the file,
  as the dry run proposed (plan_links), and recorded on each action.
- A near match the person confirmed ("Sasha Bat" is Sasha Bhat) uses the known person; any other name becomes
  a new person, a group or a placeholder, as the cell says.

Nothing already in the service is deleted, and nothing is written unless all of it is.
"""

import re
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Action,
    Area,
    DeliveryType,
    DueDateRevision,
    ImprovementArea,
    ImprovementAreaIdentification,
    Milestone,
    Person,
    Plan,
    ProgressUpdate,
    Rating,
    Recommendation,
    RevisionDecision,
    RevisionReason,
)
from app.services import history
from app.services.importers import imported
from app.services.importers.imported import DEFAULT_KEY
from app.services.importers.plan_cells import DatedUpdate, NamedPerson, people_in, rating_in, without_its_own_date
from app.services.importers.plan_docx import AreaDocument, MilestoneDocument, PlanDocument
from app.services.importers.plan_import import ImportPreview, MilestonePlan, preview
from app.services.importers.plan_links import link_unanswered, linked
from app.services.plans.changes import apply_due, due_phases, due_values, note_latest_update
from app.services.plans.due_dates import DueDate, month_start, parse_due_text
from app.services.transaction import transaction

PROJECT_CODE = re.compile(r"\b([A-Z]{2,6})\s?(\d{2})\b")


@transaction("The plan")
def import_plan(document: PlanDocument, *, same_people: set[str], actor: Person | None, now: datetime,
                source_name: str) -> ImportPreview:
    """Work out the dry run again and write it. `same_people`: the near matches (names as written) confirmed
    to be the known person. Returns what was done."""
    result = preview(document)
    _Writer(result, same_people, actor, now, source_name).write(document)
    return result


class _Writer:
    def __init__(self, result: ImportPreview, same_people: set[str], actor: Person | None, now: datetime,
                 source_name: str):
        self.result, self.actor, self.now = result, actor, now
        self.signature = f"Imported from {source_name}"[:200]
        self.reason = f"Changed in the imported plan ({source_name})"
        self.people = {person.name.casefold(): person for person in db.session.scalars(select(Person))}
        self.same = {plan.written.casefold(): self.people[plan.known_as.casefold()]
                     for plan in result.people if plan.outcome == "near" and plan.written in same_people}
        self.plan = db.session.get(Plan, result.existing_plan_id) if result.existing_plan_id else None
        self.key = [(e.rating, e.label, e.synonyms) for e in self.plan.rag_key] if self.plan else DEFAULT_KEY
        self.rows = {(row.source.table, row.source.row): row for row in result.milestones if row.source}
        self.created: list[tuple[Milestone, DueDate]] = []  # recorded once all are written (one flush, not one each)

    def write(self, document: PlanDocument) -> None:
        self.plan = self.plan or self._new_plan(document)
        areas = {area.number: area for area in self.plan.areas}
        answered = linked()
        for position, area_source in enumerate(document.areas):
            area = areas.get(area_source.number) or self._new_area(area_source, position)
            self._area_details(area, area_source)
            actions = {action.number: action for action in area.actions}
            in_file = []
            for index, action_source in enumerate(area_source.actions):
                action = actions.get(action_source.number)
                if action is None:
                    action = self._new_action(area, action_source, index)
                else:
                    self._action_wording(action, action_source)
                self._milestones(action, [self.rows[(m.table, m.row)] for m in action_source.milestones])
                in_file.append(action)
            self._link(area, in_file, answered)
        self._record_created()

    # --- Plan, areas and actions ------------------------------------------------------------------

    def _new_plan(self, document: PlanDocument) -> Plan:
        plan = Plan(import_source=f"Word plan: {document.title}", title=document.title, revision=document.revision,
                    lead_author=document.lead_author or None,
                    progress_label=f"Progress update {document.progress_update}" if document.progress_update else None)
        plan.rag_key = imported.rag_key(document.rag_definitions)
        db.session.add(plan)
        return plan

    def _new_area(self, source: AreaDocument, position: int) -> Area:
        area = Area(plan=self.plan, number=source.number, title=source.title, summary=source.summary,
                    position=position)
        db.session.add(area)
        return area

    def _area_details(self, area: Area, source: AreaDocument) -> None:
        if area.id is not None:
            history.change(area, {"title": source.title, "summary": source.summary}, actor=self.actor, now=self.now,
                           action_id=None)
        codes = {rec.code: rec for rec in area.recommendations}
        for index, (code, text) in enumerate(source.recommendations):
            if code in codes:
                history.change(codes[code], {"text": text}, actor=self.actor, now=self.now, action_id=None)
            else:
                db.session.add(Recommendation(plan=self.plan, area=area, code=code, text=text, position=index))
        known = {" ".join(afi.text.split()).casefold() for afi in area.improvement_areas}
        for dates, text in source.improvement_areas:
            text = imported.improvement_area_text(text)
            if " ".join(text.split()).casefold() not in known:
                months = sorted({month_start(part) for part in _months(dates)} - {None})
                area.improvement_areas.append(ImprovementArea(
                    text=text,
                    position=len(area.improvement_areas),
                    identifications=[ImprovementAreaIdentification(identified_in=month) for month in months]))

    def _link(self, area: Area, actions: list[Action], answered) -> None:
        """The area's unanswered findings, linked to each of its actions in the file (recorded on the action)."""
        db.session.flush()  # new Areas for Improvement get their codes, which the history records
        recommendations, improvement_areas = link_unanswered(area, actions, answered)
        for action in actions:
            history.change(action, {
                "recommendations": [*action.recommendations, *(r for r in recommendations
                                                               if r not in action.recommendations)],
                "improvement_areas": [*action.improvement_areas, *(a for a in improvement_areas
                                                                   if a not in action.improvement_areas)],
            }, actor=self.actor, now=self.now, action_id=action.id)

    def _new_action(self, area: Area, source, position: int) -> Action:
        delivery, code = _delivery(source.how_raw)
        action = Action(area=area, number=source.number, what=source.what, how=source.how_raw, delivery_type=delivery,
                        project_code=code, position=position)
        db.session.add(action)
        db.session.flush()
        return action

    def _action_wording(self, action: Action, source) -> None:
        """The file's "What we are doing" and "How we do it", where they differ in more than spacing."""
        wording = {name: text for name, text in (("what", source.what), ("how", source.how_raw))
                   if " ".join(getattr(action, name).split()) != " ".join(text.split())}
        history.change(action, wording, actor=self.actor, now=self.now, action_id=action.id)

    # --- Milestones ------------------------------------------------------------------------------------

    def _milestones(self, action: Action, plans: list[MilestonePlan]) -> None:
        """New milestones go after the action's existing ones, in the document's order."""
        next_position = max((m.position for m in action.milestones), default=-1) + 1
        for row in plans:
            if row.outcome == "create":
                self._new_milestone(action, row, next_position)
                next_position += 1
            elif row.outcome == "change":
                self._change_milestone(db.session.get(Milestone, row.existing_id), row)

    def _new_milestone(self, action: Action, row: MilestonePlan, position: int) -> None:
        source = row.source
        responsible, leads = self._people(source)
        due = parse_due_text(source.due_raw)
        rating, _ = rating_in(source.rag_raw, source.rag_shading, self.key)
        milestone = Milestone(action=action, position=position, sub_action=source.sub_action_raw,
                              deliverable=source.deliverable_raw.strip() or "(No deliverable text in the imported plan)",
                              responsible=responsible, leads=leads, completed_on=due.completed_on,
                              status=imported.status(source.progress_raw, due.completed_on), **due_values(due),
                              phases=due_phases(due),
                              **self._rating_values(rating, source))
        db.session.add(milestone)
        for update in row.new_updates:
            db.session.add(self._update(milestone, update))
        milestone.latest_update_on = max((update.written_on for update in row.new_updates), default=None)
        self.created.append((milestone, due))
        if revision := imported.revised_revision(milestone, due, self.now):
            db.session.add(revision)

    def _change_milestone(self, milestone: Milestone, row: MilestonePlan) -> None:
        source = row.source
        if " ".join(milestone.due_raw.split()) != " ".join(source.due_raw.split()):
            self._redate(milestone, source)
        responsible, leads = self._people(source)
        if responsible is not milestone.responsible:
            history.record(milestone, "responsible", _name(milestone.responsible), _name(responsible),
                           actor=self.actor, now=self.now, action_id=milestone.action_id)
            milestone.responsible = responsible
        if set(map(id, leads)) != set(map(id, milestone.leads)):
            history.record(milestone, "leads", "; ".join(p.name for p in milestone.leads),
                           "; ".join(p.name for p in leads), actor=self.actor, now=self.now,
                           action_id=milestone.action_id)
            milestone.leads = leads
        self._rating(milestone, source)
        self._updates(milestone, row.new_updates)

    def _redate(self, milestone: Milestone, source: MilestoneDocument) -> None:
        due = parse_due_text(source.due_raw)
        db.session.add(DueDateRevision(
            milestone=milestone, old_kind=milestone.due_kind, old_on=milestone.due_on, old_raw=milestone.due_raw,
            new_kind=due.kind, new_on=due.on, new_raw=due.raw, reason=RevisionReason.OTHER, reason_text=self.reason,
            proposed_by_id=self.actor.id if self.actor else None, proposed_at=self.now,
            decision=RevisionDecision.ACCEPTED, decided_by_id=self.actor.id if self.actor else None,
            decided_at=self.now, decision_note="Accepted by importing the plan"))
        apply_due(milestone, due, actor=self.actor, now=self.now)

    def _rating(self, milestone: Milestone, source: MilestoneDocument) -> None:
        rating, _ = rating_in(source.rag_raw, source.rag_shading, self.key)
        if rating and rating != milestone.rag_set:
            history.change(milestone, self._rating_values(rating, source), actor=self.actor, now=self.now,
                           action_id=milestone.action_id)

    def _rating_values(self, rating: Rating | None, source: MilestoneDocument) -> dict:
        if not rating:
            return {}
        word = " ".join(source.rag_raw.split()) or f"shaded {source.rag_shading}"
        return {"rag_set": rating, "rag_set_reason": f"Rated “{word}” in the imported plan", "rag_set_at": self.now,
                "rag_set_by_id": self.actor.id if self.actor else None}

    def _updates(self, milestone: Milestone, updates: list[DatedUpdate]) -> None:
        for update in updates:
            db.session.add(self._update(milestone, update))
        if updates:
            db.session.flush()
            note_latest_update(milestone, max(update.written_on for update in updates))

    def _update(self, milestone: Milestone, update: DatedUpdate) -> ProgressUpdate:
        return ProgressUpdate(milestone=milestone, written_on=update.written_on, created_at=self.now,
                              body=without_its_own_date(f"{update.heading_raw}\n{update.body}".strip(), update.written_on),
                              signed_as=self.signature)

    def _record_created(self) -> None:
        """Each new milestone's reading of its due date, in the history (as editing a due date records it)."""
        if not self.created:
            return
        db.session.flush()
        for milestone, due in self.created:
            for name, value in due_values(due).items():
                if value not in (None, ""):
                    history.record(milestone, name, None, history.as_text(value), actor=self.actor, now=self.now,
                                   action_id=milestone.action_id)

    # --- People ------------------------------------------------------------------------------------------

    def _people(self, source: MilestoneDocument) -> tuple[Person | None, list[Person]]:
        responsible = [self._person(p) for p in people_in(source.responsible_raw)]
        leads = [self._person(p) for p in people_in(source.lead_raw)] + responsible[1:]
        return (responsible[0] if responsible else None), list(dict.fromkeys(leads))

    def _person(self, named: NamedPerson) -> Person:
        folded = named.name.casefold()
        if folded in self.same:
            return self.same[folded]
        if folded not in self.people:
            self.people[folded] = Person(name=named.name, kind=named.kind)
            db.session.add(self.people[folded])
        return self.people[folded]


def _name(person: Person | None) -> str:
    return person.name if person else ""


def _delivery(how: str) -> tuple[DeliveryType, str | None]:
    words = how.casefold()
    code = PROJECT_CODE.search(how)
    if code:
        return DeliveryType.PROJECT, code.group(1) + code.group(2)
    for phrase, delivery in (("partner", DeliveryType.PARTNER_ACTION), ("service", DeliveryType.SERVICE_ACTION),
                             ("improvement project", DeliveryType.IMPROVEMENT_PROJECT),
                             ("programme", DeliveryType.PROGRAMME), ("project", DeliveryType.PROJECT)):
        if phrase in words:
            return delivery, None
    return DeliveryType.NOT_STATED, None


def _months(dates: str) -> list[str]:
    """"September 2018 February 2020" → ["September 2018", "February 2020"]."""
    return re.findall(r"[A-Za-z]+\s+\d{4}", dates)
