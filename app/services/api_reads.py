"""What the read API (/api/v1) reads: each resource a page at a time in id order, after an opaque cursor, and
optionally only what changed since a moment (docs/api.md, "Paging" and "updated_since").

Ratings come from the plan pages' own read model (services/plans/queries.milestone_rows, which uses the RAG rule in
services/plans/rag.py), audit figures from services/audits/findings: nothing here restates a rule."""

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Action,
    ApiToken,
    Area,
    AuditRound,
    ChangeRecord,
    DueDateRevision,
    Meeting,
    Milestone,
    Plan,
    ProgressUpdate,
    Report,
)
from app.services import permissions
from app.services.audits.findings import FindingsFilter, element_grades
from app.services.errors import DomainError
from app.services.plans.queries import Window, milestone_rows

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
