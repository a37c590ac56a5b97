"""One person's e-mail as they read it: what it asks, in the order they should act.

A subject that says what to do and by when (never a case number); a one-line summary; the requests first (an update
request before a meeting, a safeguarding alert, a report to check); then the items, each once with one link: the
person's own milestones (most overdue first), audit recommendations with their How and due date (in date order),
case-file audits to write, and, for managers, the milestones escalated to them grouped by owner, with a link to that
owner's overdue milestones. An update request carries the reader's update pack, which lists all their open
milestones: its e-mail does not list them again, it says how many are due or overdue and that the pack has them,
overdue first (a milestone the pack leaves out, say one reassigned since, is still listed). Items are read as they
are when the e-mail goes (a few queries, whatever the number of notices); the words are
app.services.reminders.wording's. The footer gives the reasons that apply.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Action,
    Audit,
    AuditRound,
    Meeting,
    Milestone,
    NoticeKind,
    Notification,
    Person,
    PoolCase,
    SmartRecommendation,
)
from app.services.plans.queries import MilestoneRow
from app.services.reminders import sweep
from app.services.reminders.rules import month_end
from app.services.reminders.wording import (
    PACK_ATTACHED,
    PACK_ON_MY_WORK,
    ask,
    meeting_words,
    short,
    update_ask,
    when_due,
)
from app.services.wording import agrees, plural

MEETING_KINDS = (NoticeKind.UPDATE_REQUEST, NoticeKind.UPDATE_NUDGE)
CHOOSABLE = frozenset(NoticeKind) - {NoticeKind.ESCALATION, NoticeKind.SAFEGUARDING, NoticeKind.REPORT_READY}


@dataclass(frozen=True)
class Request:
    """Something asked of the reader as a whole: a paragraph and the one link to act on it."""

    title: str
    body: str
    link: str
    label: str
    ask: str  # its words in a subject
    summary: str  # its words in the one-line summary


@dataclass(frozen=True)
class Item:
    text: str  # the link's words
    link: str
    when: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    items: list[Item]
    ask: str
    summary: str
    note: str = ""  # a line said instead of (or before) the items: those the attached update pack lists


@dataclass(frozen=True)
class MeetingAsked:
    """What an update request and its update pack say of the meeting, read once per delivery run."""

    id: int
    title: str
    held_on: date
    update_deadline: date
    cycle_start: date  # sweep.cycle_start: an update on or after this day counts

    @classmethod
    def read(cls, meeting_id: int) -> "MeetingAsked":
        meeting = db.session.get(Meeting, meeting_id)
        return cls(meeting.id, meeting.title, meeting.held_on, meeting.update_deadline, sweep.cycle_start(meeting))


@dataclass
class Letter:
    subject: str
    summary: str
    requests: list[Request] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why the reader receives it: the footer
    offers_choice: bool = False  # the reminder choices apply to something in it


def write(recipient: Person, notices: list[Notification], *, today: date, digest: bool,
          meeting: Callable[[int], MeetingAsked], milestones: Callable[[Person, MeetingAsked], list[MilestoneRow]],
          pack_attached: bool = True) -> Letter:
    """The letter for these notices. `meeting(id)`: a meeting as the run read it; `milestones(person, meeting)`: the
    reader's open milestones for an update request about the meeting, as their update pack lists them
    (compose.UpdatePacks: read for the run's recipients in batches); `pack_attached`: the pack is attached, or else
    on My work to download."""
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for notice in notices:
        by_kind[_group(notice)].append(notice)
    where = PACK_ATTACHED if pack_attached else PACK_ON_MY_WORK
    meeting_requests, packed = _meeting_requests(recipient, by_kind["meeting"], meeting, milestones, where)
    requests = [*_safeguarding(by_kind["safeguarding"]), *meeting_requests, *_reports(by_kind["report"])]
    mine = _milestones(by_kind["milestone"], today, packed, "attached" if pack_attached else "on My work")
    others = [section for section in (_recommendations(by_kind["recommendation"], today),
                                      _audits(by_kind["audit"], today),
                                      _escalations(by_kind["escalation"], today)) if section]
    sections = [mine, *others] if mine else others
    # An update request already asks for the reader's milestones: the subject does not ask for them again.
    asked = [*requests, *(sections if mine is None or not by_kind["meeting"] else others)]
    subject = asked[0].ask + (f"; also {_and(part.summary for part in asked[1:])}" if asked[1:] else "")
    summary = _and(part.summary for part in [*requests, *sections])
    return Letter(subject=("Your week: " if digest else "") + subject,
                  summary=f"{'This week' if digest else 'In this e-mail'}: {summary}.",
                  requests=requests, sections=sections, reasons=_reasons(recipient, by_kind),
                  offers_choice=any(notice.kind in CHOOSABLE for notice in notices))


def _group(notice: Notification) -> str:
    if notice.kind in (NoticeKind.SAFEGUARDING, NoticeKind.ESCALATION):
        return notice.kind.value
    if notice.kind in MEETING_KINDS:
        return "meeting"
    return notice.subject_type.value  # milestone, recommendation, audit, report


def _and(phrases) -> str:
    phrases = list(phrases)
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


# --- Requests: what is asked of the reader as a whole -----------------------------------------------------------


def _safeguarding(notices: list[Notification]) -> list[Request]:
    return [Request(notice.title, notice.body, notice.link, "Read the actions in the service",
                    "Immediate safeguarding actions from a case-file audit", "a safeguarding alert")
            for notice in notices]


def _meeting_requests(recipient: Person, notices: list[Notification], meeting_of, milestones,
                      pack: str) -> tuple[list[Request], dict[int, MilestoneRow]]:
    """The request to update before a meeting, with the reader's counts as they are when it is sent; and the
    milestones of the update packs (an update request's, not a nudge's)."""
    requests, packed = [], {}
    for notice in notices:
        meeting = meeting_of(notice.subject_id)
        rows = milestones(recipient, meeting)
        last_cycle = meeting.cycle_start
        stale = [row for row in rows if row.latest_update_on is None or row.latest_update_on < last_cycle]
        asked = rows if notice.kind == NoticeKind.UPDATE_REQUEST else stale  # a nudge: those still without one
        overdue = sum(row.overdue for row in asked)
        if notice.kind == NoticeKind.UPDATE_REQUEST:
            packed |= {row.id: row for row in rows}
        title, body = meeting_words(notice.kind, meeting.title, meeting.held_on, meeting.update_deadline, len(rows),
                                    len(stale), last_cycle, overdue, sum(row.due_soon for row in asked), pack)
        requests.append(Request(title, body, "/my-work", "Update them from My work",
                                update_ask(len(asked), meeting.update_deadline, overdue),
                                f"the update request for the {meeting.title}"))
    return requests, packed


def _reports(notices: list[Notification]) -> list[Request]:
    return [Request(notice.title, notice.body, notice.link, "Open the report", notice.title,
                    "a report to check") for notice in notices]


# --- Items: each once, with one link ----------------------------------------------------------------------------


def _milestones(notices: list[Notification], today: date, packed: dict[int, MilestoneRow],
                pack_is: str) -> Section | None:
    """The reader's milestones due or overdue, most overdue first, each with its link; those in the update pack
    (`packed`, by id; `pack_is` "attached" or "on My work") are not listed again, but counted in one line that sends
    the reader to the pack (their dates are the pack's: only the others are read here)."""
    if not notices:
        return None
    others = {notice.subject_id for notice in notices} - packed.keys()
    listed = db.session.execute(select(Milestone.id, Action.number, Milestone.deliverable, Milestone.due_on)
                                .join(Action, Milestone.action_id == Action.id)
                                .where(Milestone.id.in_(others))).all() if others else []
    in_pack = sorted(packed[notice.subject_id].due_on for notice in notices if notice.subject_id in packed)
    listed.sort(key=lambda row: (row.due_on, row.id))
    items = [Item(f"{number} {short(deliverable, 160).rstrip('.')}", f"/milestones/{mid}/updates/new",
                  when_due(due_on, today)) for mid, number, deliverable, due_on in listed]
    dates = sorted([*in_pack, *(row.due_on for row in listed)])
    return Section("Your milestones due or overdue: add a progress update, or record them complete", items,
                   ask("Update", "milestone", dates, today), _counted("milestone", "due or overdue", dates, today),
                   _in_the_pack(in_pack, today, pack_is) if in_pack else "")


def _in_the_pack(dates: list[date], today: date, pack_is: str) -> str:
    """"27 milestones due or overdue (23 overdue) are in your update pack, attached: overdue first." (the pack's
    order: overdue, then due soon, then the rest)."""
    return f"{_counted('milestone', 'due or overdue', dates, today)} {agrees(len(dates), 'is', 'are')} in your " \
           f"update pack, {pack_is}: overdue first."


def _recommendations(notices: list[Notification], today: date) -> Section | None:
    if not notices:
        return None
    rows = db.session.execute(select(SmartRecommendation.id, SmartRecommendation.what, SmartRecommendation.how,
                                     SmartRecommendation.due_on)
                              .where(SmartRecommendation.id.in_({notice.subject_id for notice in notices}))
                              .order_by(SmartRecommendation.due_on, SmartRecommendation.id)).all()
    items = [Item(short(what, 160), f"/my-work#recommendation-{rid}", when_due(due_on, today),
                  f"How: {short(how, 200)}" if how.strip() else "") for rid, what, how, due_on in rows]
    dates = [row.due_on for row in rows]
    return Section("Audit recommendations you own: mark each done on My work", items,
                   ask("Complete", "audit recommendation", dates, today),
                   _counted("audit recommendation", "to complete", dates, today))


def _audits(notices: list[Notification], today: date) -> Section | None:
    if not notices:
        return None
    rows = db.session.execute(select(Audit.id, PoolCase.reference, AuditRound.title, AuditRound.month)
                              .join(PoolCase, Audit.case_id == PoolCase.id)
                              .join(AuditRound, Audit.round_id == AuditRound.id)
                              .where(Audit.id.in_({notice.subject_id for notice in notices}))
                              .order_by(AuditRound.month, Audit.id)).all()
    items = [Item(f"Case {reference} ({title})", f"/audits/{audit_id}/edit",
                  when_due(month_end(month), today))
             for audit_id, reference, title, month in rows]
    dates = [month_end(row.month) for row in rows]
    return Section("Case-file audits to write", items, ask("Submit", "case-file audit", dates, today),
                   _counted("case-file audit", "to submit", dates, today))


def _escalations(notices: list[Notification], today: date) -> Section | None:
    """Who to chase: the escalated milestones grouped by the person responsible, most first."""
    if not notices:
        return None
    rows = db.session.execute(select(Milestone.responsible_id, Person.name, Milestone.due_on)
                              .outerjoin(Person, Milestone.responsible_id == Person.id)
                              .where(Milestone.id.in_({notice.subject_id for notice in notices}))).all()
    owners: dict[tuple, list[date]] = defaultdict(list)
    for person_id, name, due_on in rows:
        owners[(person_id, name or "No one responsible")].append(due_on)
    items = [Item(name, f"/plan/milestones?owner={person_id}&due=overdue" if person_id else "/plan/milestones?due=overdue",
                  f"{len(dates)} overdue, oldest {plural((today - min(dates)).days, 'day')}")
             for (person_id, name), dates in sorted(owners.items(), key=lambda owner: (-len(owner[1]), owner[0][1]))]
    total, people = plural(len(rows), "overdue milestone"), plural(len(owners), "owner")
    return Section("Escalated to you: overdue milestones with no completion recorded", items,
                   f"Chase {people} about {total}", f"{total} of {people} to chase")


def _counted(noun: str, what: str, dates: list[date], today: date) -> str:
    """"12 milestones due or overdue (9 overdue)", "2 audit recommendations to complete": a section in the one-line
    summary. Milestones are said as due or overdue, as their section is: the update request's count above them is
    of those with no update this cycle, a different number."""
    overdue = sum(day < today for day in dates)
    return f"{plural(len(dates), noun)} {what}" + (f" ({overdue} overdue)" if overdue else "")


# --- The footer -------------------------------------------------------------------------------------------------


def _reasons(recipient: Person, by_kind: dict[str, list[Notification]]) -> list[str]:
    reasons = []
    if any(by_kind[group] for group in ("meeting", "milestone", "recommendation", "audit")):
        reasons.append("You receive reminders because you are responsible for, lead or audit this work.")
    if by_kind["escalation"]:
        reasons.append("Escalations go to the owner's line manager and to the programme managers, always by e-mail.")
    if by_kind["report"]:
        reasons.append("The service drafts this report on its schedule and sends it to the people who check and "
                       f"release it (your role: {recipient.role.label}).")
    if by_kind["safeguarding"]:
        reasons.append("Safeguarding alerts are always sent by e-mail, at once.")
    return reasons
