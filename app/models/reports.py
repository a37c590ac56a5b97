"""Reports for boards and the scrutiny committee, frozen when generated: the figures they were made from and the
Word document itself, so a past report can be downloaded again exactly as the board saw it."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, Versioned, enum_type
from app.models.meetings import Meeting
from app.models.people import Person
from app.models.plans import Plan


class ReportKind(LabelledEnum):
    PLAN_PROGRESS = "plan_progress", "Plan progress report"  # the improvement plan's progress, for a board or committee meeting
    AUDIT_MONTHLY = "audit_monthly", "Monthly audit report"  # a month's case-file audit findings, for the Improvement Board


class ReportState(LabelledEnum):
    DRAFT = "draft"  # generated, waiting to be checked and released
    RELEASED = "released"  # what the meeting saw; later reports compare with it
    SUPERSEDED = "superseded"  # released, then replaced by a later release for the same meeting or month


_RELEASED_PLAN_REPORT = text("state = 'released' AND kind = 'plan_progress'")
_RELEASED_AUDIT_REPORT = text("state = 'released' AND kind = 'audit_monthly'")


class Report(Versioned, db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("state = 'draft' OR released_at IS NOT NULL", name="released_has_date"),
        CheckConstraint("kind <> 'plan_progress' OR plan_id IS NOT NULL", name="plan_report_has_plan"),
        CheckConstraint("kind <> 'audit_monthly' OR month IS NOT NULL", name="audit_report_has_month"),
        Index("ix_reports_kind_state", "kind", "state"),
        # The plan overview's last released report, read from the index alone: a row holds its figures and document.
        Index("ix_reports_latest_released", "plan_id", "kind", "state", "released_at", "id", "title"),
        # One released report per occasion, even when two drafts are released at the same moment.
        Index("uq_reports_released_plan_report", "plan_id", "meeting_id", unique=True,
              sqlite_where=_RELEASED_PLAN_REPORT, postgresql_where=_RELEASED_PLAN_REPORT),
        Index("uq_reports_released_audit_report", "month", unique=True,
              sqlite_where=_RELEASED_AUDIT_REPORT, postgresql_where=_RELEASED_AUDIT_REPORT),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReportKind] = mapped_column(enum_type(ReportKind, "report_kind"))
    title: Mapped[str] = mapped_column(String(300))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    month: Mapped[date | None] = mapped_column(Date)  # the audit round's month (first day)
    as_at: Mapped[date] = mapped_column(Date)  # the day the figures are worked out for
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # what a programme manager filled in (front block…)
    data: Mapped[dict] = deferred(mapped_column(JSON, nullable=False))  # the figures the document was made from, frozen
    document: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))  # the .docx, byte for byte as generated
    document_sha256: Mapped[str] = mapped_column(String(64))
    problems: Mapped[list] = mapped_column(JSON, default=list)  # what the checks found when it was generated
    generated_at: Mapped[datetime]
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # none: the scheduler made it
    state: Mapped[ReportState] = mapped_column(enum_type(ReportState, "report_state"), default=ReportState.DRAFT)
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Set on a report the scheduler generates ("plan-draft:meeting:12", "audit-month:2021-03"): unique, so two
    # schedulers running at once store one report between them.
    scheduled_key: Mapped[str | None] = mapped_column(String(60), unique=True)

    plan: Mapped[Plan | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    generated_by: Mapped[Person | None] = relationship(foreign_keys=[generated_by_id])
    released_by: Mapped[Person | None] = relationship(foreign_keys=[released_by_id])

    @property
    def filename(self) -> str:
        stem = "".join(ch if ch.isalnum() else "-" for ch in self.title.lower()).strip("-")
        while "--" in stem:
            stem = stem.replace("--", "-")
        return f"{stem}-{self.id}.docx"

    @property
    def blocking_problems(self) -> list[dict]:
        return [problem for problem in self.problems if problem.get("blocking")]
