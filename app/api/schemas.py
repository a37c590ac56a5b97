"""The API's JSON shapes (marshmallow): what each resource gives, and the OpenAPI 3.1 document made from them."""

import marshmallow as ma
from marshmallow import fields, validate

from app.models import (
    AuditState,
    DeliveryType,
    DueKind,
    Grade,
    MeetingKind,
    MilestoneStatus,
    Rating,
    ReportKind,
    ReportState,
    RoundKind,
)
from app.services.api_reads import DEFAULT_LIMIT, MAX_LIMIT


def _choice(enum_class, **kwargs):
    return fields.Enum(enum_class, by_value=True, **kwargs)


class LocalDateTime(fields.DateTime):
    """A moment the service holds in its local time (without an offset), given with that offset, as RFC 3339 and
    the OpenAPI "date-time" format require: 2026-12-06T09:30:00+00:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value.astimezone() if value is not None and value.tzinfo is None else value, attr,
                                  obj, **kwargs)


class PagingArgs(ma.Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"How many items a page holds: 1 to {MAX_LIMIT}."})
    cursor = fields.String(load_default=None, validate=validate.Length(max=100),
                           metadata={"description": "The next_cursor of the previous page; none for the first page."})


class ChangedPagingArgs(PagingArgs):
    updated_since = fields.DateTime(load_default=None, metadata={
        "description": "ISO 8601: only what changed at or after this moment (docs/api.md, 'updated_since')."})


class FindingsArgs(ma.Schema):
    from_month = fields.Date(load_default=None, metadata={"description": "The first month (its first day)."})
    to_month = fields.Date(load_default=None, metadata={"description": "The last month (its first day)."})


class ApiError(ma.Schema):
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict()


class PlanOut(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.String(allow_none=True, required=True)
    revision = fields.String(allow_none=True, required=True)
    lead_author = fields.String(allow_none=True, required=True)
    progress_label = fields.String(allow_none=True, required=True)


class AreaOut(ma.Schema):
    id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    position = fields.Integer(required=True)


class ActionOut(ma.Schema):
    id = fields.Integer(required=True)
    area_id = fields.Integer(required=True)
    number = fields.String(required=True)
    what = fields.String(required=True)
    how = fields.String(required=True)
    delivery_type = _choice(DeliveryType, required=True)
    project_code = fields.String(allow_none=True, required=True)
    position = fields.Integer(required=True)


class DueOut(ma.Schema):
    kind = _choice(DueKind, required=True)
    as_typed = fields.String(required=True, metadata={"description": "The due date as people wrote it."})
    date = fields.Date(allow_none=True, required=True, metadata={"description": "The date the RAG rule reads."})
    note = fields.String(required=True)
    problem = fields.String(allow_none=True, required=True, metadata={"description": "Why the date as written is "
                                                                                     "not a date, if it is not."})


class RagOut(ma.Schema):
    rating = _choice(Rating, required=True, metadata={"description": "The rating people see: the one set, if any, "
                                                                     "otherwise the suggestion."})
    suggested = _choice(Rating, required=True)
    suggested_reason = fields.String(required=True)
    set = _choice(Rating, allow_none=True, required=True)
    set_reason = fields.String(allow_none=True, required=True)
    set_at = LocalDateTime(allow_none=True, required=True)


class RevisionOut(ma.Schema):
    id = fields.Integer(required=True)
    old_kind = _choice(DueKind, allow_none=True, required=True)
    old_date = fields.Date(allow_none=True, required=True, attribute="old_on")
    old_as_typed = fields.String(required=True, attribute="old_raw")
    new_kind = _choice(DueKind, required=True)
    new_date = fields.Date(allow_none=True, required=True, attribute="new_on")
    new_as_typed = fields.String(required=True, attribute="new_raw")
    reason = fields.String(required=True)
    reason_text = fields.String(required=True)
    decision = fields.String(required=True)
    proposed_at = LocalDateTime(required=True)
    decided_at = LocalDateTime(allow_none=True, required=True)


class UpdateOut(ma.Schema):
    id = fields.Integer(required=True)
    milestone_id = fields.Integer(required=True)
    written_on = fields.Date(required=True)
    body = fields.String(required=True)
    signed_as = fields.String(required=True)
    created_at = LocalDateTime(required=True)


class MilestoneOut(ma.Schema):
    id = fields.Integer(required=True)
    action_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    sub_action = fields.String(allow_none=True, required=True)
    deliverable = fields.String(required=True)
    responsible = fields.String(allow_none=True, required=True)
    leads = fields.List(fields.String(), required=True)
    status = _choice(MilestoneStatus, required=True)
    completed_on = fields.Date(allow_none=True, required=True)
    due = fields.Nested(DueOut, required=True)
    rag = fields.Nested(RagOut, required=True)
    revisions = fields.List(fields.Nested(RevisionOut), required=True)
    latest_update = fields.Nested(UpdateOut, allow_none=True, required=True)

    @ma.pre_dump
    def flatten(self, record, **kwargs) -> dict:
        """A services.api_reads.MilestoneRecord as the fields above."""
        milestone, row = record.milestone, record.row
        return {
            **{name: getattr(milestone, name) for name in ("id", "action_id", "position", "sub_action", "deliverable",
                                                             "status", "completed_on", "revisions")},
            "responsible": milestone.responsible.name if milestone.responsible else None,
            "leads": [lead.name for lead in milestone.leads],
            "due": {"kind": milestone.due_kind, "as_typed": milestone.due_raw, "date": milestone.due_on,
                    "note": milestone.due_note, "problem": milestone.due_problem},
            "rag": {"rating": row.rating, "suggested": row.suggested.rating, "suggested_reason": row.suggested.reason,
                    "set": milestone.rag_set, "set_reason": milestone.rag_set_reason, "set_at": milestone.rag_set_at},
            "latest_update": record.latest_update,
        }


class MeetingOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = _choice(MeetingKind, required=True)
    title = fields.String(required=True)
    held_on = fields.Date(required=True)
    update_deadline = fields.Date(required=True)
    report_deadline = fields.Date(required=True)


class ReportOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = _choice(ReportKind, required=True)
    title = fields.String(required=True)
    plan_id = fields.Integer(allow_none=True, required=True)
    meeting_id = fields.Integer(allow_none=True, required=True)
    month = fields.Date(allow_none=True, required=True)
    as_at = fields.Date(required=True)
    state = _choice(ReportState, required=True)
    generated_at = LocalDateTime(required=True)
    released_at = LocalDateTime(allow_none=True, required=True)
    document_sha256 = fields.String(required=True)


class FindingsRowOut(ma.Schema):
    month = fields.Date(required=True)
    element_number = fields.String(allow_none=True, required=True)
    element = fields.String(allow_none=True, required=True)
    grade = fields.String(required=True, validate=validate.OneOf([grade.value for grade in Grade]))
    audits = fields.Integer(required=True, metadata={"description": "Audits whose standing grade this is."})
    of_audits = fields.Integer(required=True, metadata={"description": "Audits graded on this element that month."})
    percent = fields.Integer(allow_none=True, required=True)


class FindingsOut(ma.Schema):
    items = fields.List(fields.Nested(FindingsRowOut), required=True)


class AuditRoundOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = _choice(RoundKind, required=True)
    month = fields.Date(required=True, metadata={"description": "The first day of the round's month."})
    title = fields.String(required=True)
    theme = fields.String(allow_none=True, required=True)


class GradesOut(ma.Schema):
    auditor_grade = _choice(Grade, allow_none=True, required=True)
    moderated_grade = _choice(Grade, allow_none=True, required=True, metadata={
        "description": "The moderator's grade, once the moderation is completed."})
    grade = _choice(Grade, allow_none=True, required=True, metadata={
        "description": "The grade that stands: the moderator's where moderated, otherwise the auditor's."})


class ElementGradesOut(GradesOut):
    number = fields.String(required=True)
    title = fields.String(required=True)


class AuditModerationOut(ma.Schema):
    moderator = fields.String(required=True)
    selected_at = LocalDateTime(required=True)
    completed_at = LocalDateTime(allow_none=True, required=True)
    grades_changed = fields.Integer(required=True, metadata={"description": "Element grades the moderator changed."})
    grades_moderated = fields.Integer(required=True)


class RecommendationCountsOut(ma.Schema):
    total = fields.Integer(required=True)
    open = fields.Integer(required=True)
    done = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)


class StandardCountsOut(ma.Schema):
    yes = fields.Integer(required=True)
    no = fields.Integer(required=True)
    not_applicable = fields.Integer(required=True)


class LearningCountsOut(ma.Schema):
    total = fields.Integer(required=True)
    made_plan_actions = fields.Integer(required=True)


class AuditOut(ma.Schema):
    """A case-file audit without the child's identity or anything written about the child (docs/api.md)."""

    id = fields.Integer(required=True)
    round = fields.Nested(AuditRoundOut, required=True)
    team = fields.String(required=True, metadata={"description": "The team whose case it is."})
    state = _choice(AuditState, required=True)
    tool_version = fields.Integer(required=True)
    auditor = fields.String(required=True)
    allocated_at = LocalDateTime(required=True)
    completed_on = fields.Date(allow_none=True, required=True)
    submitted_at = LocalDateTime(allow_none=True, required=True)
    overall = fields.Nested(GradesOut, required=True)
    elements = fields.List(fields.Nested(ElementGradesOut), required=True)
    moderation = fields.Nested(AuditModerationOut, allow_none=True, required=True)
    recommendations = fields.Nested(RecommendationCountsOut, required=True)
    standards = fields.Nested(StandardCountsOut, required=True, metadata={"description": "Key standards by answer."})
    learning_points = fields.Nested(LearningCountsOut, required=True)


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A page of items and the cursor for the next page (null on the last)."""
    return ma.Schema.from_dict({"items": fields.List(fields.Nested(item_schema), required=True),
                                "next_cursor": fields.String(allow_none=True, required=True)}, name=name)

