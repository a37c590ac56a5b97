"""The history of every change people make to plan data: who, when, which field, old → new."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import Person


class ChangeRecord(db.Model):
    __tablename__ = "change_records"
    __table_args__ = (Index("ix_change_records_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40))  # "milestone", "action", "area", …
    entity_id: Mapped[int]
    action_id: Mapped[int | None] = mapped_column(index=True)  # the action page this change belongs to
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(index=True)

    changed_by: Mapped[Person | None] = relationship()
