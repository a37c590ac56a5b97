"""Board and committee meetings: their dates set the update and report deadlines."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import LabelledEnum, Versioned, enum_type


class MeetingKind(LabelledEnum):
    BOARD = "board", "Improvement Board"
    COMMITTEE = "committee", "Scrutiny committee"


class Meeting(Versioned, db.Model):
    """A board or committee meeting: owners are asked to update their milestones before its update deadline."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("update_deadline <= held_on", name="deadline_before_meeting"),
        CheckConstraint("report_deadline <= held_on", name="report_deadline_before_meeting"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind, "meeting_kind"))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    update_deadline: Mapped[date] = mapped_column(Date)  # owners' progress updates are needed by this day
    report_deadline: Mapped[date] = mapped_column(Date)  # the report is due to the committee or board by this day
