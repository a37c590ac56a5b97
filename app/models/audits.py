"""Case-file audits: the versioned audit tool, audit rounds, the case pool and the audits themselves."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.api import ApiToken
from app.models.base import LabelledEnum, Versioned, enum_type
from app.models.people import Person, Team


class Grade(LabelledEnum):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires Improvement"
    INADEQUATE = "inadequate", "Inadequate"


GRADE_ORDER = list(Grade)  # best first


class Answer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "not_applicable"


class RoundKind(enum.StrEnum):
    ROUTINE = "routine"
    THEMED = "themed"


class AuditState(LabelledEnum):
    ALLOCATED = "allocated"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    MODERATED = "moderated"
    CLOSED = "closed"


class AuditTool(db.Model):
    """One version of the case-file audit tool. Audits keep the version they were done under."""

    __tablename__ = "audit_tools"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text)  # the tool as JSON, verbatim: section labels, prompts, columns
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the definition
    loaded_at: Mapped[datetime]

    elements: Mapped[list["AuditElement"]] = relationship(
        back_populates="tool", order_by="AuditElement.position", cascade="all, delete-orphan"
    )


class AuditElement(db.Model):
    """A practice element (5.1 … 5.9) of one tool version, with its comment prompt."""

    __tablename__ = "audit_elements"
    __table_args__ = (UniqueConstraint("tool_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("audit_tools.id"))
    number: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    report_label: Mapped[str] = mapped_column(Text)
    comment_prompt: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    tool: Mapped[AuditTool] = relationship(back_populates="elements")
    standards: Mapped[list["AuditStandard"]] = relationship(
        back_populates="element", order_by="AuditStandard.position", cascade="all, delete-orphan"
    )


class AuditStandard(db.Model):
    """A key standard, answered Yes, No or Not applicable."""

    __tablename__ = "audit_standards"
    __table_args__ = (UniqueConstraint("element_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("audit_elements.id"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    element: Mapped[AuditElement] = relationship(back_populates="standards")


class AuditRound(Versioned, db.Model):
    """A monthly routine round or a themed audit, with how its cases were chosen."""

    __tablename__ = "audit_rounds"
    __table_args__ = (
        CheckConstraint("kind = 'routine' OR theme IS NOT NULL", name="themed_has_theme"),
        CheckConstraint("sample_size > 0", name="sample_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RoundKind] = mapped_column(enum_type(RoundKind, "round_kind"))
    month: Mapped[date] = mapped_column(Date, index=True)  # first day of the month the round belongs to
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str | None] = mapped_column(String(200))
    selection_criteria: Mapped[str] = mapped_column(Text, default="")  # as chosen, in words
    sample_size: Mapped[int]
    seed: Mapped[int | None]  # the random seed the selection used: the same seed gives the same cases
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]

    created_by: Mapped[Person | None] = relationship()
    selections: Mapped[list["RoundSelection"]] = relationship(order_by="RoundSelection.position",
                                                              cascade="all, delete-orphan")
    audits: Mapped[list["Audit"]] = relationship(back_populates="round", order_by="Audit.id")


class PoolCase(Versioned, db.Model):
    """A case that may be selected for audit. The reference identifies it; no child's name is held here. Versioned:
    QA leads correct cases, and a correction made from a stale page is refused."""

    __tablename__ = "pool_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    allocated_worker: Mapped[str] = mapped_column(String(200), default="")
    team_manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    service_manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    plan_type: Mapped[str] = mapped_column(String(40), default="")
    closed_recently: Mapped[bool] = mapped_column(default=False)  # closed in the last 6 months
    step_up: Mapped[bool] = mapped_column(default=False)
    neglect: Mapped[bool] = mapped_column(default=False)
    under_two: Mapped[bool] = mapped_column(default=False)
    domestic_abuse: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime]

    team: Mapped[Team] = relationship()
    team_manager: Mapped[Person | None] = relationship(foreign_keys=[team_manager_id])
    service_manager: Mapped[Person | None] = relationship(foreign_keys=[service_manager_id])


class RoundSelection(db.Model):
    """A case chosen for a round, in the order the random selection drew it."""

    __tablename__ = "round_selections"
    __table_args__ = (UniqueConstraint("round_id", "case_id"), UniqueConstraint("round_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("pool_cases.id"), index=True)
    position: Mapped[int]

    case: Mapped[PoolCase] = relationship()


class Audit(Versioned, db.Model):
    """One case audited by one auditor under one version of the tool."""

    __tablename__ = "audits"
    __table_args__ = (
        UniqueConstraint("round_id", "case_id"),
        CheckConstraint("allocation_override_reason IS NULL OR length(allocation_override_reason) > 0",
                        name="override_reason_not_empty"),
        Index("ix_audits_case_completed", "case_id", "completed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("pool_cases.id"))
    tool_id: Mapped[int] = mapped_column(ForeignKey("audit_tools.id"))
    auditor_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    state: Mapped[AuditState] = mapped_column(enum_type(AuditState, "audit_state"), default=AuditState.ALLOCATED)
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    allocated_at: Mapped[datetime]
    allocation_override_reason: Mapped[str | None] = mapped_column(Text)  # auditing their own team's case
    completed_on: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None]

    round: Mapped[AuditRound] = relationship(back_populates="audits")
    case: Mapped[PoolCase] = relationship()
    tool: Mapped[AuditTool] = relationship()
    auditor: Mapped[Person] = relationship(foreign_keys=[auditor_id])
    allocated_by: Mapped[Person | None] = relationship(foreign_keys=[allocated_by_id])
    record: Mapped["AuditRecord | None"] = relationship(cascade="all, delete-orphan")
    parties: Mapped[list["AuditParty"]] = relationship(order_by="(AuditParty.kind, AuditParty.position)",
                                                      cascade="all, delete-orphan")
    answers: Mapped[list["AuditAnswer"]] = relationship(cascade="all, delete-orphan")
    element_grades: Mapped[list["AuditElementGrade"]] = relationship(cascade="all, delete-orphan")
    recommendations: Mapped[list["SmartRecommendation"]] = relationship(order_by="SmartRecommendation.position",
                                                                        cascade="all, delete-orphan")
    learning_points: Mapped[list["LearningPoint"]] = relationship(order_by="LearningPoint.position",
                                                                  back_populates="audit", cascade="all, delete-orphan")
    shared_with: Mapped[list["AuditSharing"]] = relationship(order_by="AuditSharing.position",
                                                             cascade="all, delete-orphan")
    moderation: Mapped["Moderation | None"] = relationship(viewonly=True)


class PartyKind(enum.StrEnum):
    HOUSEHOLD = "household"
    SIGNIFICANT = "significant"  # significant family members and people outside the household


class RecommendationStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class AuditRecord(db.Model):
    """What the auditor wrote: every section of the tool other than the standards and element grades.

    The child's full name and date of birth are optional and may be switched off (AUDIT_COLLECT_CHILD_IDENTITY).
    """

    __tablename__ = "audit_records"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), primary_key=True)
    # Service details
    allocated_worker: Mapped[str] = mapped_column(String(200), default="")
    team_manager: Mapped[str] = mapped_column(String(200), default="")
    service_team: Mapped[str] = mapped_column(String(200), default="")
    cp_chair_iro: Mapped[str] = mapped_column(String(200), default="")
    # The child or young person
    child_name: Mapped[str | None] = mapped_column(String(200))
    child_date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(60), default="")
    age: Mapped[int | None]
    ethnicity: Mapped[str] = mapped_column(String(100), default="")
    primary_language: Mapped[str] = mapped_column(String(100), default="")
    plan_types: Mapped[str] = mapped_column(String(200), default="")  # the tool's options, separated by "|"
    has_disability: Mapped[bool | None]
    disability_identified_on: Mapped[date | None] = mapped_column(Date)
    disability_nature: Mapped[str] = mapped_column(Text, default="")
    disability_impact: Mapped[str] = mapped_column(Text, default="")
    case_overview: Mapped[str] = mapped_column(Text, default="")
    # Overall judgement
    overall_grade: Mapped[Grade | None] = mapped_column(enum_type(Grade, "overall_grade"))
    summary: Mapped[str] = mapped_column(Text, default="")
    good_practice: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    immediate_actions: Mapped[str] = mapped_column(Text, default="")  # to safeguard the child: flagged at once
    worker_reflections: Mapped[str] = mapped_column(Text, default="")
    completed_with_worker: Mapped[bool | None]
    # Sharing the audit
    sent_to_team_manager_on: Mapped[date | None] = mapped_column(Date)
    sent_to_service_manager_on: Mapped[date | None] = mapped_column(Date)
    sent_to_cp_coordinator_on: Mapped[date | None] = mapped_column(Date)


class AuditParty(db.Model):
    """A household member or significant person, as the tool's tables list them."""

    __tablename__ = "audit_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    kind: Mapped[PartyKind] = mapped_column(enum_type(PartyKind, "party_kind"))
    position: Mapped[int]
    relationship_to_child: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    age: Mapped[int | None]
    gender: Mapped[str] = mapped_column(String(60), default="")
    ethnicity: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(100), default="")


class AuditAnswer(db.Model):
    __tablename__ = "audit_answers"
    __table_args__ = (UniqueConstraint("audit_id", "standard_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("audit_standards.id"), index=True)
    answer: Mapped[Answer] = mapped_column(enum_type(Answer, "answer"))


class AuditElementGrade(db.Model):
    """The auditor's grade and comment for one element. Moderation never changes it: see ModerationGrade."""

    __tablename__ = "audit_element_grades"
    __table_args__ = (UniqueConstraint("audit_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    element_id: Mapped[int] = mapped_column(ForeignKey("audit_elements.id"), index=True)
    grade: Mapped[Grade | None] = mapped_column(enum_type(Grade, "grade"))
    comment: Mapped[str] = mapped_column(Text, default="")


class SmartRecommendation(Versioned, db.Model):
    """A SMART recommendation (what / how / who / when), tracked to done like any other piece of work."""

    __tablename__ = "smart_recommendations"
    __table_args__ = (CheckConstraint("status <> 'done' OR done_on IS NOT NULL", name="done_has_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    position: Mapped[int]
    what: Mapped[str] = mapped_column(Text)
    how: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    who: Mapped[str] = mapped_column(String(200), default="")  # as written, when no one in People fits
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[RecommendationStatus] = mapped_column(enum_type(RecommendationStatus, "recommendation_status"),
                                                         default=RecommendationStatus.OPEN)
    done_on: Mapped[date | None] = mapped_column(Date)

    owner: Mapped[Person | None] = relationship()


class LearningPoint(db.Model):
    """An organisational or system learning point; a programme manager may turn it into a plan action."""

    __tablename__ = "learning_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # the tool's "What"
    how: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None]  # the tool's "When"
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), unique=True)  # once promoted

    audit: Mapped["Audit"] = relationship(back_populates="learning_points")


class AuditSharing(db.Model):
    """One of the "Other parties" the audit was shared with: name, role and when."""

    __tablename__ = "audit_sharing"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    shared_on: Mapped[date | None]


class SafeguardingAlert(db.Model):
    """Immediate actions to safeguard a child, flagged at once to the case's team and service managers."""

    __tablename__ = "safeguarding_alerts"
    __table_args__ = (UniqueConstraint("audit_id", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    actions: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]

    recipient: Mapped[Person] = relationship()
    audit: Mapped["Audit"] = relationship()


class AuditAccess(db.Model):
    """Every view and export of an audit: who, when, what. Who is a person, or for a read through the API (kind
    "api") the API token that read it: tokens are made on the server's command line, by no person in the service."""

    __tablename__ = "audit_access_log"
    __table_args__ = (CheckConstraint("person_id IS NOT NULL OR api_token_id IS NOT NULL", name="someone_read_it"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "view", "edit", "moderate", "export", "api"
    at: Mapped[datetime] = mapped_column(index=True)

    person: Mapped[Person | None] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()


class Moderation(Versioned, db.Model):
    """A moderator's review of a submitted audit. The auditor's grades are kept; these sit beside them."""

    __tablename__ = "moderations"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"), unique=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    selected_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    selected_at: Mapped[datetime]
    seed: Mapped[int | None]  # when chosen as part of a random share
    overall_grade: Mapped[Grade | None] = mapped_column(enum_type(Grade, "moderated_overall_grade"))
    overall_reason: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None]

    audit: Mapped["Audit"] = relationship()
    moderator: Mapped[Person] = relationship(foreign_keys=[moderator_id])
    grades: Mapped[list["ModerationGrade"]] = relationship(cascade="all, delete-orphan")


class ModerationGrade(db.Model):
    """The moderator's grade for one element: agreed (the same as the auditor's) or changed, with a reason."""

    __tablename__ = "moderation_grades"
    __table_args__ = (UniqueConstraint("moderation_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    moderation_id: Mapped[int] = mapped_column(ForeignKey("moderations.id"))
    element_id: Mapped[int] = mapped_column(ForeignKey("audit_elements.id"), index=True)
    original_grade: Mapped[Grade | None] = mapped_column(enum_type(Grade, "original_grade"))
    grade: Mapped[Grade] = mapped_column(enum_type(Grade, "moderated_grade"))
    reason: Mapped[str] = mapped_column(Text, default="")

    @property
    def changed(self) -> bool:
        return self.original_grade != self.grade


class AuditStandardTally(db.Model):
    """How the completed audits of one round and team answered one standard. Kept by app.services.audits.tallies
    whenever an audit changes state, so that the findings read a few rows per standard instead of every answer."""

    __tablename__ = "audit_standard_tallies"

    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("audit_standards.id"), primary_key=True)
    yes: Mapped[int]
    no: Mapped[int]
    not_applicable: Mapped[int]


class AuditGradeTally(db.Model):
    """How many completed audits of one round and team stand at each grade, for one element or (element_id None)
    overall. The grade that stands is the moderator's where the audit was moderated, otherwise the auditor's."""

    __tablename__ = "audit_grade_tallies"
    __table_args__ = (Index("ix_audit_grade_tallies_round_team", "round_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    element_id: Mapped[int | None] = mapped_column(ForeignKey("audit_elements.id"))
    grade: Mapped[Grade] = mapped_column(enum_type(Grade, "tally_grade"))
    audits: Mapped[int]


class AuditCountTally(db.Model):
    """How many audits one round allocated to cases of one team, and how many of them are completed."""

    __tablename__ = "audit_count_tallies"

    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    allocated: Mapped[int]
    completed: Mapped[int]


class AuditModerationTally(db.Model):
    """Of the element grades moderated in one round's completed audits of one team, how many were changed: for one
    element (auditor_id None), or for one auditor's audits (element_id None)."""

    __tablename__ = "audit_moderation_tallies"
    __table_args__ = (Index("ix_audit_moderation_tallies_round_team", "round_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    element_id: Mapped[int | None] = mapped_column(ForeignKey("audit_elements.id"))
    auditor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed: Mapped[int]
    moderated: Mapped[int]


class AuditRecommendationTally(db.Model):
    """How many SMART recommendations of one round's completed audits of one team are still open, by due date."""

    __tablename__ = "audit_recommendation_tallies"
    __table_args__ = (Index("ix_audit_recommendation_tallies_round_team", "round_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    open: Mapped[int]


class AuditLearningTally(db.Model):
    """One learning theme (the points' words, ignoring case and spaces at the ends) in one round's completed audits
    of one team: how many audits raised it, the newest point not yet made a plan action, and the action one became."""

    __tablename__ = "audit_learning_tallies"
    __table_args__ = (Index("ix_audit_learning_tallies_round_team", "round_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("audit_rounds.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    theme: Mapped[str] = mapped_column(Text)  # lower-cased and trimmed: what the points are grouped by
    text: Mapped[str] = mapped_column(Text)  # trimmed, as written (the first in sort order)
    audits: Mapped[int]
    open_point_id: Mapped[int | None] = mapped_column(Integer)  # the newest point not yet an action
    action_id: Mapped[int | None] = mapped_column(Integer)  # the plan action one of its points became
