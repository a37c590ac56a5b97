"""Moderation: a QA lead picks a sample of submitted audits (a random share, reproducible by its seed, or chosen
ones); the moderator agrees or changes each element's grade and the overall grade, with reasons. The auditor's
grades are never overwritten."""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Audit, AuditRound, AuditState, Grade, Moderation, ModerationGrade, Person
from app.services import history, permissions
from app.services.audits import rounds as audit_rounds
from app.services.errors import DomainError, NotAllowedError
from app.services.transaction import transaction


def unmoderated_submissions(audit_round: AuditRound) -> list[Audit]:
    moderated = select(Moderation.audit_id)
    return list(db.session.scalars(select(Audit).where(Audit.round_id == audit_round.id,
                                                       Audit.state == AuditState.SUBMITTED,
                                                       Audit.id.not_in(moderated)).order_by(Audit.id)))


@transaction("This round")
def choose_sample(audit_round: AuditRound, *, share: float | None, audit_ids: list[int] | None, seed: int | None,
                  moderator: Person, actor: Person, now: datetime) -> list[Moderation]:
    """Pick submitted audits to moderate: a random share of them (at least one), or the ones chosen."""
    if not permissions.sees_audit_contents(actor):
        raise NotAllowedError("Only a QA lead chooses audits to moderate")
    candidates = unmoderated_submissions(audit_round)
    if audit_ids:
        chosen = [audit for audit in candidates if audit.id in set(audit_ids)]
        seed = None
    else:
        if share is None or not 0 < share <= 1:
            raise DomainError("Choose a share between 1% and 100%, or choose the audits", field="share")
        seed = seed if seed is not None else secrets.randbelow(2**31)
        count = max(1, round(len(candidates) * share)) if candidates else 0
        chosen = random.Random(seed).sample(candidates, count)
    if not chosen:
        raise DomainError("There are no submitted audits waiting for moderation in this round")
    if any(audit.auditor_id == moderator.id for audit in chosen):
        raise DomainError(f"{moderator.name} completed one of these audits: choose another moderator",
                          field="moderator_id")
    moderations = [Moderation(audit=audit, moderator=moderator, selected_by_id=actor.id, selected_at=now, seed=seed)
                   for audit in chosen]
    db.session.add_all(moderations)
    return moderations


@transaction("This round")
def choose_sample_for_qa_lead(audit_round: AuditRound, *, moderator: Person | None, share: float | None,
                              audit_ids: list[int] | None, seed: int | None, actor: Person,
                              now: datetime) -> list[Moderation]:
    """choose_sample() for the moderator picked on the round page, who must be one of the QA leads."""
    if moderator is None or not permissions.sees_audit_contents(moderator):
        raise DomainError("Choose a moderator from the QA leads")
    return choose_sample(audit_round, share=share, audit_ids=audit_ids, seed=seed, moderator=moderator, actor=actor,
                         now=now)


@dataclass
class ElementDecision:
    grade: Grade
    reason: str = ""


@transaction("This moderation")
def record(moderation: Moderation, *, elements: dict[int, ElementDecision], overall_grade: Grade | None,
           overall_reason: str, actor: Person, now: datetime) -> None:
    """The moderator's grades. A grade that differs from the auditor's needs a reason; the auditor's stay as they were."""
    if actor.id != moderation.moderator_id:
        raise NotAllowedError("Only the moderator of this audit can record its moderation")
    if overall_grade is None:
        raise DomainError("Choose the overall grade", field="overall_grade")
    audit = moderation.audit
    original = {grade.element_id: grade.grade for grade in audit.element_grades}
    missing = [element.number for element in audit.tool.elements if element.id not in elements]
    if missing:
        raise DomainError("Give a grade for every element: " + ", ".join(missing))
    for element in audit.tool.elements:
        decision = elements[element.id]
        if decision.grade != original.get(element.id) and not decision.reason.strip():
            raise DomainError(f"Say why the grade for {element.number} is changed", field=f"reason_{element.id}")
    overall_original = audit.record.overall_grade if audit.record else None
    if overall_grade != overall_original and not overall_reason.strip():
        raise DomainError("Say why the overall grade is changed", field="overall_reason")
    moderation.grades = [ModerationGrade(element_id=element.id, original_grade=original.get(element.id),
                                         grade=elements[element.id].grade, reason=elements[element.id].reason.strip())
                         for element in audit.tool.elements]
    moderation.overall_grade, moderation.overall_reason = overall_grade, overall_reason.strip()
    moderation.completed_at = now
    changed = [g for g in moderation.grades if g.changed]
    history.record(audit, "moderation", None, f"{len(changed)} element grades changed; overall "
                   f"{'agreed' if overall_grade == overall_original else 'changed'}", actor=actor, now=now,
                   action_id=None)
    audit_rounds.move(audit, AuditState.MODERATED, actor=actor, now=now)
