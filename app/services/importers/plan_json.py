"""Load a plan extracted cell by cell (app/data/improvement-plan-2020-07.json) into the database.

What the cells say is kept: the raw due-date text beside its typed reading (invalid dates flagged),
each cell's latest progress update as a dated update signed by the import, RAG cells as ratings a
person set ("Yellow" read through the plan's key), and "Revised …" dates as re-plans awaiting a
programme manager's decision. Loading the same plan twice changes nothing.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Action,
    Area,
    DeliveryType,
    ImprovementArea,
    ImprovementAreaIdentification,
    Milestone,
    Person,
    PersonKind,
    Plan,
    ProgressUpdate,
    Recommendation,
)
from app.services.importers import imported
from app.services.importers.plan_cells import without_its_own_date
from app.services.importers.plan_links import Linked, link_unanswered
from app.services.plain_text import plain_text
from app.services.plans import rag
from app.services.plans.changes import apply_due
from app.services.plans.due_dates import month_start, parse_due_text
from app.services.transaction import transaction

PERSON_KINDS = {"person": PersonKind.INDIVIDUAL, "group_or_role": PersonKind.GROUP, "placeholder": PersonKind.PLACEHOLDER}
DELIVERY_TYPES = {member.value: member for member in DeliveryType}


@dataclass
class LoadResult:
    plan: Plan
    created: bool


def load_plan_file(path: Path, *, now: datetime, email_domain: str) -> LoadResult:
    return load_plan(json.loads(path.read_text(encoding="utf-8")), now=now, email_domain=email_domain)


@transaction("The plan")
def load_plan(source: dict, *, now: datetime, email_domain: str) -> LoadResult:
    existing = db.session.scalar(select(Plan).where(Plan.import_source == _source_key(source)))
    if existing:
        return LoadResult(existing, created=False)
    loader = _Loader(_plain(source), now=now, email_domain=email_domain)
    plan = loader.load()
    return LoadResult(plan, created=True)


class _Loader:
    def __init__(self, source: dict, *, now: datetime, email_domain: str):
        self.source, self.now, self.email_domain = source, now, email_domain
        self.people: dict[str, Person] = {person.name: person for person in db.session.scalars(select(Person))}
        self.signature = f"Imported from the {source.get('progress_update') or 'source'} plan"

    def load(self) -> Plan:
        source = self.source
        plan = Plan(import_source=_source_key(source), title=source["title"], organisation=source.get("organisation"),
                    revision=source.get("revised"), lead_author=source.get("lead_author"),
                    progress_label=f"Progress update {source['progress_update']}" if source.get("progress_update") else None)
        plan.rag_key = self.key = imported.rag_key(source.get("rag_definitions", {}))
        db.session.add(plan)
        for person in source.get("people_index", []):
            self._person(person["name"], person["kind"])
        for position, area_source in enumerate(source["areas"]):
            self._area(plan, area_source, position)
        return plan

    def _person(self, name: str, kind: str) -> Person:
        if name not in self.people:
            person_kind = PERSON_KINDS[kind]
            email = f"{_slug(name)}@{self.email_domain}" if person_kind == PersonKind.INDIVIDUAL else None
            self.people[name] = Person(name=name, kind=person_kind, email=email)
            db.session.add(self.people[name])
        return self.people[name]

    def _area(self, plan: Plan, source: dict, position: int) -> None:
        area = Area(plan=plan, number=source["number"], title=source["title"], summary=source.get("summary") or "",
                    position=position)
        db.session.add(area)
        for index, rec in enumerate(source.get("ofsted_recommendations", [])):
            db.session.add(Recommendation(plan=plan, area=area, code=rec["code"], text=rec["text"], position=index))
        for index, afi in enumerate(source.get("areas_for_improvement", [])):
            months = sorted({month_start(text) for text in afi["dates_identified"]} - {None})
            area.improvement_areas.append(ImprovementArea(
                text=imported.improvement_area_text(afi["text"]), position=index,
                identifications=[ImprovementAreaIdentification(identified_in=month) for month in months]))
        actions = [self._action(area, action_source, index) for index, action_source in enumerate(source["actions"])]
        recommendations, improvement_areas = link_unanswered(area, actions, Linked())
        for action in actions:  # the plan lists its findings under the area: each of its actions answers them
            action.recommendations, action.improvement_areas = list(recommendations), list(improvement_areas)

    def _action(self, area: Area, source: dict, position: int) -> Action:
        action = Action(area=area, number=source["number"], what=source.get("what") or "", how=source.get("how") or "",
                        delivery_type=DELIVERY_TYPES.get(source.get("how_type") or "", DeliveryType.NOT_STATED),
                        project_code=source.get("project_code"), position=position)
        db.session.add(action)
        db.session.flush()
        for index, milestone_source in enumerate(source["milestones"]):
            self._milestone(action, milestone_source, index)
        return action

    def _milestone(self, action: Action, source: dict, position: int) -> None:
        responsible = [self._person(p["name"], p["kind"]) for p in source["responsible_people"]]
        leads = [self._person(p["name"], p["kind"]) for p in source["lead_people"]]
        due = parse_due_text(source["due_raw"])
        milestone = Milestone(action=action, position=position, sub_action=source.get("sub_action"),
                              deliverable=source["deliverable"] or "(No deliverable text in the source plan)",
                              responsible=responsible[0] if responsible else None,
                              leads=_unique(leads + responsible[1:]))
        milestone.status = imported.status(source.get("progress_raw") or "", due.completed_on)
        milestone.completed_on = due.completed_on
        db.session.add(milestone)
        apply_due(milestone, due, actor=None, now=self.now)
        self._rag_cell(milestone, source.get("rag_raw") or "")
        self._progress(milestone, source)
        if revision := imported.revised_revision(milestone, due, self.now):
            db.session.add(revision)

    def _rag_cell(self, milestone: Milestone, text: str) -> None:
        rating = rag.rating_from_word(text, self.key)
        if rating:
            milestone.rag_set = rating
            milestone.rag_set_reason = f"Rated “{text}” in the imported plan"
            milestone.rag_set_at = self.now

    def _progress(self, milestone: Milestone, source: dict) -> None:
        body = (source.get("progress_raw") or "").strip()
        dated = source.get("progress_updates") or []
        if body and dated:
            written_on = date.fromisoformat(dated[0]["date"])
            db.session.add(ProgressUpdate(milestone=milestone, written_on=written_on,
                                          body=without_its_own_date(body, written_on),
                                          signed_as=self.signature, created_at=self.now))
            milestone.latest_update_on = written_on


def _plain(value):
    """The source with every text in it as plain text (HTML turned into lines)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return plain_text(value) if isinstance(value, str) else value


def _source_key(source: dict) -> str:
    """What identifies a loaded plan, whatever programme managers later rename it to."""
    return source.get("source") or f"{source['title']} ({source.get('revised')})"


def _unique(people: list[Person]) -> list[Person]:
    return list(dict.fromkeys(people))


def _slug(name: str) -> str:
    return ".".join("".join(ch for ch in part.lower() if ch.isalnum()) for part in name.split() if part)
