"""Handing over a person's open work to someone else when they leave: the milestones they are responsible for and
those they lead (not complete), the audit recommendations they own (open) and the audits allocated to them and not
yet submitted. Each record's history says who it moved from and to, as an edit would, with "(handed over)"."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Audit,
    Milestone,
    MilestoneStatus,
    Person,
    PersonKind,
    RecommendationStatus,
    Role,
    SmartRecommendation,
)
from app.services import history
from app.services.audits.allocation import own_team
from app.services.audits.rounds import OPEN_STATES
from app.services.errors import DomainError
from app.services.transaction import transaction

HANDED_OVER = " (handed over)"


@dataclass(frozen=True)
class OpenWork:
    responsible: list[Milestone]
    leading: list[Milestone]
    recommendations: list[SmartRecommendation]
    audits: list[Audit]

    @property
    def total(self) -> int:
        return len(self.responsible) + len(self.leading) + len(self.recommendations) + len(self.audits)


def open_work(person: Person) -> OpenWork:
    """What the person still has to do, each kind in a fixed order."""
    milestones = select(Milestone).where(Milestone.status != MilestoneStatus.COMPLETE).order_by(Milestone.id)
    return OpenWork(
        responsible=list(db.session.scalars(milestones.where(Milestone.responsible_id == person.id))),
        leading=list(db.session.scalars(milestones.where(Milestone.leads.any(Person.id == person.id))
                                        .options(selectinload(Milestone.leads)))),
        recommendations=list(db.session.scalars(select(SmartRecommendation).where(
            SmartRecommendation.owner_id == person.id, SmartRecommendation.status == RecommendationStatus.OPEN)
            .order_by(SmartRecommendation.id))),
        audits=list(db.session.scalars(select(Audit).where(Audit.auditor_id == person.id, Audit.state.in_(OPEN_STATES))
                                       .options(selectinload(Audit.case)).order_by(Audit.id))),
    )


@transaction("This person's work")
def hand_over(person: Person, receiver: Person | None, *, actor: Person, now: datetime) -> OpenWork:
    """Move all of the person's open work to the receiver at once, each change recorded; all or nothing."""
    work = open_work(person)
    _check_receiver(person, receiver, work)
    said = f"{receiver.name}{HANDED_OVER}"
    for milestone in work.responsible:
        history.record(milestone, "responsible", person.name, said, actor=actor, now=now, action_id=milestone.action_id)
        milestone.responsible = receiver
        history.touch(milestone)
    for milestone in work.leading:
        before = history.as_text(milestone.leads)
        leads = {lead.id: lead for lead in milestone.leads if lead.id != person.id} | {receiver.id: receiver}
        milestone.leads = sorted(leads.values(), key=lambda lead: lead.name)
        history.record(milestone, "leads", before, history.as_text(milestone.leads) + HANDED_OVER, actor=actor,
                       now=now, action_id=milestone.action_id)
        history.touch(milestone)
    for recommendation in work.recommendations:
        history.record(recommendation, "owner", person.name, said, actor=actor, now=now, action_id=None)
        recommendation.owner = receiver
    for audit in work.audits:
        history.record(audit, "allocated", person.name, said, actor=actor, now=now, action_id=None)
        audit.auditor = receiver
    return work


def _check_receiver(person: Person, receiver: Person | None, work: OpenWork) -> None:
    if receiver is None:
        raise DomainError("Choose who will take over the work", field="receiver_id")
    if receiver.id == person.id or receiver.kind != PersonKind.INDIVIDUAL:
        raise DomainError("Choose another person: not the person leaving, a group or a placeholder",
                          field="receiver_id")
    if not work.total:
        raise DomainError(f"{person.name} has no open work to hand over", field="receiver_id")
    if work.audits and not receiver.has_role(Role.AUDITOR, Role.QA_LEAD):
        raise DomainError(f"{receiver.name} is not an auditor, and {person.name} has audits not yet submitted. "
                          "Choose an auditor or a QA lead", field="receiver_id")
    clash = next((audit for audit in work.audits if own_team(receiver, audit.case)), None)
    if clash:
        raise DomainError(f"{receiver.name} works in {clash.case.team.name}, the team that holds case "
                          f"{clash.case.reference}, one of {person.name}'s audits. Choose someone from another team",
                          field="receiver_id")
