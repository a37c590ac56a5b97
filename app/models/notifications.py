"""Reminders and notices: what the service tells people, the settings an administrator chooses, and a log of the
scheduler's runs. (The meetings that set update deadlines are in app.models.meetings.)

A Notification is both the in-app notice and the outbox row for its e-mail. Its key (recipient, kind, subject,
due date, occurrence) is unique, so however often the sweep runs, and however many schedulers run it, each notice
exists once and its e-mail is sent once.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import Versioned, enum_type
from app.models.people import Person


class NoticeKind(enum.StrEnum):
    DUE_SOON = "due_soon"  # occurrence: how many working days before the due date
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"  # occurrence: 0 the working day after the due date, then 1, 2 … each week
    ESCALATION = "escalation"  # to the line manager and programme managers; always e-mailed
    ALLOCATED = "allocated"  # an audit allocated to its auditor
    UPDATE_REQUEST = "update_request"  # before a meeting's update deadline
    UPDATE_NUDGE = "update_nudge"  # the day before the deadline, to owners whose updates are older than the last cycle
    SAFEGUARDING = "safeguarding"  # immediate safeguarding actions from an audit; always e-mailed, at once
    DIGEST = "digest"  # the weekly e-mail gathering the notices held for it
    REPORT_READY = "report_ready"  # a report the scheduler generated (a draft plan report, a monthly audit report)


# Escalations and safeguarding alerts must reach people; a scheduled report is only of use as its e-mail attachment.
ALWAYS_EMAILED = frozenset({NoticeKind.ESCALATION, NoticeKind.SAFEGUARDING, NoticeKind.REPORT_READY})


class SubjectType(enum.StrEnum):
    MILESTONE = "milestone"
    AUDIT = "audit"
    RECOMMENDATION = "recommendation"
    MEETING = "meeting"
    WEEK = "week"  # a digest: subject_id is the recipient's own id
    REPORT = "report"  # a generated report, e-mailed as an attachment


class EmailState(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent (again, after next_attempt_at, if an attempt failed)
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    HELD = "held"  # kept for the person's weekly digest
    IN_DIGEST = "in_digest"  # went out in a digest (digest_id)
    NOT_EMAILED = "not_emailed"  # in the service only: the person chose no e-mails, or has no address
    SKIPPED = "skipped"  # no longer relevant when its turn came (the milestone was completed meanwhile)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # Subject first: the sweep looks up the notices already written about each open milestone by this index.
        UniqueConstraint("subject_type", "subject_id", "recipient_id", "kind", "due_on", "occurrence",
                         name="uq_notifications_key"),
        Index("ix_notifications_recipient_read", "recipient_id", "read_at"),
        Index("ix_notifications_outbox", "email_state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind, "notice_kind"))
    subject_type: Mapped[SubjectType] = mapped_column(enum_type(SubjectType, "subject_type"))
    subject_id: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)  # the date the notice is about (a due date, a deadline, a week)
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300))  # a path in the service, such as /actions/12#milestone-40
    update_link: Mapped[str | None] = mapped_column(String(300))  # one step to add a progress update
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    email_state: Mapped[EmailState] = mapped_column(enum_type(EmailState, "email_state"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))

    recipient: Mapped[Person] = relationship()


class ReminderSettings(Versioned, db.Model):
    """What is sent and when: one row, changed by an administrator. The defaults are the service's own."""

    __tablename__ = "reminder_settings"
    __table_args__ = (
        CheckConstraint("escalate_after_working_days > 0", name="escalate_after_positive"),
        CheckConstraint("overdue_repeat_days > 0", name="overdue_repeat_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    due_soon_working_days: Mapped[str] = mapped_column(String(60), default="14,3")  # before a milestone's due date
    remind_on_due_day: Mapped[bool] = mapped_column(default=True)
    overdue_repeat_days: Mapped[int] = mapped_column(Integer, default=7)
    escalate_after_working_days: Mapped[int] = mapped_column(Integer, default=10)
    update_deadline_days_before_meeting: Mapped[int] = mapped_column(Integer, default=18)
    report_deadline_days_before_meeting: Mapped[int] = mapped_column(Integer, default=13)
    draft_report_working_days: Mapped[int] = mapped_column(Integer, default=3)  # before the report deadline
    update_request_working_days: Mapped[int] = mapped_column(Integer, default=5)  # before the update deadline
    nudge_working_days: Mapped[int] = mapped_column(Integer, default=1)  # before the update deadline
    audit_due_soon_working_days: Mapped[int] = mapped_column(Integer, default=3)  # before the round's month ends

    @property
    def due_soon_offsets(self) -> list[int]:
        return sorted({int(part) for part in self.due_soon_working_days.split(",") if part.strip().isdigit()},
                      reverse=True)


class SchedulerRun(db.Model):
    """One run of a scheduled job (or of its command), for the administrators' page."""

    __tablename__ = "scheduler_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    created: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
