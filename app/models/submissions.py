"""Form posts already acted on (docs/architecture.md, "Every form post once"): one row per submission id a form
carried when its change was saved, written in the same transaction as the change, so a retried or double-clicked
post is answered with the same redirect and saves nothing again. Only the SHA-256 of the person and the id is kept."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class FormSubmission(db.Model):
    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the person's id and the submission id
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(String(2000))  # where the first post was sent (its redirect)
