"""What a person does with their notices, their e-mail preference and their personal calendar feed.

The notices themselves are written by app.services.reminders.sweep (the sweep) and sent by app.services.reminders.outbox. Here a
person reads them, chooses how they are e-mailed, and gets a private calendar feed (.ics) of their due dates.

The calendar feed is reached without signing in (calendar programs cannot sign in), by a secret token in its
address. Only the token's SHA-256 is stored, so the database does not hold a working address; a new link replaces
the old one, and revoking it makes the old address answer 404.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import func, or_, select, update

from app.extensions import db
from app.models import (
    Action,
    Audit,
    AuditRound,
    AuditState,
    EmailPreference,
    Milestone,
    MilestoneStatus,
    Notification,
    Person,
    PersonKind,
    PoolCase,
    RecommendationStatus,
    SmartRecommendation,
)
from app.models.plans import milestone_leads
from app.services import history
from app.services.plans.due_dates import format_date
from app.services.reminders.rules import month_end
from app.services.reminders.wording import short
from app.services.transaction import transaction

LIST_LIMIT = 100
UID_DOMAIN = "improvement-tracker"
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
MAX_TOKEN_LENGTH = 100  # longer is never one of ours: refused before hashing


# --- Notices in the service -------------------------------------------------------------------------


def notices_for(person: Person, limit: int = LIST_LIMIT) -> list[Notification]:
    """The person's notices, newest first. One query."""
    return list(db.session.scalars(select(Notification).where(Notification.recipient_id == person.id)
                                   .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def unread_count(person_id: int) -> int:
    """How many of the person's notices are unread: one COUNT over ix_notifications_recipient_read."""
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.recipient_id == person_id, Notification.read_at.is_(None))) or 0


@transaction("This notice")
def open_notice(person: Person, notice_id: int, now: datetime, *, to_update: bool = False) -> str | None:
    """Mark one of the person's own notices read; returns where it leads (its update link if asked and it has
    one). None when the notice is not theirs or does not exist: to them both are "not found"."""
    notice = db.session.scalar(select(Notification).where(Notification.id == notice_id,
                                                          Notification.recipient_id == person.id))
    if notice is None:
        return None
    if notice.read_at is None:
        notice.read_at = now
    return _internal(notice.update_link if to_update and notice.update_link else notice.link)


@transaction("Your notifications")
def mark_all_read(person: Person, now: datetime) -> int:
    """Mark every unread notice of the person's read, in one UPDATE. Returns how many."""
    result = db.session.execute(update(Notification)
                                .where(Notification.recipient_id == person.id, Notification.read_at.is_(None))
                                .values(read_at=now).execution_options(synchronize_session=False))
    return result.rowcount


def _internal(link: str) -> str:
    """A notice's link is a path in the service; anything else (never written by the sweep) goes to the list."""
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else "/notifications"


# --- E-mail preference ------------------------------------------------------------------------------


@transaction("Your settings")
def set_email_preference(person: Person, preference: str, *, now: datetime) -> bool:
    """Record the person's choice of e-mails (as a change to their record, like any other). Returns whether it
    changed. Notices already held for a weekly digest stay there; new notices follow the new choice."""
    changed = history.change(person, {"email_preference": EmailPreference(preference)}, actor=person, now=now,
                             action_id=None)
    return bool(changed)


# --- Personal calendar feed -------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction("Your settings")
def create_calendar_link(person: Person, *, now: datetime) -> str:
    """A new secret token for the person's feed, replacing any earlier one. Returns the token: the only time it
    exists outside the person's calendar program. Only its SHA-256 is stored; the change is recorded, not the
    token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    replaced = person.calendar_token_hash is not None
    person.calendar_token_hash = token_hash(token)
    history.record(person, "calendar link", "previous link revoked" if replaced else None, "created", actor=person,
                   now=now, action_id=None)
    return token


@transaction("Your settings")
def revoke_calendar_link(person: Person, *, now: datetime) -> bool:
    """Stop the person's feed address working. Returns whether there was one."""
    if person.calendar_token_hash is None:
        return False
    person.calendar_token_hash = None
    history.record(person, "calendar link", "active", "revoked", actor=person, now=now, action_id=None)
    return True


@dataclass(frozen=True)
class DueItem:
    uid: str
    due_on: date
    summary: str
    description: str
    link: str  # a path in the service


def calendar_feed(token: str, *, base_url: str, service_name: str, now: datetime) -> bytes | None:
    """The .ics feed for the token's owner, or None if the token is unknown or revoked (or its owner can no longer
    sign in). Four queries, however much work the person has."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    person = db.session.scalar(select(Person).where(Person.calendar_token_hash == token_hash(token),
                                                    Person.active.is_(True), Person.kind == PersonKind.INDIVIDUAL))
    if person is None:
        return None
    return _calendar(person, due_items(person.id), base_url=base_url, service_name=service_name, now=now)


def due_items(person_id: int) -> list[DueItem]:
    """Every due date of the person's open work, soonest first."""
    items = [*_milestones(person_id), *_recommendations(person_id), *_audits(person_id)]
    return sorted(items, key=lambda item: (item.due_on, item.uid))


def _milestones(person_id: int) -> list[DueItem]:
    """Open milestones with a valid due date that the person is responsible for or leads."""
    leads = select(milestone_leads.c.milestone_id).where(milestone_leads.c.person_id == person_id)
    rows = db.session.execute(
        select(Milestone.id, Milestone.due_on, Milestone.deliverable, Milestone.responsible_id, Action.number)
        .join(Action, Milestone.action_id == Action.id)
        .where(Milestone.status != MilestoneStatus.COMPLETE, Milestone.due_on.is_not(None),
               Milestone.due_problem.is_(None),
               or_(Milestone.responsible_id == person_id, Milestone.id.in_(leads))))
    return [DueItem(f"milestone-{milestone_id}@{UID_DOMAIN}", due_on, f"Milestone due: {number} {short(deliverable)}",
                    f"Action {number}. {'You are responsible for' if responsible_id == person_id else 'You lead'} "
                    f"this milestone, due {format_date(due_on)}:\n{deliverable}", f"/milestones/{milestone_id}")
            for milestone_id, due_on, deliverable, responsible_id, number in rows]


def _recommendations(person_id: int) -> list[DueItem]:
    rows = db.session.execute(
        select(SmartRecommendation.id, SmartRecommendation.due_on, SmartRecommendation.what, PoolCase.reference)
        .join(Audit, SmartRecommendation.audit_id == Audit.id).join(PoolCase, Audit.case_id == PoolCase.id)
        .where(SmartRecommendation.owner_id == person_id, SmartRecommendation.status == RecommendationStatus.OPEN,
               SmartRecommendation.due_on.is_not(None)))
    return [DueItem(f"recommendation-{rec_id}@{UID_DOMAIN}", due_on,
                    f"Audit recommendation due: case {reference}: {short(what, 70)}",
                    f"A recommendation from the audit of case {reference}, due {format_date(due_on)}:\n{what}",
                    "/my-work#audit-recommendations")
            for rec_id, due_on, what, reference in rows]


def _audits(person_id: int) -> list[DueItem]:
    rows = db.session.execute(
        select(Audit.id, AuditRound.month, AuditRound.title, PoolCase.reference)
        .join(AuditRound, Audit.round_id == AuditRound.id).join(PoolCase, Audit.case_id == PoolCase.id)
        .where(Audit.auditor_id == person_id, Audit.state.in_([AuditState.ALLOCATED, AuditState.IN_PROGRESS])))
    items = []
    for audit_id, month, round_title, reference in rows:
        due_on = month_end(month)
        items.append(DueItem(f"audit-{audit_id}@{UID_DOMAIN}", due_on, f"Case-file audit due: case {reference}",
                             f"{round_title}: the audit of case {reference}, to be submitted by {format_date(due_on)}.",
                             f"/audits/{audit_id}/edit"))
    return items


def _calendar(person: Person, items: list[DueItem], *, base_url: str, service_name: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{service_name}//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{service_name}: {person.name}")
    calendar.add("x-wr-caldesc", "Due dates of your open milestones, audit recommendations and case-file audits")
    calendar.add("x-published-ttl", "PT1H")  # ask calendar programs to look again every hour
    stamp = now.astimezone(UTC)
    for item in items:
        url = base_url + item.link
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)  # a date: an all-day event
        event.add("dtend", item.due_on + timedelta(days=1))  # the day after (DTEND is exclusive)
        event.add("summary", item.summary)
        event.add("description", f"{item.description}\n\nOpen it in the service: {url}")
        event.add("url", url)
        event.add("transp", "TRANSPARENT")  # a due date, not a meeting: it does not make the person busy
        calendar.add_component(event)
    return calendar.to_ical()

