"""What the read API (/api/v1) reads: each resource a page at a time in id order, after an opaque cursor, and
optionally only what changed since a moment (docs/api.md, "Paging" and "updated_since").

Ratings come from the plan pages' own read model (services/plans/queries.milestone_rows, which uses the RAG rule in
services/plans/rag.py), audit figures from services/audits/findings: nothing here restates a rule."""

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Action,
    Answer,
    ApiToken,
    Area,
    Audit,
    AuditAccess,
    AuditAnswer,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    AuditState,
    AuditTool,
    ChangeRecord,
    DueDateRevision,
    Grade,
    LearningPoint,
    Meeting,
    Milestone,
    Moderation,
    Plan,
    PoolCase,
    ProgressUpdate,
    RecommendationStatus,
    Report,
    SmartRecommendation,
)
from app.services import permissions
from app.services.audits.findings import FindingsFilter, element_grades
from app.services.errors import DomainError, NotAllowedError
from app.services.plans.queries import Window, milestone_rows
from app.services.transaction import transaction

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


@dataclass(frozen=True)
class PageRequest:
    after_id: int = 0
    limit: int = DEFAULT_LIMIT
    updated_since: datetime | None = None


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id a cursor continues after; a cursor this API did not give is refused with a clear message."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    kind, _, number = text.partition(":")
    if kind != "id" or not number.isascii() or not number.isdigit() or len(number) > 18:
        raise DomainError("The cursor is not one this API gave: start again without it, or pass next_cursor as given.",
                          field="cursor")
    return int(number)


def _page(statement, id_column, request: PageRequest) -> tuple[list, str | None]:
    """Up to `limit` rows after the cursor, in id order, and the cursor for the next page (None on the last)."""
    rows = list(db.session.scalars(statement.where(id_column > request.after_id).order_by(id_column)
                                   .limit(request.limit + 1)))
    more = len(rows) > request.limit
    rows = rows[:request.limit]
    return rows, encode_cursor(rows[-1].id) if more else None


def _changed_since(entity_type: str, moment: datetime):
    """Ids of the records of this kind whose change history (services/history) has an entry at or after the moment."""
    return select(ChangeRecord.entity_id).where(ChangeRecord.entity_type == entity_type,
                                                ChangeRecord.changed_at >= moment)


def _since(statement, model, request: PageRequest):
    if request.updated_since is None:
        return statement
    return statement.where(model.id.in_(_changed_since(model.__name__.lower(), request.updated_since)))


def plans(request: PageRequest) -> Page:
    return Page(*_page(_since(select(Plan), Plan, request), Plan.id, request))


def areas(request: PageRequest) -> Page:
    return Page(*_page(_since(select(Area), Area, request), Area.id, request))


def actions(request: PageRequest) -> Page:
    return Page(*_page(_since(select(Action), Action, request), Action.id, request))


def meetings(request: PageRequest) -> Page:
    return Page(*_page(_since(select(Meeting), Meeting, request), Meeting.id, request))


def progress_updates(request: PageRequest) -> Page:
    """Updates are append-only: updated_since is when each was written into the service (created_at)."""
    statement = select(ProgressUpdate)
    if request.updated_since is not None:
        statement = statement.where(ProgressUpdate.created_at >= request.updated_since)
    return Page(*_page(statement, ProgressUpdate.id, request))


def reports(token: ApiToken, request: PageRequest) -> Page:
    """The reports' metadata (never the document) that the token's role may read; updated_since: generated or
    released at or after the moment."""
    statement = select(Report).where(permissions.readable_reports_sql(token))
    if request.updated_since is not None:
        statement = statement.where(or_(Report.generated_at >= request.updated_since,
                                        Report.released_at >= request.updated_since))
    return Page(*_page(statement, Report.id, request))


@dataclass
class MilestoneRecord:
    """A milestone as the API gives it: the stored fields, with its rating and the reason from the plan pages' read
    model, its revisions and its latest update."""

    milestone: Milestone
    row: Any  # services/plans/queries.MilestoneRow
    latest_update: ProgressUpdate | None


def milestones(request: PageRequest, *, today: date) -> Page:
    statement = select(Milestone).options(selectinload(Milestone.leads), selectinload(Milestone.responsible),
                                          selectinload(Milestone.revisions))
    if request.updated_since is not None:
        statement = statement.where(Milestone.id.in_(_milestones_changed_since(request.updated_since)))
    chosen, cursor = _page(statement, Milestone.id, request)
    ids = [milestone.id for milestone in chosen]
    rows = {row.id: row for row in milestone_rows(Window.configured(today), Milestone.id.in_(ids))} if ids else {}
    latest = _latest_updates(ids)
    return Page([MilestoneRecord(m, rows[m.id], latest.get(m.id)) for m in chosen], cursor)


def _milestones_changed_since(moment: datetime):
    """A milestone changed since the moment: an edit in its history, an update written, a revision proposed or
    decided. Its suggested rating also moves with the date alone, which no record marks (docs/api.md)."""
    return union(
        _changed_since("milestone", moment),
        select(ProgressUpdate.milestone_id).where(ProgressUpdate.created_at >= moment),
        select(DueDateRevision.milestone_id).where(or_(DueDateRevision.proposed_at >= moment,
                                                       DueDateRevision.decided_at >= moment)),
    )


def _latest_updates(milestone_ids: list[int]) -> dict[int, ProgressUpdate]:
    if not milestone_ids:
        return {}
    newest = (select(func.max(ProgressUpdate.id)).where(ProgressUpdate.milestone_id.in_(milestone_ids))
              .group_by(ProgressUpdate.milestone_id))
    rows = db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.id.in_(newest)))
    return {update.milestone_id: update for update in rows}


@dataclass(frozen=True)
class FindingsRow:
    month: date
    element_number: str
    element: str
    grade: str
    audits: int
    of_audits: int
    percent: int | None


def audit_findings(first_month: date | None, last_month: date | None) -> list[FindingsRow]:
    """For each month with audit rounds, each element's standing grades as counts and percentages (the findings
    page's figures, from services/audits/findings): never a case, a child or an audit."""
    months = select(AuditRound.month).distinct().order_by(AuditRound.month)
    if first_month:
        months = months.where(AuditRound.month >= first_month)
    if last_month:
        months = months.where(AuditRound.month <= last_month)
    return [FindingsRow(month, number, label, grade.value, share.n, share.total, share.percent)
            for month in db.session.scalars(months)
            for number, label, grades in element_grades(FindingsFilter(month, month))
            for grade, share in grades.items()]


# --- Single audits: QA-lead tokens only, each read in the audit access log ----------------------------------------
# What an audit gives is chosen here, field by field, and nothing else is read from the record: never the child's
# identity (name, date of birth, the case reference that finds the child in the council's case system), the child's
# characteristics or household, nor any text the auditor or moderator wrote (it may name the child or family). See
# docs/api.md, "Single audits", and docs/security.md, "For the council's DPIA".

AUDIT_READ = "api"  # the kind of an audit access log row written for a read through the API (services/event_logs)


@dataclass(frozen=True)
class GradesRead:
    auditor_grade: Grade | None
    moderated_grade: Grade | None  # from a completed moderation only

    @property
    def grade(self) -> Grade | None:
        """The grade that stands: the moderator's where moderated, otherwise the auditor's (as in the findings)."""
        return self.moderated_grade or self.auditor_grade


@dataclass(frozen=True, kw_only=True)
class ElementRead(GradesRead):
    number: str
    title: str


@dataclass(frozen=True)
class ModerationRead:
    moderator: str
    selected_at: datetime
    completed_at: datetime | None
    grades_changed: int
    grades_moderated: int


@dataclass(frozen=True)
class AuditRead:
    """One audit as the API gives it."""

    id: int
    round: AuditRound
    team: str
    state: AuditState
    tool_version: int
    auditor: str
    allocated_at: datetime
    completed_on: date | None
    submitted_at: datetime | None
    overall: GradesRead
    elements: list[ElementRead]
    moderation: ModerationRead | None
    recommendations: dict[str, int]  # total, and by status
    standards: dict[str, int]  # the key standards by answer
    learning_points: dict[str, int]  # total, and how many became plan actions


def audits(token: ApiToken, request: PageRequest, *, now: datetime) -> Page:
    """A page of audits for a QA-lead token (permissions.sees_audit_contents), each logged as read by the token;
    updated_since: allocated, changed (every save, state and moderation is in the audit's history) or chosen for
    moderation at or after the moment."""
    _may_read_audits(token)
    statement = _audits_statement()
    if request.updated_since is not None:
        statement = statement.where(Audit.id.in_(_audits_changed_since(request.updated_since)))
    chosen, cursor = _page(statement, Audit.id, request)
    return Page(_read_and_log(chosen, token, now), cursor)


def audit(token: ApiToken, audit_id: int, *, now: datetime) -> AuditRead | None:
    """One audit for a QA-lead token, logged as read by the token; None if there is none with that id."""
    _may_read_audits(token)
    found = db.session.scalar(_audits_statement().where(Audit.id == audit_id))
    return _read_and_log([found], token, now)[0] if found else None


def _may_read_audits(token: ApiToken) -> None:
    if not permissions.sees_audit_contents(token):
        raise NotAllowedError("Only a token with the QA lead role reads single audits; this token's role reads the "
                              "aggregated audit findings (/api/v1/audit-findings) if any.")


def _audits_statement():
    """Audits with what AuditRead needs, in a fixed number of queries per page; the record and the case are read
    only for the columns given (never the child's name or date of birth, never the case reference)."""
    return select(Audit).options(
        joinedload(Audit.round), joinedload(Audit.auditor), joinedload(Audit.tool).selectinload(AuditTool.elements),
        joinedload(Audit.case).load_only(PoolCase.team_id).joinedload(PoolCase.team),
        joinedload(Audit.record).load_only(AuditRecord.overall_grade),
        selectinload(Audit.element_grades).load_only(AuditElementGrade.element_id, AuditElementGrade.grade),
        selectinload(Audit.moderation).joinedload(Moderation.moderator),
        selectinload(Audit.moderation).selectinload(Moderation.grades))


def _audits_changed_since(moment: datetime):
    return union(
        _changed_since("audit", moment),
        select(Audit.id).where(Audit.allocated_at >= moment),
        select(Moderation.audit_id).where(or_(Moderation.selected_at >= moment, Moderation.completed_at >= moment)),
    )


def _read_and_log(chosen: list[Audit], token: ApiToken, now: datetime) -> list[AuditRead]:
    """The audits as read (before the log's commit expires them), then one access log row each, in one INSERT."""
    ids = [found.id for found in chosen]
    counts = _audit_counts(ids)
    reads = [_audit_read(found, counts[found.id]) for found in chosen]
    if ids:
        _log_reads(ids, token, now)
    return reads


@transaction("The audit access log")
def _log_reads(audit_ids: list[int], token: ApiToken, now: datetime) -> None:
    db.session.execute(insert(AuditAccess), [{"audit_id": audit_id, "person_id": None, "api_token_id": token.id,
                                              "kind": AUDIT_READ, "at": now} for audit_id in audit_ids])


def _audit_read(found: Audit, counts: dict[str, dict[str, int]]) -> AuditRead:
    completed = found.moderation if found.moderation and found.moderation.completed_at else None
    auditor_grades = {grade.element_id: grade.grade for grade in found.element_grades}
    moderated_grades = {grade.element_id: grade.grade for grade in completed.grades} if completed else {}
    return AuditRead(
        id=found.id, round=found.round, team=found.case.team.name, state=AuditState(found.state),
        tool_version=found.tool.version, auditor=found.auditor.name, allocated_at=found.allocated_at,
        completed_on=found.completed_on, submitted_at=found.submitted_at,
        overall=GradesRead(found.record.overall_grade if found.record else None,
                           completed.overall_grade if completed else None),
        elements=[ElementRead(number=element.number, title=element.report_label,
                              auditor_grade=auditor_grades.get(element.id),
                              moderated_grade=moderated_grades.get(element.id)) for element in found.tool.elements],
        moderation=_moderation_read(found.moderation), **counts)


def _moderation_read(moderation: Moderation | None) -> ModerationRead | None:
    if moderation is None:
        return None
    return ModerationRead(moderation.moderator.name, moderation.selected_at, moderation.completed_at,
                          sum(1 for grade in moderation.grades if grade.changed), len(moderation.grades))


def _audit_counts(ids: list[int]) -> dict[int, dict[str, dict[str, int]]]:
    """For each audit: its SMART recommendations by status, its key standards by answer, and its learning points (and
    how many became plan actions); one grouped query each, zeros where there are none."""
    counts = {audit_id: {"recommendations": dict.fromkeys(["total", *RecommendationStatus], 0),
                         "standards": dict.fromkeys(Answer, 0),
                         "learning_points": {"total": 0, "made_plan_actions": 0}} for audit_id in ids}
    for name, audit_column, kind_column in [("recommendations", SmartRecommendation.audit_id,
                                             SmartRecommendation.status),
                                            ("standards", AuditAnswer.audit_id, AuditAnswer.answer)]:
        for audit_id, kind, number in db.session.execute(
                select(audit_column, kind_column, func.count()).where(audit_column.in_(ids))
                .group_by(audit_column, kind_column)):
            counts[audit_id][name][kind] = number
    for audit_id, total, actions in db.session.execute(
            select(LearningPoint.audit_id, func.count(), func.count(LearningPoint.action_id))
            .where(LearningPoint.audit_id.in_(ids)).group_by(LearningPoint.audit_id)):
        counts[audit_id]["learning_points"] = {"total": total, "made_plan_actions": actions}
    for by_kind in counts.values():
        by_kind["recommendations"]["total"] = sum(by_kind["recommendations"].values())
    return counts
