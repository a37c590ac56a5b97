"""The improvement plan: Plan → Area → Action → Milestone, with the Ofsted findings they answer."""

import enum
import re
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.extensions import db
from app.models.base import LabelledEnum, Versioned, enum_type
from app.models.people import Person


class Rating(enum.StrEnum):
    """RAG ratings. Labels and definitions come from each plan's key."""

    RED = "RED"
    AMBER = "AMBER"
    GREEN = "GREEN"
    NOT_RATED = "NOT_RATED"


RATING_SEVERITY = {Rating.RED: 3, Rating.AMBER: 2, Rating.GREEN: 1, Rating.NOT_RATED: 0}


class MilestoneStatus(LabelledEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


class DueKind(LabelledEnum):
    DATE = "date", "Exact date"
    MONTH = "month", "During a month"
    TBD = "tbd", "To be decided"
    ONGOING = "ongoing", "Ongoing"
    PHASED = "phased", "In phases"


class DeliveryType(LabelledEnum):
    SERVICE_ACTION = "service_action"
    PARTNER_ACTION = "partner_action"
    IMPROVEMENT_PROJECT = "improvement_project"
    PROJECT = "project"
    PROGRAMME = "programme"
    NOT_STATED = "not_stated"


class RevisionReason(LabelledEnum):
    CAPACITY = "capacity", "Capacity"
    COVID = "covid", "Covid-19"
    HR_GRADING = "hr_grading", "HR or job grading"
    LEADERSHIP_CHANGE = "leadership_change", "Leadership change"
    DEPENDENCY = "dependency", "Depends on another piece of work"
    SCOPE_CHANGE = "scope_change", "Scope change"
    OTHER = "other", "Other"


class RevisionDecision(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Plan(Versioned, db.Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[str | None] = mapped_column(String(100))
    lead_author: Mapped[str | None] = mapped_column(String(200))
    progress_label: Mapped[str | None] = mapped_column(String(200))
    import_source: Mapped[str | None] = mapped_column(String(200), unique=True)  # what it was loaded from, if any

    rag_key: Mapped[list["RagKeyEntry"]] = relationship(
        back_populates="plan", order_by="RagKeyEntry.position", cascade="all, delete-orphan"
    )
    areas: Mapped[list["Area"]] = relationship(back_populates="plan", order_by="Area.position")


class RagKeyEntry(Versioned, db.Model):
    """One line of a plan's RAG key: the rating's label, its definition and words people use for it."""

    __tablename__ = "rag_key_entries"
    __table_args__ = (
        UniqueConstraint("plan_id", "rating"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    rating: Mapped[Rating] = mapped_column(enum_type(Rating, "rating"))
    label: Mapped[str] = mapped_column(String(50))
    definition: Mapped[str] = mapped_column(Text, default="")
    synonyms: Mapped[str] = mapped_column(String(200), default="")  # comma-separated, e.g. "Yellow"
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="rag_key")

    @property
    def synonym_list(self) -> list[str]:
        return [word.strip() for word in self.synonyms.split(",") if word.strip()]


class Area(Versioned, db.Model):
    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="areas")
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="area", order_by="Recommendation.position"
    )
    improvement_areas: Mapped[list["ImprovementArea"]] = relationship(
        back_populates="area", order_by="ImprovementArea.position"
    )
    actions: Mapped[list["Action"]] = relationship(back_populates="area", order_by="Action.position")

    @property
    def display_name(self) -> str:
        return f"{self.number} {self.title}"


class Recommendation(Versioned, db.Model):
    """An Ofsted recommendation (R1…R10, R6a…), listed under the area that covers it."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship()
    area: Mapped[Area] = relationship(back_populates="recommendations")


class ImprovementArea(Versioned, db.Model):
    """An Ofsted Area for Improvement (AfI) with every month Ofsted identified it.

    Each has a code numbered across its plan in plan order, as recommendations are (AfI1 … AfI35): given when it is
    first saved (the next number in its plan, see `_afi_codes` below) and never renumbered, so a code quoted in a
    report or a minute still means the same finding after Areas for Improvement are added or moved."""

    __tablename__ = "improvement_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship(back_populates="improvement_areas")
    identifications: Mapped[list["ImprovementAreaIdentification"]] = relationship(
        back_populates="improvement_area",
        order_by="ImprovementAreaIdentification.identified_in",
        cascade="all, delete-orphan",
    )

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 90 else self.text[:87].rstrip() + "…"

    @property
    def display_name(self) -> str:
        return f"{self.code} {self.short_text}"


class ImprovementAreaIdentification(db.Model):
    """One Ofsted visit (month) at which an Area for Improvement was identified."""

    __tablename__ = "improvement_area_identifications"
    __table_args__ = (UniqueConstraint("improvement_area_id", "identified_in"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    improvement_area_id: Mapped[int] = mapped_column(ForeignKey("improvement_areas.id"))
    identified_in: Mapped[date] = mapped_column(Date)  # first day of the month Ofsted identified it
    improvement_area: Mapped[ImprovementArea] = relationship(back_populates="identifications")

    def __str__(self) -> str:
        return self.identified_in.strftime("%B %Y")


action_recommendations = Table(
    "action_recommendations",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("recommendation_id", ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True),
)

action_improvement_areas = Table(
    "action_improvement_areas",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("improvement_area_id", ForeignKey("improvement_areas.id", ondelete="CASCADE"), primary_key=True),
)


class Action(Versioned, db.Model):
    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("area_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(Text, default="")
    how: Mapped[str] = mapped_column(Text, default="")  # "How we do it" as written
    delivery_type: Mapped[DeliveryType] = mapped_column(enum_type(DeliveryType, "delivery_type"),
                                                       default=DeliveryType.NOT_STATED)
    project_code: Mapped[str | None] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(default=0)

    area: Mapped[Area] = relationship(back_populates="actions")
    milestones: Mapped[list["Milestone"]] = relationship(back_populates="action", order_by="Milestone.position")
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=action_recommendations, order_by="Recommendation.code"
    )
    improvement_areas: Mapped[list[ImprovementArea]] = relationship(
        secondary=action_improvement_areas, order_by="ImprovementArea.position"
    )


milestone_leads = Table(
    "milestone_leads",
    db.metadata,
    Column("milestone_id", ForeignKey("milestones.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id"), primary_key=True, index=True),
)


class Milestone(Versioned, db.Model):
    """An expected milestone or deliverable: the unit that is owned, dated, updated and rated."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint(
            "rag_set IS NULL OR rag_set_reason IS NOT NULL",
            name="rag_set_has_reason",
        ),
        CheckConstraint("status <> 'complete' OR completed_on IS NOT NULL", name="complete_has_date"),
        CheckConstraint("due_kind <> 'tbd' OR due_on IS NULL", name="tbd_has_no_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    sub_action: Mapped[str | None] = mapped_column(Text)
    deliverable: Mapped[str] = mapped_column(Text)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[MilestoneStatus] = mapped_column(enum_type(MilestoneStatus, "status"),
                                                    default=MilestoneStatus.NOT_STARTED)
    completed_on: Mapped[date | None] = mapped_column(Date)

    # The typed due date (see app/services/plans/due_dates.py). due_on is the date the RAG rules use:
    # the exact date, the month's last day, the review date of ongoing work, or the last phase.
    due_kind: Mapped[DueKind] = mapped_column(enum_type(DueKind, "due_kind"), default=DueKind.TBD)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    due_raw: Mapped[str] = mapped_column(Text, default="")
    due_note: Mapped[str] = mapped_column(Text, default="")  # TBD reason, or a note after the date
    due_problem: Mapped[str | None] = mapped_column(Text)  # set when the date as written is invalid

    # The date of the newest progress update. Updates are append-only, so services keep it with one UPDATE when
    # they add one (not a user's edit: the version does not move); pages then spot stale work without a subquery.
    latest_update_on: Mapped[date | None] = mapped_column(Date)

    rag_set: Mapped[Rating | None] = mapped_column(enum_type(Rating, "rag_set"))
    rag_set_reason: Mapped[str | None] = mapped_column(Text)
    rag_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    rag_set_at: Mapped[datetime | None]

    action: Mapped[Action] = relationship(back_populates="milestones")
    responsible: Mapped[Person | None] = relationship(foreign_keys=[responsible_id])
    leads: Mapped[list[Person]] = relationship(secondary=milestone_leads, order_by=Person.name)
    rag_set_by: Mapped[Person | None] = relationship(foreign_keys=[rag_set_by_id])
    phases: Mapped[list["MilestonePhase"]] = relationship(
        order_by="MilestonePhase.position", cascade="all, delete-orphan"
    )
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="milestone", order_by="(ProgressUpdate.written_on.desc(), ProgressUpdate.id.desc())"
    )
    revisions: Mapped[list["DueDateRevision"]] = relationship(
        back_populates="milestone", order_by="DueDateRevision.id"
    )
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="milestone", order_by="Evidence.id")

    @property
    def is_complete(self) -> bool:
        return self.status == MilestoneStatus.COMPLETE


class MilestonePhase(db.Model):
    __tablename__ = "milestone_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    problem: Mapped[str | None] = mapped_column(Text)


class DueDateRevision(Versioned, db.Model):
    """A change of a milestone's due date. The original date is never lost: it is the first revision's old date.
    Versioned so that when two managers decide on it at once, the second is told."""

    __tablename__ = "due_date_revisions"
    __table_args__ = (Index("ix_due_date_revisions_milestone_decision", "milestone_id", "decision"),
                      Index("ix_due_date_revisions_proposed_at", "proposed_at"))  # those since a report

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"))
    old_kind: Mapped[DueKind | None] = mapped_column(enum_type(DueKind, "old_kind"))
    old_on: Mapped[date | None] = mapped_column(Date)
    old_raw: Mapped[str] = mapped_column(Text, default="")
    new_kind: Mapped[DueKind] = mapped_column(enum_type(DueKind, "new_kind"))
    new_on: Mapped[date | None] = mapped_column(Date)
    new_raw: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[RevisionReason] = mapped_column(enum_type(RevisionReason, "reason"))
    reason_text: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    proposed_at: Mapped[datetime]
    decision: Mapped[RevisionDecision] = mapped_column(enum_type(RevisionDecision, "decision"),
                                                       default=RevisionDecision.PROPOSED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")

    milestone: Mapped[Milestone] = relationship(back_populates="revisions")
    proposed_by: Mapped[Person | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.decision == RevisionDecision.PROPOSED


class ProgressUpdate(db.Model):
    """A dated, signed progress update. Append-only: never edited or deleted (guarded by the listener below)."""

    __tablename__ = "progress_updates"
    __table_args__ = (Index("ix_progress_updates_milestone_written_on", "milestone_id", "written_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"))
    written_on: Mapped[date] = mapped_column(Date, index=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    signed_as: Mapped[str] = mapped_column(String(200))  # the author's name, or the source of an import
    created_at: Mapped[datetime]

    milestone: Mapped[Milestone] = relationship(back_populates="updates")
    author: Mapped[Person | None] = relationship()


class Evidence(db.Model):
    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), ForeignKey("stored_files.key"), unique=True)  # its file
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    uploaded_at: Mapped[datetime]

    milestone: Mapped[Milestone] = relationship(back_populates="evidence")
    uploaded_by: Mapped[Person | None] = relationship()


@db.event.listens_for(ProgressUpdate, "before_update")
@db.event.listens_for(ProgressUpdate, "before_delete")
def _progress_updates_are_append_only(mapper, connection, target) -> None:
    raise PermissionError("Progress updates are append-only: add a new update instead of changing one.")


AFI_CODE = "AfI{}"
AFI_NUMBER = re.compile(r"^AfI(\d+)$")


@event.listens_for(Session, "before_flush")
def _afi_codes(session, flush_context, instances) -> None:
    """Give each new Area for Improvement without a code the next one in its plan (AfI36 after AfI35), in plan
    order when several are new at once, however it was made (an import, the demo, a programme manager's form)."""
    new = [afi for afi in session.new if isinstance(afi, ImprovementArea) and not afi.code]
    if new:
        with session.no_autoflush:
            _number_new_afis(session, new)


def _number_new_afis(session, new: list["ImprovementArea"]) -> None:
    by_plan: dict[Plan, list[tuple[Area, ImprovementArea]]] = {}
    for afi in new:
        area = afi.area or session.get(Area, afi.area_id)
        by_plan.setdefault(area.plan, []).append((area, afi))
    for plan, afis in by_plan.items():
        used = session.scalars(select(ImprovementArea.code).join(Area).where(Area.plan_id == plan.id)).all() \
            if plan.id else []
        numbers = [int(match.group(1)) for code in used if (match := AFI_NUMBER.match(code or ""))]
        in_plan_order = sorted(afis, key=lambda pair: (pair[0].position, pair[1].position))
        for number, (_, afi) in enumerate(in_plan_order, start=max(numbers, default=0) + 1):
            afi.code = AFI_CODE.format(number)
