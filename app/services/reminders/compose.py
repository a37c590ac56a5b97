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
from app.models import EmailState, NoticeKind, Notification, Person, Report, SubjectType
from app.services.plans.queries import MilestoneRow, Window, my_milestones
from app.services.reminders import letter as letters
from app.services.reminders.mailer import Attachment, Email
from app.services.reports import update_pack

WAITING = (EmailState.PENDING, EmailState.SENDING, EmailState.HELD)  # not yet sent (nor skipped)
# What composing reads of each notice. The outbox reads the notices it claims as rows of these (not as objects: a run
# reads some 25,000 of them), and a message's notices are such rows.
NOTICE_FIELDS = (Notification.id, Notification.recipient_id, Notification.kind, Notification.subject_type,
                 Notification.subject_id, Notification.due_on, Notification.title, Notification.body, Notification.link)


PACK_BATCH = 500  # recipients whose pack data is read together: a few queries per batch, a bounded amount held
# (a milestone is in about 2.4 people's packs, and is read again in each batch that has one of them: at the bench's scale 1,
# batches of 200 read 1.8 times the rows of one batch of 500, 1.0 s against 0.6 s)


class UpdatePacks:
    """The update packs of one delivery run, and the meetings they are about. The recipients waiting for an update
    request or nudge about a meeting are taken in batches of PACK_BATCH, in the order the run sends to them; the
    first pack of a batch reads the data of every pack of the batch in the same few queries, and each pack's data is
    made from them, and the pack written, as its message is composed. One batch is held at a time, so a run's memory
    does not grow with its recipients, and its queries grow with the batches, not the recipients. A recipient not
    foreseen (a notice that arrived during the run) has theirs read alone. Each meeting is read once per run."""

    def __init__(self, recipient_ids: list[int], now: datetime):
        self.recipient_ids, self.now, self.batch = recipient_ids, now, PACK_BATCH
        self.window = Window.configured(now.date())
        self.meetings: dict[int, letters.MeetingAsked] = {}
        self.batches: dict[int, dict[int, int]] = {}  # meeting: recipient: the number of their batch
        self.held: dict[int, tuple[int, update_pack.Gathered]] = {}  # meeting: the batch read last, with its data

    def meeting(self, meeting_id: int) -> letters.MeetingAsked:
        if meeting_id not in self.meetings:
            self.meetings[meeting_id] = letters.MeetingAsked.read(meeting_id)
        return self.meetings[meeting_id]

    def data(self, person: Person, meeting: letters.MeetingAsked) -> dict:
        gathered = self._gathered(person, meeting)
        return gathered.pack_of(person) if gathered else update_pack.gather(person, meeting, self.window)

    def milestones(self, person: Person, meeting: letters.MeetingAsked) -> list[MilestoneRow]:
        """The person's open milestones, as their pack about the meeting lists them (the letter counts them)."""
        gathered = self._gathered(person, meeting)
        return gathered.rows_of(person) if gathered else my_milestones(person, self.window)

    def _gathered(self, person: Person, meeting: letters.MeetingAsked) -> update_pack.Gathered | None:
        """The data of the person's batch (read now if it is not the batch read last); None if not foreseen."""
        if meeting.id not in self.batches:
            self.batches[meeting.id] = {person_id: number // self.batch
                                        for number, person_id in enumerate(self._asked(meeting.id))}
        batches = self.batches[meeting.id]
        if person.id not in batches:
            return None
        number = batches[person.id]
        if self.held.get(meeting.id, (None,))[0] != number:
            batch = [person_id for person_id, its_number in batches.items() if its_number == number]
            self.held[meeting.id] = (number, update_pack.gather_all(batch, meeting, self.window))
        return self.held[meeting.id][1]

    def _asked(self, meeting_id: int) -> list[int]:
        """The run's recipients with an update request (or a nudge) about the meeting waiting to be sent, in the
        order the run sends to them."""
        asked = set(db.session.scalars(
            select(Notification.recipient_id).distinct()
            .where(Notification.kind.in_(letters.MEETING_KINDS), Notification.subject_id == meeting_id,
                   Notification.email_state.in_(WAITING), Notification.recipient_id.in_(self.recipient_ids))))
        return [person_id for person_id in self.recipient_ids if person_id in asked]


def message(notices: list[Notification], now: datetime, packs: UpdatePacks | None = None) -> Email:
    """One message for a person's notices, written as app.services.reminders.letter sets it out (a digest gathers
    the notices held for it). Generated reports, and update packs for update requests, are attached (`packs`: the
    run's, whose data is gathered for all its recipients at once); the packs only where UPDATE_PACKS_ATTACHED (else
    the letter says to download the pack from My work)."""
    recipient = db.session.get(Person, notices[0].recipient_id)
    items = _items(notices)
    packs = packs or UpdatePacks([recipient.id], now)
    attached = current_app.config["UPDATE_PACKS_ATTACHED"]
    letter = letters.write(recipient, items, today=now.date(), digest=_is_digest(notices), meeting=packs.meeting,
                           milestones=packs.milestones, pack_attached=attached)
    context = {"recipient": recipient, "letter": letter, "base_url": current_app.config["BASE_URL"],
               "service_name": current_app.config["SERVICE_NAME"]}
    return Email(to=recipient.email, subject=letter.subject, text=render_template("emails/notices.txt", **context),
                 html=render_template("emails/notices.html", **context),
                 attachments=(*_reports(items), *(_update_packs(recipient, items, packs) if attached else ())))


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
    meetings = [packs.meeting(meeting_id)
                for meeting_id in sorted({item.subject_id for item in items if item.kind == NoticeKind.UPDATE_REQUEST})]
    return [Attachment(f"update-pack-{meeting.held_on:%Y-%m-%d}.docx",
                       update_pack.write(packs.data(recipient, meeting), generated_at=packs.now))
            for meeting in meetings]


def _is_digest(notices: list[Notification]) -> bool:
    return any(notice.kind == NoticeKind.DIGEST for notice in notices)


def _items(notices: list[Notification]) -> list[Notification]:
    digests = [notice.id for notice in notices if notice.kind == NoticeKind.DIGEST]
    items = [notice for notice in notices if notice.kind != NoticeKind.DIGEST]
    if digests:
        items += db.session.execute(select(*NOTICE_FIELDS).where(Notification.digest_id.in_(digests))
                                    .order_by(Notification.due_on, Notification.id)).all()
    return items
