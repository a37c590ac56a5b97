"""The administrators' reminders page: the settings that decide what is sent and when, and how the scheduler and
the outbox are doing (its runs, what is waiting, what failed), with a way to try failed e-mails again now.

Every change to the settings is recorded like changes to the plan: who, when, which setting, old → new.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import EmailState, Notification, Person, ReminderSettings, SchedulerRun
from app.services import history
from app.services.errors import DomainError
from app.services.numbers import whole_number
from app.services.reminders import sweep as reminder_sweep
from app.services.transaction import transaction

RUNS_SHOWN = 20
FAILURES_SHOWN = 50
LOWEST, HIGHEST = 1, 60  # every count of days on the page
LOWEST_REQUEST = 5  # owners are asked for updates at least a working week before the update deadline

NUMBER_FIELDS = ("overdue_repeat_days", "escalate_after_working_days", "update_deadline_days_before_meeting",
                 "update_request_working_days", "nudge_working_days", "report_deadline_days_before_meeting",
                 "draft_report_working_days", "audit_due_soon_working_days")
WHAT = "The reminder settings"

STATE_LABELS = {
    EmailState.PENDING: "Waiting to be sent",
    EmailState.SENDING: "Being sent now",
    EmailState.SENT: "Sent",
    EmailState.HELD: "Held for the weekly digest",
    EmailState.IN_DIGEST: "Sent in a weekly digest",
    EmailState.NOT_EMAILED: "In the service only, not e-mailed",
    EmailState.SKIPPED: "Not sent: no longer relevant",
}
JOB_LABELS = {"send-due": "Sweep and send", "deliver": "Delivery of waiting e-mails"}


def read_offsets(text: str) -> list[int]:
    """The due-soon days as typed ("14, 3"): distinct whole numbers from 1 to 60, largest first. Raises DomainError
    (next to the field) saying what is wrong."""
    parts = [part.strip() for part in (text or "").split(",")]
    if not any(parts):
        raise DomainError("Enter at least one number of working days, for example 14, 3", "due_soon_working_days")
    if not all(parts):
        raise DomainError("Separate the numbers with single commas, for example 14, 3", "due_soon_working_days")
    wrong = [part for part in parts if whole_number(part) is None]
    if wrong:
        raise DomainError(f"{', '.join(wrong)} is not a whole number: enter whole numbers of working days "
                          "separated by commas, for example 14, 3", "due_soon_working_days")
    numbers = [int(part) for part in parts]
    outside = [str(n) for n in numbers if not LOWEST <= n <= HIGHEST]
    if outside:
        raise DomainError(f"Each number must be between {LOWEST} and {HIGHEST} ({', '.join(outside)} is not)",
                          "due_soon_working_days")
    if len(set(numbers)) != len(numbers):
        raise DomainError("Enter each number once", "due_soon_working_days")
    return sorted(numbers, reverse=True)


def order_problems(numbers: dict) -> dict[str, str]:
    """The numbers that put two things in the wrong order, by field name: the nudge must come after the request to
    update, and a meeting's update deadline on or before its report deadline. Numbers not given are not checked."""
    problems = {}
    request, nudge = numbers.get("update_request_working_days"), numbers.get("nudge_working_days")
    if None not in (request, nudge) and nudge >= request:
        problems["nudge_working_days"] = ("The nudge must come after the request to update: enter fewer working "
                                          f"days than for the request ({request})")
    update = numbers.get("update_deadline_days_before_meeting")
    report = numbers.get("report_deadline_days_before_meeting")
    if None not in (update, report) and update < report:
        problems["update_deadline_days_before_meeting"] = (
            "The update deadline must be on or before the report deadline, so that the report has the updates: "
            f"enter at least as many days as for the report deadline ({report})")
    return problems


@transaction(WHAT)
def save_settings(values: dict, *, version: int | None, actor: Person, now: datetime) -> ReminderSettings:
    """Save the settings (creating the single row the first time). `version` is the one the form was opened at:
    0 when there was no row yet. Raises DomainError for a broken rule, ConflictError for a stale form."""
    offsets = read_offsets(values["due_soon_working_days"])
    chosen = {"due_soon_working_days": ",".join(str(n) for n in offsets),
              "remind_on_due_day": bool(values["remind_on_due_day"]),
              **{name: int(values[name]) for name in NUMBER_FIELDS}}
    for name in NUMBER_FIELDS:
        if not LOWEST <= chosen[name] <= HIGHEST:
            raise DomainError(f"Enter a number between {LOWEST} and {HIGHEST}", name)
    if chosen["update_request_working_days"] < LOWEST_REQUEST:
        raise DomainError(f"Enter at least {LOWEST_REQUEST}, so owners have a working week to update",
                          "update_request_working_days")
    for name, message in order_problems(chosen).items():
        raise DomainError(message, name)
    row = db.session.get(ReminderSettings, 1)
    if row is None:  # the first save: until now the service used the defaults, so changes are recorded from them
        row = reminder_sweep.settings()
        db.session.add(row)
    else:
        history.expect_version(row, version, WHAT)
    history.change(row, chosen, actor=actor, now=now, action_id=None)
    return row


def saved_settings() -> ReminderSettings | None:
    """The settings row, None while the defaults have never been saved."""
    return db.session.get(ReminderSettings, 1)


def settings_version() -> int:
    """The version a form opened now carries: 0 while the defaults have never been saved."""
    return db.session.scalar(select(ReminderSettings.version).where(ReminderSettings.id == 1)) or 0


# --- Monitoring -------------------------------------------------------------------------------------


@dataclass
class OutboxSummary:
    by_state: dict[EmailState, int] = field(default_factory=dict)
    waiting: int = 0  # pending: not yet sent, whether due now or put off after a failure
    due_now: int = 0
    oldest_waiting: datetime | None = None  # when the oldest waiting notice was created
    next_attempt: datetime | None = None
    failing: int = 0  # waiting after at least one failed attempt


@dataclass
class Monitoring:
    runs: list[SchedulerRun]
    outbox: OutboxSummary
    failures: list[Notification]  # the first FAILURES_SHOWN of outbox.failing, soonest retried first


def monitoring(now: datetime) -> Monitoring:
    """The scheduler's last runs, the outbox by state, and the notices whose e-mail failed. Four queries, however
    many notices there are."""
    runs = list(db.session.scalars(select(SchedulerRun).order_by(SchedulerRun.started_at.desc(),
                                                                   SchedulerRun.id.desc()).limit(RUNS_SHOWN)))
    summary = OutboxSummary(by_state={EmailState(state): count for state, count in db.session.execute(
        select(Notification.email_state, func.count()).group_by(Notification.email_state))})
    pending = Notification.email_state == EmailState.PENDING
    due = (Notification.next_attempt_at.is_(None)) | (Notification.next_attempt_at <= now)
    waiting, due_now, oldest, next_attempt, failing = db.session.execute(
        select(func.count(), func.sum(case((due, 1), else_=0)), func.min(Notification.created_at),
               func.min(Notification.next_attempt_at), func.sum(case((Notification.attempts > 0, 1), else_=0)))
        .where(pending)).one()
    summary.waiting, summary.due_now, summary.failing = waiting, due_now or 0, failing or 0
    summary.oldest_waiting, summary.next_attempt = oldest, next_attempt
    failures = list(db.session.scalars(
        select(Notification).where(pending, Notification.attempts > 0).options(joinedload(Notification.recipient))
        .order_by(Notification.next_attempt_at, Notification.id).limit(FAILURES_SHOWN)))
    return Monitoring(runs, summary, failures)


@transaction("The outbox")
def retry_now(now: datetime) -> int:
    """Bring every waiting notice's next attempt forward to now. Sends nothing: the scheduler's delivery, every
    minute, does. Returns how many notices were put off until later and now wait no more."""
    brought_forward = db.session.execute(
        update(Notification).where(Notification.email_state == EmailState.PENDING, Notification.next_attempt_at > now)
        .values(next_attempt_at=now).execution_options(synchronize_session=False)).rowcount
    return brought_forward
