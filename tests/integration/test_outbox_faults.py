"""A scheduler killed mid-delivery (issue 18, "It must show"): every notice is delivered by the next runs, within a few
minutes, and a message sent again carries the same Message-ID, so the copy can be dropped downstream. A live slow
sender is never overtaken. Through a real SMTP server on loopback (aiosmtpd)."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

import pytest
from sqlalchemy import select

from app.models import EmailState, Notification
from app.services.reminders import jobs as reminder_jobs
from app.services.reminders import mailer, outbox, sweep

SEPT_10 = datetime.combine(date(2020, 9, 10), time(7))  # the sweep writes a reminder for the owner and the lead


class Killed(BaseException):
    """The scheduler's process ends here (kill -9): nothing after this line of the sender runs."""


def killed_after_handing_over(messages: int):
    """A mail connection whose sender dies just after the server accepted its `messages`-th message, before the
    sender could record it as sent."""
    real = mailer.connection

    @contextmanager
    def connection(now):
        with real(now) as send:
            handed = []

            def send_then_die(email):
                send(email)
                handed.append(email)
                if len(handed) == messages:
                    raise Killed

            yield send_then_die

    return patch.object(outbox.mailer, "connection", connection)


def states(db) -> set[EmailState]:
    db.session.expire_all()
    return {notice.email_state for notice in db.session.scalars(select(Notification))}


def killed_mid_delivery(db) -> None:
    with killed_after_handing_over(1), pytest.raises(Killed):
        reminder_jobs.send_due(SEPT_10)
    db.session.rollback()  # the process has gone: a new one starts with nothing in hand


def test_a_killed_scheduler_s_message_is_sent_again_with_the_same_message_id(plan_tree, smtp_server, db):
    """The two recipients' notices are claimed together (one batch); the sender dies after handing the first message
    over. The next runs leave the claims alone until they are 2 minutes old, then send both messages: the first
    again, with the same Message-ID."""
    killed_mid_delivery(db)
    first = smtp_server.inbox.messages[0][1]
    assert len(smtp_server.inbox.messages) == 1 and states(db) == {EmailState.SENDING}
    assert first["Message-ID"].startswith("<notices-") and first["Message-ID"].endswith("@localhost>")

    reminder_jobs.deliver_waiting(SEPT_10 + timedelta(minutes=1))  # the next minute: the claims still stand
    assert len(smtp_server.inbox.messages) == 1 and states(db) == {EmailState.SENDING}

    reminder_jobs.deliver_waiting(SEPT_10 + timedelta(minutes=2, seconds=1))  # the claims abandoned 2 minutes ago
    assert states(db) == {EmailState.SENT}
    messages = [message for _, message in smtp_server.inbox.messages]
    assert len(messages) == 3
    assert [m["Message-ID"] for m in messages].count(first["Message-ID"]) == 2  # the copy: the same id
    again = next(m for m in messages[1:] if m["Message-ID"] == first["Message-ID"])
    assert again["Subject"] == first["Subject"] and again["To"] == first["To"]
    assert len({m["Message-ID"] for m in messages}) == 2  # two people, two messages, each with its own id


def test_killed_five_times_every_notice_is_delivered_within_five_minutes_of_the_restart(plan_tree, smtp_server, db):
    killed_mid_delivery(db)
    at = SEPT_10
    for _ in range(4):  # killed again whenever it has handed a message over, each minute
        at += timedelta(seconds=61)
        with killed_after_handing_over(1):
            try:
                reminder_jobs.deliver_waiting(at)
            except Killed:
                db.session.rollback()
    restarted = at
    while states(db) != {EmailState.SENT} and at <= restarted + timedelta(minutes=5):
        at += timedelta(minutes=1)  # the restarted scheduler's one-minute job
        reminder_jobs.deliver_waiting(at)
    assert states(db) == {EmailState.SENT}
    assert len(smtp_server.inbox.messages) > 2  # some were sent again
    by_recipient = {}
    for recipients, message in smtp_server.inbox.messages:
        by_recipient.setdefault(recipients[0], set()).add(message["Message-ID"])
    assert set(by_recipient) == {"olive.owner@test.example", "lee.lead@test.example"}
    assert all(len(ids) == 1 for ids in by_recipient.values())  # every copy of a message has its one id


def test_a_claim_is_not_taken_back_from_a_sender_still_within_the_timeout(plan_tree, smtp_server, db):
    killed_mid_delivery(db)
    reminder_jobs.deliver_waiting(SEPT_10 + timedelta(minutes=1, seconds=59))
    assert len(smtp_server.inbox.messages) == 1  # the abandoned claims wait for their full 2 minutes
    assert states(db) == {EmailState.SENDING}


def test_the_claim_timeout_is_configurable_but_never_shorter_than_handing_one_message_over(app):
    app.config.update(OUTBOX_CLAIM_MINUTES=2, MAIL_TIMEOUT_SECONDS=20)
    assert outbox.claim_timeout() == timedelta(minutes=2)
    app.config.update(OUTBOX_CLAIM_MINUTES=1, MAIL_TIMEOUT_SECONDS=30)
    assert outbox.claim_timeout() == timedelta(minutes=3)  # six 30-second steps


def slow_composing(moments: list[datetime], took: timedelta, overtaken: bool):
    """Composing each message takes `took` on the run's clock (moments[-1]); if `overtaken`, another sender takes the
    claim back meanwhile (its own claim, stamped then)."""
    real = outbox.compose.message

    def message(notices, now, packs=None):
        email = real(notices, now, packs)
        moments.append(moments[-1] + took)
        if overtaken:
            outbox.db.session.execute(Notification.__table__.update()
                                      .where(Notification.id.in_([notice.id for notice in notices]))
                                      .values(claimed_at=moments[-1]))
        return email

    return patch.object(outbox.compose, "message", message)


def renewals():
    calls = []
    real = outbox._renew

    def renew(ids, stamped, clock):
        calls.append(ids)
        return real(ids, stamped, clock)

    return calls, patch.object(outbox, "_renew", renew)


def test_a_sender_overtaken_while_composing_does_not_send(plan_tree, smtp_server, db):
    """Composing a message (its update pack) took longer than the claim timeout, and another sender took the claim
    back meanwhile: the slow sender's renewal finds the claim is no longer its own, and it leaves the message."""
    sweep.sweep(SEPT_10)
    db.session.commit()
    moments = [SEPT_10]
    calls, counted = renewals()
    with slow_composing(moments, timedelta(minutes=2, seconds=30), overtaken=True), counted:
        result = outbox.deliver(SEPT_10, clock=lambda: moments[-1])
    assert len(calls) == 2 and result.messages == 0 and smtp_server.inbox.messages == []


def test_a_claim_younger_than_the_step_to_spare_is_not_renewed_an_older_one_is(app, plan_tree, smtp_server, db):
    """Both recipients' notices are claimed together, and composing each message takes 19 seconds. The first is handed
    over 19 seconds after the claim, within the one 20-second step the claim timeout keeps to spare: not renewed (a
    statement and a commit saved per e-mail). The second, 38 seconds after the claim, is renewed first, found still
    this sender's, and sent."""
    app.config.update(OUTBOX_CLAIM_MINUTES=2, MAIL_TIMEOUT_SECONDS=20)  # 6 steps of 20 s: 5 to hand over, 1 to spare
    sweep.sweep(SEPT_10)
    db.session.commit()
    [_, second] = sorted({notice.recipient_id for notice in db.session.scalars(select(Notification))})
    seconds = sorted(notice.id for notice in db.session.scalars(select(Notification)) if notice.recipient_id == second)
    moments = [SEPT_10]
    calls, counted = renewals()
    with slow_composing(moments, timedelta(seconds=19), overtaken=False), counted:
        assert outbox.deliver(SEPT_10, clock=lambda: moments[-1]).messages == 2
    assert calls == [seconds] and states(db) == {EmailState.SENT}


def test_a_run_looks_for_abandoned_claims_once_not_once_per_recipient(plan_tree, smtp_server, db):
    """With nothing abandoned when the run starts, the recipients' waiting notices are claimed in one statement (a
    claim is a commit); a claim abandoned during the run is taken up by the next run, a minute later, with the same
    Message-ID."""
    sweep.sweep(SEPT_10)
    db.session.commit()
    [first, second] = sorted({notice.recipient_id for notice in db.session.scalars(select(Notification))})
    db.session.execute(Notification.__table__.update().where(Notification.recipient_id == second)
                       .values(email_state=EmailState.SENDING, claimed_at=SEPT_10 - timedelta(minutes=1, seconds=50)))
    db.session.commit()  # another sender's claim, abandoned 10 seconds into this run
    claims = []
    original = outbox._claim

    def counted(recipient_ids, condition, clock):
        claims.append(list(recipient_ids))
        return original(recipient_ids, condition, clock)

    with patch.object(outbox, "_claim", counted):
        result = outbox.deliver(SEPT_10, clock=lambda: SEPT_10 + timedelta(seconds=10 * len(claims)))
    assert claims == [[], [first]] and result.messages == 1  # none abandoned when the run began; only `first` waits
    outbox.deliver(SEPT_10 + timedelta(minutes=1))
    assert states(db) == {EmailState.SENT}
    assert len(smtp_server.inbox.messages) == 2
