"""Reminders: notifications (the outbox), meetings, reminder settings, scheduler runs; people's line manager, e-mail preference and calendar feed

Revision ID: 0d26575f6944
Revises: fafc47f1ba43
Create Date: 2026-11-23 17:13:12.697428

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0d26575f6944'
down_revision = 'fafc47f1ba43'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('board', 'committee', name='meeting_kind', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('update_deadline', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('update_deadline <= held_on', name=op.f('ck_meetings_deadline_before_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_held_on'), ['held_on'], unique=False)

    op.create_table('reminder_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('due_soon_working_days', sa.String(length=60), nullable=False),
    sa.Column('remind_on_due_day', sa.Boolean(), nullable=False),
    sa.Column('overdue_repeat_days', sa.Integer(), nullable=False),
    sa.Column('escalate_after_working_days', sa.Integer(), nullable=False),
    sa.Column('update_deadline_days_before_meeting', sa.Integer(), nullable=False),
    sa.Column('update_request_working_days', sa.Integer(), nullable=False),
    sa.Column('nudge_working_days', sa.Integer(), nullable=False),
    sa.Column('audit_due_soon_working_days', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('escalate_after_working_days > 0', name=op.f('ck_reminder_settings_escalate_after_positive')),
    sa.CheckConstraint('overdue_repeat_days > 0', name=op.f('ck_reminder_settings_overdue_repeat_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_settings'))
    )
    op.create_table('scheduler_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_runs'))
    )
    with op.batch_alter_table('scheduler_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_runs_job'), ['job'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('due_soon', 'due_today', 'overdue', 'escalation', 'allocated', 'update_request', 'update_nudge', 'safeguarding', 'digest', name='notice_kind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('subject_type', sa.Enum('milestone', 'audit', 'recommendation', 'meeting', 'week', name='subject_type', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('update_link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('email_state', sa.Enum('pending', 'sending', 'sent', 'held', 'in_digest', 'not_emailed', 'skipped', name='email_state', native_enum=False, create_constraint=True, length=21), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['digest_id'], ['notifications.id'], name=op.f('fk_notifications_digest_id_notifications')),
    sa.ForeignKeyConstraint(['recipient_id'], ['people.id'], name=op.f('fk_notifications_recipient_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('subject_type', 'subject_id', 'recipient_id', 'kind', 'due_on', 'occurrence', name='uq_notifications_key')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_outbox', ['email_state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_notifications_recipient_read', ['recipient_id', 'read_at'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_manager_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('email_preference', sa.Enum('each', 'weekly', 'none', name='email_preference', native_enum=False, create_constraint=True, length=16), nullable=False, server_default='each'))
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_people_calendar_token_hash'), ['calendar_token_hash'])
        batch_op.create_foreign_key(batch_op.f('fk_people_line_manager_id_people'), 'people', ['line_manager_id'], ['id'])



def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_people_line_manager_id_people'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_people_calendar_token_hash'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_people_email_preference'), type_='check')
        batch_op.drop_column('calendar_token_hash')
        batch_op.drop_column('email_preference')
        batch_op.drop_column('line_manager_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_recipient_read')
        batch_op.drop_index('ix_notifications_outbox')

    op.drop_table('notifications')
    with op.batch_alter_table('scheduler_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_runs_job'))

    op.drop_table('scheduler_runs')
    op.drop_table('reminder_settings')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_held_on'))

    op.drop_table('meetings')
