"""Scheduled reports: meetings' report deadline, draft report settings, scheduled report key, report notices

Meetings held before this change get their update deadline as their report deadline (until now one date did both).
The notices' kind and subject gain "report_ready" and "report", so their CHECK constraints are made again.

Revision ID: 6c003d7896a9
Revises: 4e3253b5b840
Create Date: 2026-11-23 19:44:32.164994

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c003d7896a9'
down_revision = '4e3253b5b840'
branch_labels = None
depends_on = None


NOTICE_KINDS = ["due_soon", "due_today", "overdue", "escalation", "allocated", "update_request", "update_nudge",
                "safeguarding", "digest"]
SUBJECT_TYPES = ["milestone", "audit", "recommendation", "meeting", "week"]


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _replace_checks(kinds: list[str], subjects: list[str]) -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_notifications_notice_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_notifications_subject_type"), type_="check")
        batch_op.create_check_constraint("notice_kind", _in("kind", kinds))
        batch_op.create_check_constraint("subject_type", _in("subject_type", subjects))


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_deadline", sa.Date(), nullable=True))
    op.execute("UPDATE meetings SET report_deadline = update_deadline")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("report_deadline", existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint("report_deadline_before_meeting", "report_deadline <= held_on")

    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_deadline_days_before_meeting", sa.Integer(), nullable=False,
                                      server_default="13"))
        batch_op.add_column(sa.Column("draft_report_working_days", sa.Integer(), nullable=False, server_default="3"))

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheduled_key", sa.String(length=60), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_reports_scheduled_key"), ["scheduled_key"])

    _replace_checks([*NOTICE_KINDS, "report_ready"], [*SUBJECT_TYPES, "report"])


def downgrade():
    op.execute("DELETE FROM notifications WHERE kind = 'report_ready' OR subject_type = 'report'")
    _replace_checks(NOTICE_KINDS, SUBJECT_TYPES)

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reports_scheduled_key"), type_="unique")
        batch_op.drop_column("scheduled_key")

    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.drop_column("draft_report_working_days")
        batch_op.drop_column("report_deadline_days_before_meeting")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_meetings_report_deadline_before_meeting"), type_="check")
        batch_op.drop_column("report_deadline")
