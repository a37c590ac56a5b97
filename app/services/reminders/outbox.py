"""Delivering the outbox: the notices waiting to be e-mailed, one message per person per run. Each message is
composed by app.services.reminders.compose; this module only claims, sends, postpones and skips.

A sender first claims the waiting notices of a batch of recipients (UPDATE … WHERE email_state = 'pending' …
RETURNING, then commit: one statement and one commit for up to CLAIM_BATCH people), so two senders running at once
never send the same notice twice. It then sends each person one message listing theirs and marks them sent at once.
If the mail server cannot be reached, or refuses a message, the notices go back to waiting, with the error kept and
the next attempt put off (1, 2, 4 … minutes, at most 6 hours). Nothing is lost: a notice leaves the outbox only when
sent, or when it is no longer true (skipped: the milestone was completed meanwhile).

A sender that dies after claiming leaves its claims to be taken up again after OUTBOX_CLAIM_MINUTES (2 by default):
the next run sends exactly those notices again, one message a person with the same Message-ID
(mailer.notices_message_id), so that whatever the dead sender may already have handed over can be dropped as a copy
downstream; the rest of its batch, never handed over, goes then too. Each claim is stamped with the moment it is made
(the run's `now` plus the time the run has taken, so a long run's late claims are not born old). Handing one message
over is bounded by the mail timeout: smtplib sends MAIL, RCPT, DATA, the content and waits for the answer, each step
at most MAIL_TIMEOUT_SECONDS, so five steps; claim_timeout() is never less than six of them (2 minutes at the
default 20 seconds). So a message handed over within one step of its claim (as nearly all are: composing a batch's
messages takes milliseconds each) cannot have had its claim taken back; one handed over later has its claim renewed
first, just before, and the renewal checks the claim is still this sender's (a statement and a commit, paid only
then). If a relay is so slow that a batch outlasts the claim timeout, another sender may take back the batch's
rest: the renewal finds it no longer this sender's, and leaves it to that one. Either way no notice is sent twice by
live senders.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from time import monotonic

from flask import current_app
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
    Person,
    RecommendationStatus,
    SmartRecommendation,
    SubjectType,
)
from app.services.reminders import compose, mailer
from app.services.reminders.mailer import MailError

CLAIM_BATCH = 50  # recipients whose notices are claimed in one statement and commit (a claim a message was half
# of the run's commits)
SMTP_STEPS_PER_MESSAGE = 6  # MAIL, RCPT, DATA, the content, its answer (five), and one to spare
LONGEST_WAIT = timedelta(hours=6)
# The per-message updates are the table's (Core) statements: the ORM's bulk UPDATE, which brings the session's objects
# up to date, cost more than the statement itself, and the commit that follows each one expires them anyway.
NOTICES = Notification.__table__


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


def claim_timeout() -> timedelta:
    """How long a claim stands before another sender may take it back (the module's note says why this is safe)."""
    configured = timedelta(minutes=current_app.config["OUTBOX_CLAIM_MINUTES"])
    return max(configured, timedelta(seconds=SMTP_STEPS_PER_MESSAGE * current_app.config["MAIL_TIMEOUT_SECONDS"]))


def run_clock(now: datetime) -> Callable[[], datetime]:
    """The time as this run goes on: its `now` plus the time taken since it started."""
    started = monotonic()
    return lambda: now + timedelta(seconds=monotonic() - started)


def deliver(now: datetime, *, clock: Callable[[], datetime] | None = None) -> DeliveryResult:
    """Send what is waiting. Never raises for a mail failure: it is recorded. Only the scheduler's jobs call it: a web
    request writes notices to the outbox and leaves sending them to the one-minute delivery job. `clock` says the
    time as the run goes on (tests pass a fixed one); claims are stamped with it."""
    clock = clock or run_clock(now)
    result = DeliveryResult(skipped=_skip_what_is_no_longer_true(now))
    db.session.commit()  # delivery commits as it goes (see the module's note): first, what no one will be sent
    abandoned = _abandoned_recipients(clock)
    waiting = sorted(abandoned | _waiting_recipients(now))
    if not waiting:
        return result
    packs = compose.UpdatePacks(waiting, now)  # every recipient's pack data in a few queries, when first needed
    try:
        with mailer.connection(now) as send, _read_once():
            for start in range(0, len(waiting), CLAIM_BATCH):
                batch = waiting[start:start + CLAIM_BATCH]
                _deliver_to(batch, abandoned, send, now, clock, result, packs)
    except MailError as error:  # the server could not be reached: whatever was not claimed waits for the next run
        result.error = str(error)
        result.failed += _postpone(_waiting_ids(now, waiting), str(error), now)
    return result


def _deliver_to(batch: list[int], abandoned: set[int], send, now: datetime, clock, result: DeliveryResult,
                packs: compose.UpdatePacks) -> None:
    """A batch of recipients: their notices claimed together, then a message each. First a recipient's abandoned
    message again, if a dead sender left one when the run started (the same notices), then what waits. (A claim that
    a sender abandons while this run goes on is taken up by the next run, a minute later: looking for one for every
    recipient was a claim and a commit more per e-mail.)"""
    taken_back = _claim([rid for rid in batch if rid in abandoned], _abandoned_condition(clock()), clock)
    claimed = _claim(batch, _waiting_condition(now), clock)
    # The batch's recipients read in one query and held here: composing finds each in the session (_read_once).
    _held = db.session.scalars(select(Person).where(Person.id.in_(batch))).all()
    for recipient_id in batch:
        for claim in (taken_back, claimed):
            _send(claim.of(recipient_id), claim.at, send, now, clock, result, packs)


@contextmanager
def _read_once() -> Iterator[None]:
    """What the run reads (the recipients a batch at a time) stays as read when it commits (a claim, a message sent):
    otherwise each commit expired it, and each message read its recipient again."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = expiring


def _send(claimed: list, stamped: datetime, send, now: datetime, clock, result: DeliveryResult,
          packs: compose.UpdatePacks) -> None:
    if not claimed:
        return  # nothing of theirs waits, or another sender took it
    ids = [notice.id for notice in claimed]
    email = replace(compose.message(claimed, now, packs), message_id=mailer.notices_message_id(ids))
    if _needs_renewal(stamped, clock) and not _renew(ids, stamped, clock):
        return  # the claim grew so old that another sender took them back: it sends them
    try:
        send(email)
    except MailError as error:
        result.error = str(error)
        result.failed += _postpone(ids, str(error), now)
        return
    db.session.execute(update(NOTICES).where(NOTICES.c.id.in_(ids))
                       .values(email_state=EmailState.SENT, sent_at=now, last_error=None, claimed_at=None))
    db.session.commit()  # sent: recorded at once, so that no later failure can send it again
    result.sent += len(claimed)
    result.messages += 1


def _waiting_condition(now: datetime):
    return and_(Notification.email_state == EmailState.PENDING,
                or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))


def _abandoned_condition(at: datetime):
    """Claimed by a sender that has stopped: claimed longer ago than any live sender holds a claim."""
    return and_(Notification.email_state == EmailState.SENDING, Notification.claimed_at < at - claim_timeout())


def _waiting_recipients(now: datetime) -> set[int]:
    return set(db.session.scalars(select(Notification.recipient_id).where(_waiting_condition(now)).distinct()))


def _abandoned_recipients(clock) -> set[int]:
    return set(db.session.scalars(select(Notification.recipient_id).where(_abandoned_condition(clock())).distinct()))


def _waiting_ids(now: datetime, recipient_ids: list[int]) -> list[int]:
    return list(db.session.scalars(select(Notification.id).where(_waiting_condition(now),
                                                                 Notification.recipient_id.in_(recipient_ids))))


@dataclass
class _Claim:
    notices: dict[int, list]  # recipient: their claimed notices, rows of compose.NOTICE_FIELDS, in id order
    at: datetime  # the claim's stamp: whoever renews it must still find this one

    def of(self, recipient_id: int) -> list:
        return self.notices.get(recipient_id, [])


def _claim(recipient_ids: Sequence[int], condition, clock) -> _Claim:
    """The recipients' notices that meet the condition, claimed in one statement and one commit."""
    at, notices = clock(), defaultdict(list)
    if recipient_ids:
        claimed = db.session.execute(
            update(NOTICES).where(NOTICES.c.recipient_id.in_(recipient_ids), condition)
            .values(email_state=EmailState.SENDING, claimed_at=at).returning(*compose.NOTICE_FIELDS)).all()
        db.session.commit()  # the claim is committed before sending: another sender now leaves these notices alone
        for notice in sorted(claimed, key=lambda notice: notice.id):
            notices[notice.recipient_id].append(notice)
    return _Claim(notices, at)


def _needs_renewal(stamped: datetime, clock) -> bool:
    """The claim is older than the one step of the claim timeout to spare (composing this message, or handing over
    the batch's earlier ones, took that long: the module's note): it is renewed, and checked, before the message is
    handed over."""
    spare = claim_timeout() - timedelta(seconds=(SMTP_STEPS_PER_MESSAGE - 1) * current_app.config["MAIL_TIMEOUT_SECONDS"])
    return clock() - stamped >= spare


def _renew(ids: list[int], stamped: datetime, clock) -> bool:
    """Stamp the claim again just before handing the message over; False if any of it is no longer ours (taken
    back after the claim timeout, and perhaps claimed by another sender since)."""
    renewed = db.session.execute(
        update(Notification).where(Notification.id.in_(ids), Notification.email_state == EmailState.SENDING,
                                   Notification.claimed_at == stamped)
        .values(claimed_at=clock()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return renewed == len(ids)


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
