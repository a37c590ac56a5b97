"""Doing an audit: saving drafts (nothing typed is ever lost), submitting, the overall-grade check,
immediate safeguarding alerts, and who may see an audit (every view logged)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median_low

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Action,
    Answer,
    Area,
    Audit,
    AuditAccess,
    AuditAnswer,
    AuditElementGrade,
    AuditParty,
    AuditRecord,
    AuditSharing,
    AuditState,
    Grade,
    LearningPoint,
    PartyKind,
    Person,
    RecommendationStatus,
    Role,
    SafeguardingAlert,
    SmartRecommendation,
)
from app.models.audits import GRADE_ORDER
from app.services import history, permissions
from app.services.audits import rounds as audit_rounds
from app.services.audits import tallies as audit_tallies
from app.services.errors import DomainError, NotAllowedError
from app.services.reminders import sweep as reminder_sweep
from app.services.reminders.wording import safeguarding_notice
from app.services.transaction import transaction

EDITABLE = {AuditState.ALLOCATED, AuditState.IN_PROGRESS}


@dataclass
class ElementEntry:
    grade: Grade | None = None
    comment: str = ""


@dataclass
class Recommendation:
    what: str
    how: str = ""
    owner_id: int | None = None
    who: str = ""
    due_on: date | None = None


@dataclass
class Party:
    kind: PartyKind
    relationship_to_child: str = ""
    name: str = ""
    age: int | None = None
    gender: str = ""
    ethnicity: str = ""
    language: str = ""


@dataclass
class Learning:
    """An organisational learning point, in the tool's columns: what, how, who and when."""

    what: str
    how: str = ""
    who: str = ""
    due_on: date | None = None


@dataclass
class Sharing:
    """One of the other parties the audit was shared with."""

    name: str = ""
    role: str = ""
    shared_on: date | None = None


@dataclass
class AuditDraft:
    """Everything on the audit form, as typed."""

    record: dict = field(default_factory=dict)  # AuditRecord's columns by name
    completed_on: date | None = None
    answers: dict[int, Answer] = field(default_factory=dict)  # by standard id
    elements: dict[int, ElementEntry] = field(default_factory=dict)  # by element id
    parties: list[Party] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    learning_points: list[Learning] = field(default_factory=list)
    shared_with: list[Sharing] = field(default_factory=list)


# --- Who may see an audit -----------------------------------------------------------------------


def may_view(person: Person, audit: Audit) -> bool:
    """The auditor, QA leads, the moderator, and the case's team and service managers (not administrators as such:
    permissions.sees_audit_contents)."""
    return (permissions.sees_audit_contents(person) or person.id == audit.auditor_id
            or (audit.moderation is not None and person.id == audit.moderation.moderator_id)
            or person.id in {audit.case.team_manager_id, audit.case.service_manager_id})


@transaction("This audit")
def open_audit(audit: Audit, person: Person, *, kind: str, now: datetime) -> Audit:
    """Check access and log the view (or export) before anything of the audit is shown."""
    if not may_view(person, audit):
        raise NotAllowedError("You cannot see this audit")
    db.session.add(AuditAccess(audit_id=audit.id, person_id=person.id, kind=kind, at=now))
    return audit


# --- Drafts and submission ----------------------------------------------------------------------


@transaction("This audit")
def save_draft(audit: Audit, draft: AuditDraft, *, version: int | None, actor: Person, now: datetime,
               collect_identity: bool) -> list[SafeguardingAlert]:
    """Save everything typed, complete or not. Starting a draft moves the audit to in progress.
    Immediate safeguarding actions raise alerts at once. Returns the alerts raised or updated."""
    if actor.id != audit.auditor_id:
        raise NotAllowedError("Only the allocated auditor can write this audit")
    if AuditState(audit.state) not in EDITABLE:
        raise DomainError(f"This audit is {AuditState(audit.state).label.lower()} and can no longer be changed")
    history.expect_version(audit, version, "This audit")
    if audit.state == AuditState.ALLOCATED:
        audit_rounds.move(audit, AuditState.IN_PROGRESS, actor=actor, now=now)
    record = audit.record or AuditRecord()
    audit.record = record
    values = {name: value for name, value in draft.record.items()
              if collect_identity or name not in IDENTITY_FIELDS}
    for name, value in {**values, "completed_on": draft.completed_on}.items():
        target = audit if name == "completed_on" else record
        _set(audit, target, name, value, actor=actor, now=now)
    _replace_answers(audit, draft.answers, actor=actor, now=now)
    _replace_elements(audit, draft.elements, actor=actor, now=now)
    audit.parties = [AuditParty(kind=p.kind, position=i, relationship_to_child=p.relationship_to_child, name=p.name,
                                age=p.age, gender=p.gender, ethnicity=p.ethnicity, language=p.language)
                     for i, p in enumerate(draft.parties)]
    _replace_recommendations(audit, draft.recommendations)
    _replace_learning_points(audit, draft.learning_points)
    audit.shared_with = [AuditSharing(position=i, name=s.name, role=s.role, shared_on=s.shared_on)
                         for i, s in enumerate(draft.shared_with)]
    db.session.flush()
    alerts = _raise_alerts(audit, now)
    history.touch(audit)  # one saved draft is one change to the audit: an older copy of the form is refused
    return alerts


IDENTITY_FIELDS = {"child_name", "child_date_of_birth"}


def _set(audit: Audit, target, name: str, value, *, actor: Person, now: datetime, label: str | None = None) -> None:
    """Set one field and record the change; the child's identity is recorded as changed, never its value."""
    old = getattr(target, name)
    if history.as_text(old) == history.as_text(value):
        return
    shown = (None, "changed") if name in IDENTITY_FIELDS else (history.as_text(old), history.as_text(value))
    history.record(audit, label or name, *shown, actor=actor, now=now, action_id=None)
    setattr(target, name, value)


def _replace_answers(audit: Audit, answers: dict[int, Answer], *, actor: Person, now: datetime) -> None:
    current = {answer.standard_id: answer for answer in audit.answers}
    for element in audit.tool.elements:
        for standard in element.standards:
            if standard.id not in answers:
                continue
            row = current.get(standard.id)
            if row is None:
                row = AuditAnswer(standard_id=standard.id, answer=answers[standard.id])
                audit.answers.append(row)
                history.record(audit, f"standard {element.number}.{standard.position + 1}", None,
                               answers[standard.id].value, actor=actor, now=now, action_id=None)
            else:
                _set(audit, row, "answer", answers[standard.id], actor=actor, now=now,
                     label=f"standard {element.number}.{standard.position + 1}")


def _replace_elements(audit: Audit, entries: dict[int, ElementEntry], *, actor: Person, now: datetime) -> None:
    current = {grade.element_id: grade for grade in audit.element_grades}
    for element in audit.tool.elements:
        entry = entries.get(element.id)
        if entry is None:
            continue
        row = current.get(element.id)
        if row is None:
            row = AuditElementGrade(element_id=element.id)
            audit.element_grades.append(row)
        _set(audit, row, "grade", entry.grade, actor=actor, now=now, label=f"grade {element.number}")
        _set(audit, row, "comment", entry.comment, actor=actor, now=now, label=f"comment {element.number}")


def _replace_recommendations(audit: Audit, recommendations: list[Recommendation]) -> None:
    kept = audit.recommendations[: len(recommendations)]
    for position, (item, source) in enumerate(zip(kept, recommendations, strict=False)):
        item.position, item.what, item.how, item.owner_id, item.who, item.due_on = (
            position, source.what, source.how, source.owner_id, source.who, source.due_on)
    audit.recommendations = kept + [
        SmartRecommendation(position=len(kept) + i, what=r.what, how=r.how, owner_id=r.owner_id, who=r.who,
                            due_on=r.due_on)
        for i, r in enumerate(recommendations[len(kept):])]


def _replace_learning_points(audit: Audit, points: list[Learning]) -> None:
    """The points not yet made into plan actions are replaced; the promoted ones stay as they are."""
    promoted = [point for point in audit.learning_points if point.action_id]
    fresh = [point for point in points if point.what not in {kept.text for kept in promoted}]
    audit.learning_points = promoted + [
        LearningPoint(position=len(promoted) + i, text=p.what, how=p.how, who=p.who, due_on=p.due_on)
        for i, p in enumerate(fresh)]


def _raise_alerts(audit: Audit, now: datetime) -> list[SafeguardingAlert]:
    """Alert the case's managers to new or changed immediate actions: their e-mails are written to the outbox in this
    transaction, and the scheduler's one-minute delivery job sends them (a web request never talks to the mail
    server)."""
    actions = (audit.record.immediate_actions or "").strip() if audit.record else ""
    if not actions:
        return []
    recipients = {audit.case.team_manager_id, audit.case.service_manager_id} - {None}
    existing = {alert.recipient_id: alert for alert in
                db.session.scalars(select(SafeguardingAlert).where(SafeguardingAlert.audit_id == audit.id))}
    alerts = []
    for recipient_id in sorted(recipients):
        alert = existing.get(recipient_id)
        if alert is None:
            alert = SafeguardingAlert(audit_id=audit.id, recipient_id=recipient_id, actions=actions, raised_at=now)
            db.session.add(alert)
        elif alert.actions != actions:
            alert.actions, alert.raised_at, alert.acknowledged_at = actions, now, None
        else:
            continue
        alerts.append(alert)
        reminder_sweep.notify([safeguarding_notice(audit, recipient_id, now)], now)
    return alerts


def missing_for_submission(audit: Audit) -> list[str]:
    """What must be filled in before an audit can be submitted, in the order of the form."""
    missing = []
    if audit.completed_on is None:
        missing.append("Enter the date the audit was completed")
    answered = {answer.standard_id for answer in audit.answers}
    grades = {grade.element_id: grade for grade in audit.element_grades}
    for element in audit.tool.elements:
        unanswered = sum(standard.id not in answered for standard in element.standards)
        if unanswered:
            missing.append(f"Answer every key standard in {element.number} ({unanswered} not answered)")
        if not grades.get(element.id) or grades[element.id].grade is None:
            missing.append(f"Grade element {element.number}")
    record = audit.record
    if record is None or record.overall_grade is None:
        missing.append("Choose the overall grade")
    if record is None or not record.summary.strip():
        missing.append("Write the summary of the reasons for the overall grade")
    if record is None or record.completed_with_worker is None:
        missing.append("Say whether the audit was completed alongside the social worker")
    for number, item in enumerate(audit.recommendations, start=1):
        if not item.what.strip():
            missing.append(f"Say what recommendation {number} is to achieve")
    for number, point in enumerate(open_learning_points(audit), start=1):
        if not point.text.strip():
            missing.append(f"Say what learning point {number} is")
    return missing


def open_learning_points(audit: Audit) -> list[LearningPoint]:
    """Learning points not yet made into plan actions: the ones the auditor may still change."""
    return [point for point in audit.learning_points if not point.action_id]


@transaction("This audit")
def submit(audit: Audit, *, actor: Person, now: datetime) -> None:
    if actor.id != audit.auditor_id:
        raise NotAllowedError("Only the allocated auditor can submit this audit")
    missing = missing_for_submission(audit)
    if missing:
        raise DomainError("Before you submit: " + "; ".join(missing))
    audit_rounds.move(audit, AuditState.SUBMITTED, actor=actor, now=now)


# --- The overall grade --------------------------------------------------------------------------


def overall_grade_warning(element_grades: list[Grade | None], overall: Grade | None) -> str | None:
    """A warning when the overall grade is out of line with the element grades. It stays the auditor's call.

    Out of line: better than every element, worse than every element, or more than one grade away from the
    middle element grade.
    """
    grades = [GRADE_ORDER.index(Grade(grade)) for grade in element_grades if grade]
    if overall is None or not grades:
        return None
    chosen, middle = GRADE_ORDER.index(Grade(overall)), median_low(grades)
    label = Grade(overall).label
    if chosen < min(grades):
        return f"The overall grade ({label}) is better than every element's grade"
    if chosen > max(grades):
        return f"The overall grade ({label}) is worse than every element's grade"
    if abs(chosen - middle) > 1:
        return f"The overall grade ({label}) is far from the middle element grade ({GRADE_ORDER[middle].label})"
    return None


# --- After the audit: tracked recommendations and learning that becomes plan work ----------------


def may_close_recommendation(person: Person, recommendation: SmartRecommendation) -> bool:
    return (permissions.sees_audit_contents(person) or person.id == recommendation.owner_id
            or person.id == db.session.scalar(select(Audit.auditor_id).where(Audit.id == recommendation.audit_id)))


@transaction("This recommendation")
def close_recommendation(recommendation: SmartRecommendation, *, done: bool, on: date, actor: Person,
                         now: datetime) -> None:
    """Mark a SMART recommendation done (on a date) or no longer needed."""
    if not may_close_recommendation(actor, recommendation):
        raise NotAllowedError("Only its owner, the auditor or a QA lead can close this recommendation")
    if on > now.date():
        raise DomainError("The date must be today or in the past", field="on")
    status = RecommendationStatus.DONE if done else RecommendationStatus.CANCELLED
    audit = db.session.get(Audit, recommendation.audit_id)
    history.record(audit, f"recommendation {recommendation.position + 1}", recommendation.status.value,
                   f"{status.value} on {on.isoformat()}", actor=actor, now=now, action_id=None)
    recommendation.status, recommendation.done_on = status, on if done else None
    audit_tallies.recount_if_done(audit)


@transaction("This learning point")
def promote_learning_point(point: LearningPoint, *, area: Area, number: str, what: str, actor: Person,
                           now: datetime) -> Action:
    """Turn an organisational learning point into an improvement-plan action, linked back to its audit."""
    if not actor.has_role(Role.PROGRAMME_MANAGER, Role.ADMIN):
        raise NotAllowedError("Only a programme manager can add actions to the plan")
    if point.action_id:
        raise DomainError("This learning point is already a plan action")
    if db.session.scalar(select(Action.id).where(Action.area_id == area.id, Action.number == number.strip())):
        raise DomainError(f"{number.strip()} is already used: choose another", field="number")
    if not what.strip():
        raise DomainError("Enter what the action is", field="what")
    action = Action(area_id=area.id, number=number.strip(), what=what.strip(),
                    how=point.how.strip() or "Arising from a case-file audit",
                    position=max((a.position for a in area.actions), default=-1) + 1)
    db.session.add(action)
    db.session.flush()
    point.action_id = action.id
    audit_tallies.recount_if_done(db.session.get(Audit, point.audit_id))
    history.record(action, "created", None, f"from a learning point of a case-file audit (learning point {point.id})",
                   actor=actor, now=now, action_id=action.id)
    return action


# --- Safeguarding alerts: the manager's acknowledgement --------------------------------------------


@transaction("This alert")
def acknowledge(alert: SafeguardingAlert, *, actor: Person, now: datetime) -> None:
    """The manager alerted has read the immediate actions (the alert leaves their My work)."""
    if alert.recipient_id != actor.id:
        raise NotAllowedError("Only the person alerted can acknowledge this alert")
    alert.acknowledged_at = alert.acknowledged_at or now
