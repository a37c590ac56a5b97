"""What the notices say and where they link to, written once for the sweep, the scheduled reports, the safeguarding
alerts and the owners' update packs. Plain values in, words out: no queries.

It sits below app.services.reminders.compose (which attaches update packs to the e-mails) so that the update pack
can use these words without an import cycle.
"""

from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from app.models import Audit, NoticeKind, SubjectType
from app.services.plans.due_dates import format_date, long_date
from app.services.reminders.rules import Due
from app.services.wording import agrees, plural
from app.services.working_days import is_working_day, on_or_before, working_days_until


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


def day_text(day: date) -> str:
    """"Saturday 01/08/2020": the day of the week, where it matters."""
    return f"{day:%A} {date_text(day)}"


def due_title(due: Due, what: str, due_on: date, today: date) -> str:
    """The words say how far off the due date really is: a reminder sent late, after a pause or a change of
    settings, says "in 2 working days" even though it is the 3-day stage."""
    if due.kind == NoticeKind.DUE_SOON:
        return f"Due in {plural(working_days_until(today, due_on), 'working day')} ({date_text(due_on)}): {what}"
    if due.kind == NoticeKind.DUE_TODAY:
        if is_working_day(due_on):
            return f"Due today ({date_text(due_on)}): {what}"
        return f"Due {day_text(due_on)}, so the last working day for it is {day_text(on_or_before(due_on))}: {what}"
    return f"Overdue since {date_text(due_on)}: {what}"


def deadline_text(day: date) -> str:
    """"Friday 31 July 2020": a deadline in an e-mail, with its day of the week."""
    return f"{day:%A} {long_date(day)}"


def subject_day(day: date) -> str:
    """"Friday 31 July": a deadline in a subject line, kept short."""
    return f"{day:%A} {day.day} {day:%B}"


def when_due(due_on: date, today: date) -> str:
    """How an item stands on the day its e-mail goes: worked out from its date, not from the notice's stage, so a
    digest gathered over a week says what is true when it is read."""
    if due_on < today:
        return f"Overdue since {long_date(due_on)} ({plural((today - due_on).days, 'day')})"
    if due_on == today:
        return f"Due today, {deadline_text(due_on)}"
    if not is_working_day(due_on):
        return f"Due {deadline_text(due_on)}, so by {deadline_text(on_or_before(due_on))}"
    return f"Due {deadline_text(due_on)}"


def ask(verb: str, noun: str, due_dates: list[date], today: date) -> str:
    """What a subject asks of a list of dated items: "Update 3 milestones — 1 overdue", "Update 2 overdue
    milestones", "Submit 1 case-file audit by Friday 31 July"."""
    overdue = sum(day < today for day in due_dates)
    if overdue == len(due_dates):
        return f"{verb} {plural(overdue, f'overdue {noun}')}"
    if overdue:
        return f"{verb} {plural(len(due_dates), noun)} — {overdue} overdue"
    last = max(due_dates)
    return f"{verb} {plural(len(due_dates), noun)} by {'today, ' if last == today else ''}{subject_day(last)}"


def update_ask(count: int, deadline_on: date, overdue: int) -> str:
    """The subject of an update request: "Update 32 milestones by Friday 31 July — 9 overdue"."""
    return f"Update {plural(count, 'milestone')} by {subject_day(deadline_on)}" + (f" — {overdue} overdue"
                                                                                    if overdue else "")


PACK_CONTENTS = ("a Word document of these milestones, overdue first, then those due soon, with their due dates, "
                 "latest updates and RAG ratings.")
PACK_ATTACHED = f"Your update pack is attached: {PACK_CONTENTS}"
PACK_ON_MY_WORK = f"Your update pack is on My work to download: {PACK_CONTENTS}"


def meeting_words(kind: NoticeKind, title: str, held_on: date, deadline_on: date, open_count: int, stale: int,
                  last_cycle: date, overdue: int | None = None, due_soon: int | None = None,
                  pack: str = PACK_ON_MY_WORK) -> tuple[str, str]:
    """The title and body of the request to update before a meeting (`pack`: where its update pack is), and of the
    nudge closer to its deadline (with how many are overdue and due soon, when the e-mail knows)."""
    deadline, occasion = deadline_text(deadline_on), f"{title} on {long_date(held_on)}"
    counted = [f"{overdue} overdue" if overdue else "", f"{due_soon} due soon" if due_soon else ""]
    of_them = f" ({', '.join(filter(None, counted))})" if any(counted) else ""
    if kind == NoticeKind.UPDATE_REQUEST:
        return (f"Please update your milestones by {deadline}, for the {occasion}",
                f"You are responsible for or lead {plural(open_count, 'open milestone')}{of_them}. Add a dated "
                f"progress update to {agrees(open_count, 'it', 'each')} by {deadline}, so that the report for the "
                f"{occasion} is up to date. {pack}")
    if stale == open_count:
        which = "Your open milestone has" if stale == 1 else f"All {stale} of your open milestones have"
    else:
        which = f"{stale} of your {plural(open_count, 'open milestone')} {agrees(stale, 'has', 'have')}"
    return (f"{stale} of your milestones {agrees(stale, 'needs', 'need')} an update by {deadline}",
            f"{which} had no progress update since {long_date(last_cycle)}{of_them}. The report for the {occasion} "
            f"is drawn up after {deadline}.")


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
