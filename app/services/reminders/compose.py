"""Composing the outbox's e-mails: one message for a person's waiting notices, set out as they act on it
(app.services.reminders.letter: the request first, each item once with one link), with the documents they are
about attached: generated reports as stored, and for an update request the person's update pack, made as it is
sent. The outbox (app.services.reminders.outbox) only delivers what is composed here.
"""

from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import EmailState, Meeting, NoticeKind, Notification, Person, Report, SubjectType
from app.services.plans.queries import MilestoneRow, Window, my_milestones
from app.services.reminders import letter as letters
from app.services.reminders.mailer import Attachment, Email
from app.services.reports import update_pack

WAITING = (EmailState.PENDING, EmailState.SENDING, EmailState.HELD)  # not yet sent (nor skipped)


class UpdatePacks:
    """The update packs of one delivery run. The first pack about a meeting reads the data of every pack about it
    that the run will send (each recipient waiting for an update request or nudge about it) in the same few
    queries; each pack's data is made from them, and the pack written, as its message is composed. A recipient not
    foreseen (a notice that arrived during the run) has theirs read alone."""

    def __init__(self, recipient_ids: list[int], now: datetime):
        self.recipient_ids, self.now = recipient_ids, now
        self.window = Window.configured(now.date())
        self.by_meeting: dict[int, update_pack.Gathered] = {}

    def data(self, person: Person, meeting: Meeting) -> dict:
        gathered = self._gathered(meeting)
        return gathered.pack_of(person) if person.id in gathered.roles else update_pack.gather(person, meeting,
                                                                                              self.window)

    def milestones(self, person: Person, meeting: Meeting) -> list[MilestoneRow]:
        """The person's open milestones, as their pack about the meeting lists them (the letter counts them)."""
        gathered = self._gathered(meeting)
        return gathered.rows_of(person) if person.id in gathered.roles else my_milestones(person, self.window)

    def _gathered(self, meeting: Meeting) -> update_pack.Gathered:
        if meeting.id not in self.by_meeting:
            self.by_meeting[meeting.id] = update_pack.gather_all(self._asked(meeting), meeting, self.window)
        return self.by_meeting[meeting.id]

    def _asked(self, meeting: Meeting) -> list[Person]:
        """The run's recipients with an update request (or a nudge) about the meeting waiting to be sent."""
        asked = (select(Notification.recipient_id)
                 .where(Notification.kind.in_(letters.MEETING_KINDS), Notification.subject_id == meeting.id,
                        Notification.email_state.in_(WAITING), Notification.recipient_id.in_(self.recipient_ids)))
        return list(db.session.scalars(select(Person).where(Person.id.in_(asked))))


def message(notices: list[Notification], now: datetime, packs: UpdatePacks | None = None) -> Email:
    """One message for a person's notices, written as app.services.reminders.letter sets it out (a digest gathers
    the notices held for it). Generated reports, and update packs for update requests, are attached (`packs`: the
    run's, whose data is gathered for all its recipients at once)."""
    recipient = db.session.get(Person, notices[0].recipient_id)
    items = _items(notices)
    packs = packs or UpdatePacks([recipient.id], now)
    letter = letters.write(recipient, items, today=now.date(), digest=_is_digest(notices), milestones=packs.milestones)
    context = {"recipient": recipient, "letter": letter, "base_url": current_app.config["BASE_URL"],
               "service_name": current_app.config["SERVICE_NAME"]}
    return Email(to=recipient.email, subject=letter.subject, text=render_template("emails/notices.txt", **context),
                 html=render_template("emails/notices.html", **context),
                 attachments=(*_reports(items), *_update_packs(recipient, items, packs)))


def _reports(items: list[Notification]) -> list[Attachment]:
    """The documents of the reports the notices are about, byte for byte as stored."""
    ids = [item.subject_id for item in items if item.subject_type == SubjectType.REPORT]
    if not ids:
        return []
    reports = db.session.scalars(select(Report).where(Report.id.in_(ids)).options(undefer(Report.document))
                                 .order_by(Report.id))
    return [Attachment(report.filename, report.document) for report in reports]


def _update_packs(recipient: Person, items: list[Notification], packs: UpdatePacks) -> list[Attachment]:
    """An update request carries the person's update pack: their open milestones as they are when the run starts."""
    meeting_ids = sorted({item.subject_id for item in items if item.kind == NoticeKind.UPDATE_REQUEST})
    return [Attachment(f"update-pack-{meeting.held_on:%Y-%m-%d}.docx",
                       update_pack.write(packs.data(recipient, meeting), generated_at=packs.now))
            for meeting in db.session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))]


def _is_digest(notices: list[Notification]) -> bool:
    return any(notice.kind == NoticeKind.DIGEST for notice in notices)


def _items(notices: list[Notification]) -> list[Notification]:
    digests = [notice.id for notice in notices if notice.kind == NoticeKind.DIGEST]
    items = [notice for notice in notices if notice.kind != NoticeKind.DIGEST]
    if digests:
        items += db.session.scalars(select(Notification).where(Notification.digest_id.in_(digests))
                                    .order_by(Notification.due_on, Notification.id))
    return items
