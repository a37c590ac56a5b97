"""What the notices say and where they link to, written once for the sweep, the scheduled reports, the safeguarding
alerts and the owners' update packs. Plain values in, words out: no queries.

It sits below app.services.reminders.compose (which attaches update packs to the e-mails) so that the update pack
can use these words without an import cycle.
"""

from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from app.models import Audit, NoticeKind, SubjectType
from app.services.plans.due_dates import format_date
from app.services.reminders.rules import Due
from app.services.working_days import working_days_until


class Notice(NamedTuple):  # a tuple, not a dataclass: a first sweep makes tens of thousands
    """A notice to create: its key, and what it says."""

    recipient_id: int
    kind: NoticeKind
    subject_type: SubjectType
    subject_id: int
    due_on: date
    title: str
    link: str
    occurrence: int = 0
    body: str = ""
    update_link: str | None = None

    @property
    def key(self) -> tuple:
        return (self.recipient_id, self.kind, self.subject_type, self.subject_id, self.due_on, self.occurrence)


def short(text: str, limit: int = 90) -> str:
    """The text on one line, cut at `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=4096)  # a sweep writes the same few hundred dates tens of thousands of times
def date_text(day: date) -> str:
    return format_date(day)


def plural(count: int, noun: str) -> str:
    """"1 reminder", "2 reminders"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def due_title(due: Due, what: str, due_on: date, today: date) -> str:
    """The words say how far off the due date really is: a reminder sent late, after a pause or a change of
    settings, says "in 2 working days" even though it is the 3-day stage."""
    if due.kind == NoticeKind.DUE_SOON:
        return f"Due in {plural(working_days_until(today, due_on), 'working day')} ({date_text(due_on)}): {what}"
    if due.kind == NoticeKind.DUE_TODAY:
        return f"Due {date_text(due_on)}, the last working day before it is due: {what}" if due_on.weekday() > 4 \
            else f"Due today ({date_text(due_on)}): {what}"
    return f"Overdue since {date_text(due_on)}: {what}"


class MilestoneWording:
    """What the notices about one milestone say, worked out once for all their recipients, and the pages they link
    to (the update pack links to the same pages)."""

    def __init__(self, milestone_id: int, number: str, deliverable: str, due_on: date | None):
        self.id, self.number, self.deliverable, self.due_on = milestone_id, number, deliverable, due_on
        self.what = f"{number} {short(deliverable)}"
        self.link, self.update_link = f"/milestones/{milestone_id}", f"/milestones/{milestone_id}/updates/new"

    def reminders(self, owners: list[int], due: Due, title: str) -> list[Notice]:
        body = f"Milestone of action {self.number}: {self.deliverable}"
        return [Notice(owner, due.kind, SubjectType.MILESTONE, self.id, self.due_on, title, self.link, due.occurrence,
                       body, self.update_link) for owner in owners]

    def escalations(self, recipients: list[int], responsible: str | None, after_days: int) -> list[Notice]:
        due = date_text(self.due_on)
        title = f"Escalated, overdue since {due}: {self.what}"
        body = f"Responsible: {responsible or 'no one'}. Due {due}; no completion recorded after {after_days} working days."
        return [Notice(pid, NoticeKind.ESCALATION, SubjectType.MILESTONE, self.id, self.due_on, title, self.link, 0,
                       body, self.update_link) for pid in recipients]


def safeguarding_notice(audit: Audit, recipient_id: int, now: datetime) -> Notice:
    """The e-mail names the case, not the child, and sends the reader to the service for the actions themselves."""
    reference = audit.case.reference
    return Notice(
        recipient_id, NoticeKind.SAFEGUARDING, SubjectType.AUDIT, audit.id, now.date(),
        f"Immediate safeguarding actions from a case-file audit: case {reference}", f"/audits/{audit.id}",
        body=f"The auditor of case {reference} ({audit.auditor.name}) has recorded actions needed now to keep the "
             "child safe. Read them in the service, and acknowledge them on your My work.")
