"""Recording changes: every field a person changes is kept as who, when, field, old → new; reading them back; and
saying each change as one sentence for people ("Due date changed from 30 June 2020 to 31 October 2020")."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from sqlalchemy import and_, inspect, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from app.extensions import db
from app.models import (
    Answer,
    AuditState,
    ChangeRecord,
    DeliveryType,
    DueKind,
    EmailPreference,
    Grade,
    ImprovementArea,
    MeetingKind,
    MilestoneStatus,
    Person,
    PersonKind,
    Rating,
    Recommendation,
    RecommendationStatus,
    Role,
    Team,
)
from app.services.errors import ConflictError
from app.services.plans.due_dates import describe as describe_due
from app.services.plans.due_dates import long_date, parse_due_text
from app.services.plans.rag import RATING_WORDS


def as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Person | Team):
        return value.name
    if isinstance(value, Recommendation):
        return value.code
    if isinstance(value, ImprovementArea):
        return value.code or value.text
    if isinstance(value, list):
        return ", ".join(as_text(item) or "" for item in value)
    return str(value)


def change(entity, values: dict, *, actor: Person | None, now: datetime, action_id: int | None) -> list[str]:
    """Set each attribute that differs and record it. Returns the names of the fields that changed."""
    changed = []
    for name, new in values.items():
        old = getattr(entity, name)
        if as_text(old) == as_text(new):
            continue
        record(entity, name, as_text(old), as_text(new), actor=actor, now=now, action_id=action_id)
        setattr(entity, name, new)
        changed.append(name)
    if changed and hasattr(entity, "version"):
        touch(entity)
    return changed


def touch(entity) -> None:
    """Make the row itself part of the save, so its version moves on even when only linked rows changed
    (leads, recommendations, months): a form opened before this save is then refused, not applied over it."""
    mapper = inspect(entity).mapper
    column = next(attr.key for attr in mapper.column_attrs
                  if not attr.columns[0].primary_key and attr.columns[0] is not mapper.version_id_col)
    flag_modified(entity, column)


def record(entity, field_name: str, old: str | None, new: str | None, *, actor, now, action_id) -> None:
    if entity.id is None:
        db.session.flush()
    db.session.add(
        ChangeRecord(
            entity_type=type(entity).__name__.lower(),
            entity_id=entity.id,
            action_id=action_id,
            field=field_name,
            old_value=old,
            new_value=new,
            changed_by=actor,
            changed_at=now,
        )
    )


def expect_version(entity, version: int | None, what: str) -> None:
    """Refuse a change made from a stale copy of the record (someone else saved in between)."""
    if version is not None and version != entity.version:
        raise ConflictError(what)


def changes_to(entities: dict[str, list[int]], limit: int = 200) -> list[ChangeRecord]:
    """The latest recorded changes to the given records, e.g. {"area": [1], "recommendation": [3, 4]}."""
    wanted = [and_(ChangeRecord.entity_type == kind, ChangeRecord.entity_id.in_(ids)) for kind, ids in entities.items()
              if ids]
    if not wanted:
        return []
    return list(db.session.scalars(
        select(ChangeRecord).where(or_(*wanted)).options(selectinload(ChangeRecord.changed_by))
        .order_by(ChangeRecord.changed_at.desc(), ChangeRecord.id.desc()).limit(limit)))


# --- Saying a change in words -----------------------------------------------------------------------------------
#
# A change record holds a field's name and its old and new values as text. These pure functions say it as one
# sentence: the field's label (LABELS, else its name in words), the values made readable (dates in words, choices by
# their labels, ratings by their word, Yes/No), and events ("created", "allocated") in their own words.

LABELS = {
    "due_raw": "Due date", "due_on": "Due date", "due_kind": "Kind of due date", "due_note": "Note on the due date",
    "sub_action": "Sub-action", "deliverable": "Expected milestone or deliverable", "responsible": "Responsible person",
    "leads": "Leads", "completed_on": "Date completed", "rag_set": "Rating", "rag_set_reason": "Reason for the rating",
    "what": "What we are doing", "how": "How we do it", "delivery_type": "Delivery type",
    "recommendations": "Ofsted recommendations", "improvement_areas": "Areas for Improvement",
    "identifications": "When Ofsted identified it", "summary": "Aim", "lead_author": "Lead author",
    "progress_label": "Progress update label", "synonyms": "Other words for it", "held_on": "Date of the meeting",
    "email": "Email address", "job_title": "Job title", "line_manager": "Line manager", "active": "Can sign in",
    "email_preference": "E-mail choice", "state": "Status", "overall_grade": "Overall grade",
    "child_date_of_birth": "Child's date of birth", "child_name": "Child's name", "cp_chair_iro": "CP chair or IRO",
    "due_soon_working_days": "Due-soon reminders (working days before)",
    "remind_on_due_day": "Remind owners on the day a milestone is due",
    "overdue_repeat_days": "Days between overdue reminders",
    "escalate_after_working_days": "Working days overdue before escalating",
    "update_deadline_days_before_meeting": "Days before a meeting for its update deadline",
    "report_deadline_days_before_meeting": "Days before a meeting for its report deadline",
    "draft_report_working_days": "Working days before the report deadline to send the draft report",
    "update_request_working_days": "Working days before the update deadline to ask for updates",
    "nudge_working_days": "Working days before the update deadline to send the nudge",
    "audit_due_soon_working_days": "Working days before an audit is due to remind its auditor",
}
LABELS_BY_KIND = {("action", "number"): "Action number", ("area", "number"): "Area number",
                  ("recommendation", "text"): "Recommendation", ("improvementarea", "text"): "Area for Improvement",
                  ("team", "name"): "Team name", ("meeting", "kind"): "Kind of meeting", ("person", "kind"): "Kind",
                  ("ragkeyentry", "label"): "Rating label", ("ragkeyentry", "definition"): "Rating definition",
                  ("poolcase", "reference"): "Case ID number", ("poolcase", "closed_recently"): "Closed in the last 6 months",
                  ("poolcase", "step_up"): "Step-up case", ("poolcase", "neglect"): "Neglect as a risk factor",
                  ("poolcase", "under_two"): "Child under two"}

CHOICES = {"status": MilestoneStatus, "due_kind": DueKind, "delivery_type": DeliveryType, "role": Role,
           "email_preference": EmailPreference, "state": AuditState, "overall_grade": Grade, "grade": Grade,
           "standard": Answer, "recommendation": RecommendationStatus}
CHOICES_BY_KIND = {("meeting", "kind"): MeetingKind, ("person", "kind"): PersonKind}

TEXT_FIELDS = {"deliverable", "sub_action", "what", "how", "title", "summary", "text", "definition", "due_note",
               "rag_set_reason", "comment", "progress_label"}
"""Written text, shown in quotation marks so it reads apart from the sentence around it."""

COMPANIONS = {"due_on": "due_raw", "due_kind": "due_raw", "rag_set_reason": "rag_set", "rag_set_at": "rag_set",
              "rag_set_by_id": "rag_set", "completed_on": "status"}
"""Fields saved with another in one change and said in its sentence: the due date's kind and day are read from the
date as written, the rating's reason and who set it go with the rating, the completion date with the status. Each is
said on its own when saved without its main field."""

ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})(T[\d:.]+)?\b")
CHOICE_AT_START = re.compile(r"([a-z_]+)(\W.*)?$", re.DOTALL)
NOTHING = "nothing"


def label_of(entity_type: str, field: str) -> str:
    """The field's label, e.g. "due_raw" → "Due date", "standard 5.1.1" → "Standard 5.1.1"."""
    label = LABELS_BY_KIND.get((entity_type, field)) or LABELS.get(field)
    return label or field.replace("_", " ").capitalize()


def choice_of(entity_type: str, field: str) -> type[Enum] | None:
    return CHOICES_BY_KIND.get((entity_type, field)) or CHOICES.get(field) or CHOICES.get(field.split(" ")[0])


def words_for(entity_type: str, field: str, value: str | None,
              rating_word: Callable[[Rating], str] = RATING_WORDS.get) -> str:
    """A recorded value made readable: a choice by its label, a rating by its word, a date in words, Yes or No."""
    if value is None or value == "":
        return NOTHING
    if field == "rag_set" and value in set(Rating):
        return rating_word(Rating(value))
    if field == "due_raw":
        return due_words(value)
    choices, head = choice_of(entity_type, field), CHOICE_AT_START.match(value)
    if choices is not None and head and head.group(1) in {member.value for member in choices}:
        member = choices(head.group(1))
        label = getattr(member, "label", None) or member.value.replace("_", " ").capitalize()
        return label + _dates_in_words(head.group(2) or "")  # "done on 2020-08-01" → "Done on 1 August 2020"
    if value in ("True", "False"):
        return "Yes" if value == "True" else "No"
    if field in TEXT_FIELDS or field.split(" ")[0] in TEXT_FIELDS:
        return f"“{value}”"
    return _dates_in_words(value)


def _dates_in_words(text: str) -> str:
    return ISO_DATE.sub(lambda match: long_date(match.group(1)), text)


def due_words(raw: str) -> str:
    """A due date as written, in words: "30/09/20" → "30 September 2020"; one that cannot be read, as written."""
    due = parse_due_text(raw)
    if due.problem:
        return f"“{raw.strip()}”"
    if due.kind == DueKind.TBD:
        return "not yet decided" + (f" ({due.note})" if due.note else "")
    words = describe_due(due, dates=long_date)  # "30 September 2020", "October 2020", "Ongoing, review …"
    return words if due.kind in (DueKind.DATE, DueKind.MONTH) else words[0].lower() + words[1:]


EVENTS = {
    "created": lambda old, new: "Created" + (f": {new}" if new and not new.startswith(("This ", "The ")) else ""),
    "deleted": lambda old, new: f"Deleted: {old}" if old else "Deleted",
    "allocated": lambda old, new: f"Allocated to {new}",
    "case removed": lambda old, new: f"Case {new} taken out of the chosen cases: it was removed from the pool",
    "moderation": lambda old, new: f"Moderated: {new}",
    "evidence": lambda old, new: f"Evidence added: {new}",
    "password": lambda old, new: f"Password {new}",
    "calendar link": lambda old, new: ("Calendar link revoked" if new == "revoked" else "Calendar link created"
                                       + (" (the previous link was revoked)" if old else "")),
}


def sentence(entity_type: str, field: str, old: str | None, new: str | None, *,
             rating_word: Callable[[Rating], str] = RATING_WORDS.get) -> str:
    """One change as one sentence, e.g. "Due date changed from 30 June 2020 to 31 October 2020"."""
    if field in EVENTS:
        return EVENTS[field](old, new)
    if entity_type == "milestone" and field == "revision" and new:
        decision, _, raw = new.partition(": ")
        return f"Revised date {decision}: {due_words(raw)}"
    if field == "due_problem":
        return f"The due date could not be read: {new}" if new else "The due date can now be read"
    if new == "changed" and field in {"child_name", "child_date_of_birth"}:  # recorded without its values
        return f"{label_of(entity_type, field)} changed"
    if field == "rag_set" and not new:
        return f"Rating of {words_for(entity_type, field, old, rating_word)} removed: the suggested rating applies"
    label = label_of(entity_type, field)
    before, after = (words_for(entity_type, field, value, rating_word) for value in (old, new))
    if before == after and field == "due_raw":  # the same date, written differently
        before, after = f"“{old}”", f"“{new}”"
    if before == NOTHING:
        return f"{label} set to {after}"
    if after == NOTHING:
        return f"{label} removed (was {before})"
    return f"{label} changed from {before} to {after}"


RECORD_KINDS = {"improvementarea": "Area for Improvement", "ragkeyentry": "RAG key", "duedaterevision": "Revised date",
                "remindersettings": "Reminder settings", "auditround": "Audit round",
                "poolcase": "Case"}


def kind_of(entity_type: str) -> str:
    """The kind of record in words: "milestone" → "Milestone", "ragkeyentry" → "RAG key"."""
    return RECORD_KINDS.get(entity_type, entity_type.capitalize())


@dataclass(frozen=True)
class SaidChange:
    """A change as people read it: when, who, what kind of record and the sentence."""

    changed_at: datetime
    changed_by: Person | None
    kind: str
    sentence: str


def said(changes: list[ChangeRecord], *, rating_word: Callable[[Rating], str] = RATING_WORDS.get) -> list[SaidChange]:
    """Each change as a sentence, newest first as given. A field saved with its main field (COMPANIONS) is said in
    the main field's sentence; the rating's reason is added to it."""
    saved_together: dict[tuple, dict[str, ChangeRecord]] = {}
    for change in changes:
        key = (change.entity_type, change.entity_id, change.changed_at, change.changed_by_id)
        saved_together.setdefault(key, {})[change.field] = change
    lines = []
    for change in changes:
        together = saved_together[(change.entity_type, change.entity_id, change.changed_at, change.changed_by_id)]
        if COMPANIONS.get(change.field) in together:
            continue
        text = sentence(change.entity_type, change.field, change.old_value, change.new_value,
                        rating_word=rating_word)
        text += _companion_words(change, together)
        lines.append(SaidChange(change.changed_at, change.changed_by, kind_of(change.entity_type), text))
    return lines


def _companion_words(change: ChangeRecord, together: dict[str, ChangeRecord]) -> str:
    if change.field == "rag_set" and together.get("rag_set_reason") and change.new_value:
        return f". Reason: {together['rag_set_reason'].new_value}"
    if change.field == "status" and together.get("completed_on") and together["completed_on"].new_value:
        return f", on {long_date(together['completed_on'].new_value)}"
    return ""


def when_words(moment: datetime) -> str:
    """A date and time as GOV.UK writes them: "31 July 2020 at 2:05pm", "… at midday", "… at midnight"."""
    if (moment.hour, moment.minute) == (12, 0):
        time = "midday"
    elif (moment.hour, moment.minute) == (0, 0):
        time = "midnight"
    else:
        time = f"{moment.hour % 12 or 12}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"
    return f"{long_date(moment.date())} at {time}"
