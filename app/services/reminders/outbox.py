"""Delivering the outbox: the notices waiting to be e-mailed, one message per person per run. Each message is
composed by app.services.reminders.compose; this module only claims, sends, postpones and skips.

A sender first claims a person's waiting notices (UPDATE … WHERE email_state = 'pending' … RETURNING, then
commit), so two senders running at once never send the same notice twice. It then sends one message listing them
and marks them sent. If the mail server cannot be reached, or refuses a message, the notices go back to waiting,
with the error kept and the next attempt put off (1, 2, 4 … minutes, at most 6 hours). Nothing is lost: a notice
leaves the outbox only when sent, or when it is no longer true (skipped: the milestone was completed meanwhile).
A sender that dies after claiming leaves its claims to be taken up again after 15 minutes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, not_, or_, select, update

from app.extensions import db
from app.models import (
    Audit,
    AuditState,
    EmailState,
    Meeting,
    Milestone,
    MilestoneStatus,
    NoticeKind,
    Notification,
    RecommendationStatus,
    SmartRecommendation,
    SubjectType,
)
from app.services.reminders import compose, mailer
from app.services.reminders.mailer import MailError

CLAIM_TIMEOUT = timedelta(minutes=15)
LONGEST_WAIT = timedelta(hours=6)


@dataclass
class DeliveryResult:
    sent: int = 0  # notices, in `messages` e-mails
    messages: int = 0
    failed: int = 0
    skipped: int = 0
    error: str | None = None


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), LONGEST_WAIT)


def deliver(now: datetime) -> DeliveryResult:
    """Send what is waiting. Never raises for a mail failure: it is recorded. Only the scheduler's jobs call it: a web
    request writes notices to the outbox and leaves sending them to the one-minute delivery job."""
    _take_back_stale_claims(now)
    result = DeliveryResult(skipped=_skip_what_is_no_longer_true(now))
    db.session.commit()  # delivery commits as it goes (see the module's note): first, what no one will be sent
    waiting = _waiting_recipients(now)
    if not waiting:
        return result
    try:
        with mailer.connection(now) as send:
            for recipient_id in waiting:
                _deliver_to(recipient_id, send, now, result)
    except MailError as error:  # the server could not be reached: whatever was not claimed waits for the next run
        result.error = str(error)
        result.failed += _postpone(_waiting_ids(now, waiting), str(error), now)
    return result


def _deliver_to(recipient_id: int, send, now: datetime, result: DeliveryResult) -> None:
    claimed = _claim(recipient_id, now)
    if not claimed:
        return  # another sender took them
    try:
        send(compose.message(claimed, now))
    except MailError as error:
        result.error = str(error)
        result.failed += _postpone([notice.id for notice in claimed], str(error), now)
        return
    db.session.execute(update(Notification).where(Notification.id.in_([notice.id for notice in claimed]))
                       .values(email_state=EmailState.SENT, sent_at=now, last_error=None, claimed_at=None))
    db.session.commit()  # sent: recorded at once, so that no later failure can send it again
    result.sent += len(claimed)
    result.messages += 1


def _waiting_condition(now: datetime):
    return and_(Notification.email_state == EmailState.PENDING,
                or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))


def _waiting_recipients(now: datetime) -> list[int]:
    return sorted(db.session.scalars(select(Notification.recipient_id).where(_waiting_condition(now)).distinct()))


def _waiting_ids(now: datetime, recipient_ids: list[int]) -> list[int]:
    return list(db.session.scalars(select(Notification.id).where(_waiting_condition(now),
                                                                 Notification.recipient_id.in_(recipient_ids))))


def _claim(recipient_id: int, now: datetime) -> list[Notification]:
    claimed_ids = db.session.scalars(
        update(Notification).where(Notification.recipient_id == recipient_id, _waiting_condition(now))
        .values(email_state=EmailState.SENDING, claimed_at=now).returning(Notification.id)).all()
    db.session.commit()  # the claim is committed before sending: another sender now leaves these notices alone
    if not claimed_ids:
        return []
    return list(db.session.scalars(select(Notification).where(Notification.id.in_(claimed_ids))
                                   .order_by(Notification.id)))


def _postpone(notice_ids: list[int], error: str, now: datetime) -> int:
    """Back to waiting, with the error and a later next attempt."""
    if not notice_ids:
        return 0
    attempts = dict(db.session.execute(select(Notification.id, Notification.attempts)
                                       .where(Notification.id.in_(notice_ids))).all())
    rows = [{"id": nid, "attempts": tries + 1, "next_attempt_at": now + retry_wait(tries + 1),
             "email_state": EmailState.PENDING, "last_error": error[:1000], "claimed_at": None}
            for nid, tries in attempts.items()]
    db.session.execute(update(Notification), rows)  # ORM bulk UPDATE by primary key: one statement for all
    db.session.commit()  # back to waiting at once, whatever happens to the rest of the run
    return len(rows)


def _take_back_stale_claims(now: datetime) -> None:
    db.session.execute(update(Notification).where(Notification.email_state == EmailState.SENDING,
                                                  Notification.claimed_at < now - CLAIM_TIMEOUT)
                       .values(email_state=EmailState.PENDING, claimed_at=None))


def _skip_what_is_no_longer_true(now: datetime) -> int:
    """Notices still waiting whose subject has moved on: the milestone or recommendation is done or re-dated, the
    audit submitted, the meeting's update deadline passed. Safeguarding alerts and digests always go."""
    still_true = {
        SubjectType.MILESTONE: exists().where(Milestone.id == Notification.subject_id,
                                              Milestone.status != MilestoneStatus.COMPLETE,
                                              Milestone.due_on == Notification.due_on),
        SubjectType.RECOMMENDATION: exists().where(SmartRecommendation.id == Notification.subject_id,
                                                   SmartRecommendation.status == RecommendationStatus.OPEN,
                                                   SmartRecommendation.due_on == Notification.due_on),
        SubjectType.AUDIT: exists().where(Audit.id == Notification.subject_id, or_(
            Audit.state == AuditState.ALLOCATED,
            and_(Audit.state == AuditState.IN_PROGRESS, Notification.kind != NoticeKind.ALLOCATED))),
        SubjectType.MEETING: exists().where(Meeting.id == Notification.subject_id,
                                            Meeting.update_deadline >= now.date()),
    }
    skipped = 0
    for subject_type, condition in still_true.items():
        skipped += db.session.execute(
            update(Notification).where(Notification.email_state.in_([EmailState.PENDING, EmailState.HELD]),
                                       Notification.subject_type == subject_type,
                                       Notification.kind != NoticeKind.SAFEGUARDING, not_(condition))
            .values(email_state=EmailState.SKIPPED).execution_options(synchronize_session=False)).rowcount
    return skipped
