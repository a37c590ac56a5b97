"""The reminder sweep: which notices are due now, written to the outbox once each.

A sweep reads the open work in a fixed number of queries (however many milestones there are), works out with
app.services.reminders.rules which notice about each item is relevant today, words it with
app.services.reminders.wording, and inserts the notices with INSERT … ON CONFLICT DO NOTHING on their unique key.
Run twice, or by two schedulers at once, it creates each notice once. Sending is app.services.reminders.outbox's
job, after the sweep has committed.

Sweeps do nothing on a day that is not a working day: the next working day's sweep catches up.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import String, and_, case, func, or_, select, type_coerce, update
from sqlalchemy.orm import aliased

from app.database import add_rows_ignoring_duplicates, insert_ignoring_duplicates
from app.extensions import db
from app.models import (
    ALWAYS_EMAILED,
    Action,
    Audit,
    AuditRound,
    AuditState,
    EmailPreference,
    EmailState,
    Meeting,
    Milestone,
    MilestoneStatus,
    NoticeKind,
    Notification,
    Person,
    PersonKind,
    PoolCase,
    RecommendationStatus,
    ReminderSettings,
    Role,
    SmartRecommendation,
    SubjectType,
)
from app.models.plans import milestone_leads
from app.services.plans.due_dates import format_date
from app.services.reminders import rules as reminder_rules
from app.services.reminders.rules import Timing
from app.services.reminders.wording import MilestoneWording, Notice, due_title, meeting_words, short
from app.services.transaction import transaction
from app.services.working_days import add_working_days, first_of_week, is_working_day


@dataclass
class SweepResult:
    working_day: bool = True
    candidates: int = 0  # notices relevant today, new or not
    created: dict[str, int] = field(default_factory=dict)  # new notices by kind
    digests: int = 0

    @property
    def created_total(self) -> int:
        return sum(self.created.values())


def settings() -> ReminderSettings:
    """The administrator's settings, or the defaults until they first save them."""
    return db.session.get(ReminderSettings, 1) or ReminderSettings(id=1, **_defaults())


def _defaults() -> dict:
    return {column.name: column.default.arg for column in ReminderSettings.__table__.columns
            if column.default is not None and column.name not in ("id", "version")}


MILESTONE_SLICE = 20_000  # milestone ids worked out at a time: a first sweep of a large plan holds one slice's notices


@transaction("The outbox")
def sweep(now: datetime, *, dry_run: bool = False) -> tuple[SweepResult, list[Notice]]:
    """Create the notices due now (or, with dry_run, only work out which would be new, and return them). The notices
    are worked out, compared with those already written and written a slice at a time: the milestones MILESTONE_SLICE
    ids at a time, then the recommendations, audits and meetings, so that a first sweep of a large plan (a quarter of
    a million notices at ten times the bench's data) never holds them all."""
    today = now.date()
    if not is_working_day(today):
        return SweepResult(working_day=False), []
    chosen = settings()
    people = _people()
    result, would_create = SweepResult(), []
    for subject_type, which, notices in _all_notices(today, chosen, people):
        notices = [notice for notice in notices if notice.recipient_id in people]
        result.candidates += len(notices)
        fresh = _new(notices, today, subject_type, which)
        for notice in fresh:
            result.created[notice.kind.value] = result.created.get(notice.kind.value, 0) + 1
        if dry_run:
            would_create += fresh
        else:
            _insert(fresh, people, now)
    if not dry_run and first_of_week(today):
        result.digests = _gather_digests(today, now)
    return result, would_create


def _all_notices(today: date, chosen: ReminderSettings, people: dict) -> Iterator[tuple[SubjectType, Any, list[Notice]]]:
    """The notices relevant today, a slice at a time: the type of what they are about, which of those (an SQL
    condition on Milestone.id, or None for all), and the notices."""
    timing = Timing(tuple(chosen.due_soon_offsets), chosen.remind_on_due_day, chosen.overdue_repeat_days)
    horizon = add_working_days(today, max(timing.due_soon_working_days, default=0) + 1)
    first, last = db.session.execute(select(func.min(Milestone.id), func.max(Milestone.id))
                                     .where(*_open_milestones(), Milestone.due_on <= horizon)).one()
    for start in range(first or 0, (last or -1) + 1, MILESTONE_SLICE):
        ids = Milestone.id.between(start, start + MILESTONE_SLICE - 1)
        yield SubjectType.MILESTONE, ids, _milestone_notices(today, chosen, timing, people, horizon, ids)
    yield SubjectType.RECOMMENDATION, None, _recommendation_notices(today, timing)
    yield SubjectType.AUDIT, None, _audit_notices(today, chosen)
    yield SubjectType.MEETING, None, _meeting_notices(today, chosen)


# --- Who can be told --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str | None
    preference: EmailPreference
    line_manager_id: int | None
    programme_manager: bool


def _people() -> dict[int, Recipient]:
    """Active individuals: the only people notices are for."""
    rows = db.session.execute(select(Person.id, Person.email, Person.email_preference, Person.line_manager_id,
                                     Person.role).where(Person.active.is_(True),
                                                        Person.kind == PersonKind.INDIVIDUAL))
    return {pid: Recipient(email, EmailPreference(pref), manager, role == Role.PROGRAMME_MANAGER)
            for pid, email, pref, manager, role in rows}


# --- Milestones: due soon, due today, overdue, escalation -------------------------------------------


def _milestone_notices(today: date, chosen: ReminderSettings, timing: Timing, people: dict, horizon: date,
                       ids) -> list[Notice]:
    """The notices about the open milestones due by the horizon among `ids` (an SQL condition on Milestone.id)."""
    rows = db.session.execute(
        select(Milestone.id, Milestone.due_on, Milestone.responsible_id, Milestone.deliverable, Action.number,
               Person.name)
        .join(Action, Milestone.action_id == Action.id).outerjoin(Person, Milestone.responsible_id == Person.id)
        .where(*_open_milestones(), Milestone.due_on <= horizon, ids).order_by(Milestone.id)).all()
    leads = _leads(horizon, ids)
    programme_managers = {pid for pid, person in people.items() if person.programme_manager}
    notices = []
    for milestone_id, due_on, responsible_id, deliverable, number, responsible in rows:
        milestone = MilestoneWording(milestone_id, number, deliverable, due_on)
        due = reminder_rules.dated_notice(due_on, today, timing)
        if due:
            owners = sorted({responsible_id, *leads.get(milestone_id, ())} - {None})
            notices += milestone.reminders(owners, due, due_title(due, milestone.what, due_on, today))
        if reminder_rules.escalation_due(due_on, today, chosen.escalate_after_working_days):
            manager = people[responsible_id].line_manager_id if responsible_id in people else None
            recipients = sorted({manager, *programme_managers} - {None, responsible_id})
            notices += milestone.escalations(recipients, responsible, chosen.escalate_after_working_days)
    return notices


def _open_milestones() -> list:
    return [Milestone.status != MilestoneStatus.COMPLETE, Milestone.due_on.is_not(None),
            Milestone.due_problem.is_(None)]


def _leads(horizon: date, ids) -> dict[int, list[int]]:
    rows = db.session.execute(select(milestone_leads.c.milestone_id, milestone_leads.c.person_id)
                              .join(Milestone, Milestone.id == milestone_leads.c.milestone_id)
                              .where(*_open_milestones(), Milestone.due_on <= horizon, ids))
    leads: dict[int, list[int]] = defaultdict(list)
    for milestone_id, person_id in rows:
        leads[milestone_id].append(person_id)
    return leads


# --- Audit work: SMART recommendations and allocated audits -----------------------------------------


def _recommendation_notices(today: date, timing: Timing) -> list[Notice]:
    horizon = add_working_days(today, max(timing.due_soon_working_days, default=0) + 1)
    rows = db.session.execute(select(SmartRecommendation.id, SmartRecommendation.owner_id, SmartRecommendation.due_on,
                                     SmartRecommendation.what, PoolCase.reference)
                              .join(Audit, SmartRecommendation.audit_id == Audit.id)
                              .join(PoolCase, Audit.case_id == PoolCase.id)
                              .where(SmartRecommendation.status == RecommendationStatus.OPEN,
                                     SmartRecommendation.owner_id.is_not(None),
                                     SmartRecommendation.due_on <= horizon)
                              .order_by(SmartRecommendation.id))
    notices = []
    for rec_id, owner_id, due_on, what, reference in rows:
        due = reminder_rules.dated_notice(due_on, today, timing)
        if due:
            notices.append(Notice(owner_id, due.kind, SubjectType.RECOMMENDATION, rec_id, due_on,
                                  due_title(due, f"audit recommendation for case {reference}: {short(what, 70)}", due_on, today),
                                  "/my-work#audit-recommendations", due.occurrence, what))
    return notices


def _audit_notices(today: date, chosen: ReminderSettings) -> list[Notice]:
    timing = Timing((chosen.audit_due_soon_working_days,), on_the_day=False,
                    overdue_repeat_days=chosen.overdue_repeat_days)
    rows = db.session.execute(select(Audit.id, Audit.auditor_id, Audit.state, Audit.allocated_at, AuditRound.month,
                                     AuditRound.title, PoolCase.reference)
                              .join(AuditRound, Audit.round_id == AuditRound.id)
                              .join(PoolCase, Audit.case_id == PoolCase.id)
                              .where(Audit.state.in_([AuditState.ALLOCATED, AuditState.IN_PROGRESS]))
                              .order_by(Audit.id))
    notices = []
    for audit_id, auditor_id, state, allocated_at, month, round_title, reference in rows:
        due_on, link = reminder_rules.month_end(month), f"/audits/{audit_id}/edit"
        body = f"{round_title}: case {reference}, to be submitted by {format_date(due_on)}."
        if state == AuditState.ALLOCATED:
            notices.append(Notice(auditor_id, NoticeKind.ALLOCATED, SubjectType.AUDIT, audit_id, allocated_at.date(),
                                  f"Case-file audit allocated to you: case {reference}", link, 0, body))
        due = reminder_rules.dated_notice(due_on, today, timing)
        if due:
            notices.append(Notice(auditor_id, due.kind, SubjectType.AUDIT, audit_id, due_on,
                                  due_title(due, f"case-file audit of case {reference}", due_on, today), link, due.occurrence,
                                  body))
    return notices


# --- Update requests before meetings ----------------------------------------------------------------


def _meeting_notices(today: date, chosen: ReminderSettings) -> list[Notice]:
    meetings = db.session.scalars(select(Meeting).where(Meeting.update_deadline >= today)
                                  .order_by(Meeting.update_deadline)).all()
    notices = []
    for meeting in meetings:
        kind = reminder_rules.meeting_notice(meeting.update_deadline, today, chosen.update_request_working_days,
                                             chosen.nudge_working_days)
        if kind is None:
            continue
        last_cycle = cycle_start(meeting)
        for person_id, open_count, stale in _owners(last_cycle):
            if kind == NoticeKind.UPDATE_NUDGE and not stale:
                continue
            notices.append(_meeting_notice(meeting, kind, person_id, open_count, stale, last_cycle))
    return notices


def cycle_start(meeting: Meeting) -> date:
    """The start of a meeting's update cycle: the previous meeting's update deadline (or, if none, the stale limit).
    An open milestone with no update since then is asked for one (and counted on the programme managers' My work)."""
    previous = db.session.scalar(select(func.max(Meeting.update_deadline))
                                 .where(Meeting.update_deadline < meeting.update_deadline))
    return previous or meeting.update_deadline - timedelta(days=current_app.config["STALE_UPDATE_DAYS"])


def not_updated_since(start: date):
    """An open milestone's update is still wanted this cycle: no progress update since the cycle started (SQL)."""
    return or_(Milestone.latest_update_on.is_(None), Milestone.latest_update_on < start)


def _owners(last_cycle: date) -> list[tuple[int, int, int]]:
    """Each person responsible for or leading open milestones: how many, and how many not updated this cycle."""
    responsible = select(Milestone.responsible_id.label("person_id"), Milestone.id.label("milestone_id")).where(
        Milestone.status != MilestoneStatus.COMPLETE, Milestone.responsible_id.is_not(None))
    led = (select(milestone_leads.c.person_id, milestone_leads.c.milestone_id)
           .join(Milestone, Milestone.id == milestone_leads.c.milestone_id)
           .where(Milestone.status != MilestoneStatus.COMPLETE))
    owned = responsible.union(led).subquery()
    stale = not_updated_since(last_cycle)
    return db.session.execute(select(owned.c.person_id, func.count(), func.sum(case((stale, 1), else_=0)))
                              .join(Milestone, Milestone.id == owned.c.milestone_id)
                              .group_by(owned.c.person_id).order_by(owned.c.person_id)).all()


def _meeting_notice(meeting: Meeting, kind: NoticeKind, person_id: int, open_count: int, stale: int,
                    last_cycle: date) -> Notice:
    title, body = meeting_words(kind, meeting.title, meeting.held_on, meeting.update_deadline, open_count, stale,
                                last_cycle)
    return Notice(person_id, kind, SubjectType.MEETING, meeting.id, meeting.update_deadline, title, "/my-work", 0,
                  body)


# --- Writing the notices ----------------------------------------------------------------------------


def _new(notices: list[Notice], today: date, subject_type: SubjectType, which) -> list[Notice]:
    """The notices not yet in the outbox (notices about one type of subject, those `which` picks when not None)."""
    unique = {notice.key: notice for notice in notices}
    existing = _existing_keys(today, subject_type, which) if unique else set()
    return [notice for key, notice in unique.items() if key not in existing]


def _existing_keys(today: date, subject_type: SubjectType, which=None) -> set[tuple]:
    """The keys of the notices already written about work of this type that is still open, at its current due date
    (`which`: an SQL condition picking some of it): every notice a sweep could create again. One query, whatever the
    size of the plan or the age of the outbox."""
    # Plain values (the kinds as text: a StrEnum equals and hashes as its text), without the ORM's row objects.
    key = (Notification.recipient_id, type_coerce(Notification.kind, String),
           type_coerce(Notification.subject_type, String), Notification.subject_id, Notification.due_on,
           Notification.occurrence)
    model, conditions = {
        SubjectType.MILESTONE: (Milestone, [Milestone.due_on == Notification.due_on, *_open_milestones()]),
        SubjectType.RECOMMENDATION: (SmartRecommendation, [SmartRecommendation.due_on == Notification.due_on,
                                                           SmartRecommendation.status == RecommendationStatus.OPEN]),
        SubjectType.AUDIT: (Audit, [Audit.state.in_([AuditState.ALLOCATED, AuditState.IN_PROGRESS])]),
        SubjectType.MEETING: (Meeting, [Meeting.update_deadline >= today]),
    }[subject_type]
    query = select(*key).join(model, and_(Notification.subject_type == subject_type,
                                          Notification.subject_id == model.id, *conditions,
                                          *([which] if which is not None else [])))
    return {tuple(row) for row in db.session.execute(query)}


def _insert(notices: list[Notice], people: dict, now: datetime) -> None:
    add_rows_ignoring_duplicates(Notification.__table__, _rows(notices, people, now))


def _rows(notices: list[Notice], people: dict, now: datetime) -> list[dict]:
    return [{"recipient_id": n.recipient_id, "kind": n.kind, "subject_type": n.subject_type,
             "subject_id": n.subject_id, "due_on": n.due_on, "occurrence": n.occurrence, "title": n.title[:300],
             "body": n.body, "link": n.link, "update_link": n.update_link, "created_at": now, "attempts": 0,
             "email_state": email_state(n.kind, people[n.recipient_id])}  # no next_attempt_at: send at the first chance
            for n in notices]


def email_state(kind: NoticeKind, person: Recipient) -> EmailState:
    if not person.email:
        return EmailState.NOT_EMAILED
    if kind in ALWAYS_EMAILED or person.preference == EmailPreference.EACH:
        return EmailState.PENDING
    return EmailState.HELD if person.preference == EmailPreference.WEEKLY else EmailState.NOT_EMAILED


def _gather_digests(today: date, now: datetime) -> int:
    """On the first working day of the week: one digest for each person with notices held for it. Notices held
    after this week's digest was written wait for next week's."""
    week = reminder_rules.week_start(today)
    has_digest = select(Notification.recipient_id).where(Notification.kind == NoticeKind.DIGEST,
                                                         Notification.due_on == week)
    held = db.session.execute(select(Notification.recipient_id, func.count())
                              .where(Notification.email_state == EmailState.HELD,
                                     Notification.recipient_id.not_in(has_digest))
                              .group_by(Notification.recipient_id)).all()
    rows = [{"recipient_id": pid, "kind": NoticeKind.DIGEST, "subject_type": SubjectType.WEEK, "subject_id": pid,
             "due_on": week, "occurrence": 0, "title": f"Your week in the improvement plan: {count} reminders",
             "body": "", "link": "/notifications", "created_at": now, "attempts": 0,
             "email_state": EmailState.PENDING} for pid, count in held]
    if not rows:
        return 0
    add_rows_ignoring_duplicates(Notification.__table__, rows)
    digest = aliased(Notification)
    digest_id = (select(digest.id).where(digest.kind == NoticeKind.DIGEST, digest.due_on == week,
                                         digest.recipient_id == Notification.recipient_id).scalar_subquery())
    db.session.execute(update(Notification).where(Notification.email_state == EmailState.HELD,
                                                  Notification.recipient_id.in_([pid for pid, _ in held]))
                       .values(email_state=EmailState.IN_DIGEST, digest_id=digest_id))
    return len(rows)


def notify(notices: list[Notice], now: datetime) -> None:
    """Write notices at once (a safeguarding alert, a scheduled report), in the caller's transaction, to the active
    people among their recipients; nothing for a notice that exists already."""
    people = _people()
    rows = _rows([notice for notice in notices if notice.recipient_id in people], people, now)
    if rows:
        db.session.execute(insert_ignoring_duplicates(Notification.__table__), rows)
