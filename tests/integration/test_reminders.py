"""The reminder sweep on fixed dates: who is told what, and when; each notice once; nothing more once the work is
done; preferences, digests, meetings and audit work."""

from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from app.models import (
    EmailPreference,
    EmailState,
    Meeting,
    MeetingKind,
    Milestone,
    MilestoneStatus,
    NoticeKind,
    Notification,
    Role,
    SchedulerRun,
    SmartRecommendation,
)
from app.scheduler import build_scheduler
from app.services.reminders import outbox
from app.services.reminders import sweep as reminder_sweep
from tests.integration.audit_setting import allocated_audit


def at(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour))


def notices(db, **filters) -> list[tuple[str, str, int]]:
    """(recipient, kind, occurrence) of the notices, in a fixed order."""
    rows = db.session.scalars(select(Notification).filter_by(**filters).order_by(Notification.id))
    return [(n.recipient.name, NoticeKind(n.kind).value, n.occurrence) for n in rows]


@pytest.fixture
def plan(plan_tree, make_person, db):
    """Olive Owner is responsible for a milestone due Wednesday 30/09/2020 that Lee Lead leads; Olive's line
    manager is Max Manager; Pam is a programme manager."""
    plan_tree["manager"] = make_person("Max Manager")
    plan_tree["owner"].line_manager = plan_tree["manager"]
    plan_tree["programme_manager"] = make_person("Pam Programme", Role.PROGRAMME_MANAGER)
    db.session.commit()
    return plan_tree


def test_due_soon_goes_to_the_responsible_person_and_the_leads_once(plan, db):
    result, _ = reminder_sweep.sweep(at(date(2020, 9, 9)))
    assert result.created_total == 0  # 15 working days before: nothing yet
    result, _ = reminder_sweep.sweep(at(date(2020, 9, 10)))  # 14 working days before
    assert result.created == {"due_soon": 2}
    assert notices(db) == [("Olive Owner", "due_soon", 14), ("Lee Lead", "due_soon", 14)]
    again, _ = reminder_sweep.sweep(at(date(2020, 9, 10), 12))
    assert again.created_total == 0 and again.candidates == 2
    first = db.session.scalars(select(Notification)).first()
    assert first.title == "Due in 14 working days (30/09/2020): 1.1 Supervision audit completed"
    assert first.link == f"/milestones/{plan['milestone'].id}"
    assert first.update_link == f"/milestones/{plan['milestone'].id}/updates/new"


def test_each_stage_then_overdue_weekly_then_escalation(plan, db):
    for day in (date(2020, 9, 10), date(2020, 9, 25), date(2020, 9, 30), date(2020, 10, 1), date(2020, 10, 7),
                date(2020, 10, 8), date(2020, 10, 13)):
        reminder_sweep.sweep(at(day))
    olive = [(kind, occurrence) for name, kind, occurrence in notices(db) if name == "Olive Owner"]
    assert olive == [("due_soon", 14), ("due_soon", 3), ("due_today", 0), ("overdue", 0), ("overdue", 1)]
    assert notices(db, kind=NoticeKind.ESCALATION) == []
    result, _ = reminder_sweep.sweep(at(date(2020, 10, 14)))  # 10 working days overdue
    assert result.created == {"escalation": 2}
    assert notices(db, kind=NoticeKind.ESCALATION) == [("Max Manager", "escalation", 0),
                                                       ("Pam Programme", "escalation", 0)]


def test_milestones_are_swept_a_slice_of_ids_at_a_time_every_notice_once(plan, db, monkeypatch):
    """With slices of one milestone id, two milestones due on the same day are each reminded about, in their own
    slice, and the next sweep finds each slice's notices already written."""
    second = Milestone(action=plan["action"], deliverable="Practice standards published", responsible=plan["lead"],
                       status=MilestoneStatus.IN_PROGRESS, due_kind="date", due_on=date(2020, 9, 30),
                       due_raw="30/09/20")
    db.session.add(second)
    db.session.commit()
    monkeypatch.setattr(reminder_sweep, "MILESTONE_SLICE", 1)
    result, _ = reminder_sweep.sweep(at(date(2020, 9, 10)))
    assert result.created == {"due_soon": 3} and result.candidates == 3
    assert notices(db) == [("Olive Owner", "due_soon", 14), ("Lee Lead", "due_soon", 14), ("Lee Lead", "due_soon", 14)]
    again, _ = reminder_sweep.sweep(at(date(2020, 9, 10), 12))
    assert again.created_total == 0 and again.candidates == 3


def test_a_weekend_is_skipped_and_the_next_working_day_catches_up(plan, db):
    assert not reminder_sweep.sweep(at(date(2020, 9, 26)))[0].working_day  # a Saturday: nothing
    assert notices(db) == []
    reminder_sweep.sweep(at(date(2020, 9, 28)))  # Monday: the 3-day stage (25/09) is still relevant; 14 is not sent
    assert notices(db, recipient_id=plan["owner"].id) == [("Olive Owner", "due_soon", 3)]
    late = db.session.scalars(select(Notification).where(Notification.recipient == plan["owner"])).one()
    assert late.title == "Due in 2 working days (30/09/2020): 1.1 Supervision audit completed"  # as it really is


def test_a_completed_milestone_gets_nothing_more(plan, db):
    reminder_sweep.sweep(at(date(2020, 9, 10)))
    plan["milestone"].status, plan["milestone"].completed_on = MilestoneStatus.COMPLETE, date(2020, 9, 11)
    db.session.commit()
    delivered = outbox.deliver(at(date(2020, 9, 11)))
    assert (delivered.skipped, delivered.sent) == (2, 0)
    assert {n.email_state for n in db.session.scalars(select(Notification))} == {EmailState.SKIPPED}
    for day in (date(2020, 9, 30), date(2020, 10, 1), date(2020, 10, 14)):
        assert reminder_sweep.sweep(at(day))[0].candidates == 0


def test_a_revised_due_date_starts_its_own_reminders(plan, db):
    reminder_sweep.sweep(at(date(2020, 9, 28)))
    plan["milestone"].due_on = date(2020, 11, 30)
    db.session.commit()
    assert outbox.deliver(at(date(2020, 9, 28), 8)).skipped == 2  # about the old date
    assert reminder_sweep.sweep(at(date(2020, 11, 25)))[0].created == {"due_soon": 2}


def test_preferences_a_weekly_digest_and_what_always_goes(plan, db):
    plan["lead"].email_preference = EmailPreference.WEEKLY
    plan["programme_manager"].email_preference = EmailPreference.NONE
    db.session.commit()
    reminder_sweep.sweep(at(date(2020, 9, 10)))
    states = {n.recipient.name: n.email_state for n in db.session.scalars(select(Notification))}
    assert states == {"Olive Owner": EmailState.PENDING, "Lee Lead": EmailState.HELD}
    result, _ = reminder_sweep.sweep(at(date(2020, 9, 14)))  # Monday morning
    assert result.digests == 1
    [digest] = db.session.scalars(select(Notification).where(Notification.kind == NoticeKind.DIGEST))
    assert digest.recipient == plan["lead"] and digest.email_state == EmailState.PENDING
    held = db.session.scalars(select(Notification).where(Notification.digest_id == digest.id)).all()
    assert [n.email_state for n in held] == [EmailState.IN_DIGEST]
    assert reminder_sweep.sweep(at(date(2020, 9, 14), 12))[0].digests == 0  # once a week
    late = Notification(recipient=plan["lead"], kind=NoticeKind.UPDATE_REQUEST, subject_type="meeting", subject_id=9,
                        due_on=date(2020, 9, 30), title="Held after the digest", link="/my-work",
                        created_at=at(date(2020, 9, 14), 13), email_state=EmailState.HELD)
    db.session.add(late)
    db.session.commit()
    reminder_sweep.sweep(at(date(2020, 9, 14), 14))
    assert late.email_state == EmailState.HELD and late.digest_id is None  # kept for next week's digest
    reminder_sweep.sweep(at(date(2020, 10, 14)))
    escalation = db.session.scalars(select(Notification).where(Notification.kind == NoticeKind.ESCALATION,
                                                               Notification.recipient == plan["programme_manager"]))
    assert escalation.one().email_state == EmailState.PENDING  # escalations are e-mailed whatever the preference


def test_people_without_an_address_are_told_in_the_service_only(plan, db):
    plan["owner"].email = None
    db.session.commit()
    reminder_sweep.sweep(at(date(2020, 9, 10)))
    olive = db.session.scalars(select(Notification).where(Notification.recipient == plan["owner"])).one()
    assert olive.email_state == EmailState.NOT_EMAILED


def test_update_requests_before_a_meeting_and_a_nudge_for_stale_work(plan, db):
    db.session.add(Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=date(2020, 9, 30),
                           update_deadline=date(2020, 9, 17), report_deadline=date(2020, 9, 17)))
    db.session.commit()
    reminder_sweep.sweep(at(date(2020, 9, 10)))  # 5 working days before the deadline
    assert notices(db, kind=NoticeKind.UPDATE_REQUEST) == [("Olive Owner", "update_request", 0),
                                                           ("Lee Lead", "update_request", 0)]
    request = db.session.scalars(select(Notification).where(Notification.kind == NoticeKind.UPDATE_REQUEST)).first()
    assert request.title == ("Please update your milestones by Thursday 17 September 2020, for the Improvement Board "
                             "on 30 September 2020")
    plan["milestone"].latest_update_on = date(2020, 9, 15)  # updated in this cycle: no nudge
    db.session.commit()
    assert reminder_sweep.sweep(at(date(2020, 9, 16)))[0].created == {}
    plan["milestone"].latest_update_on = date(2020, 8, 1)  # older than the last cycle
    db.session.commit()
    reminder_sweep.sweep(at(date(2020, 9, 16), 12))
    assert notices(db, kind=NoticeKind.UPDATE_NUDGE) == [("Olive Owner", "update_nudge", 0),
                                                         ("Lee Lead", "update_nudge", 0)]


def test_audits_allocated_and_recommendations_due(db, make_person):
    setting = allocated_audit(db, make_person)  # allocated on 10/03/2021, round of March 2021
    audit = setting["audit"]
    audit.recommendations = [SmartRecommendation(position=0, what="Update the chronology", owner=setting["team_manager"],
                                                 due_on=date(2021, 3, 31))]
    db.session.commit()
    reminder_sweep.sweep(at(date(2021, 3, 10)))
    assert notices(db) == [("Ari Auditor", "allocated", 0)]
    reminder_sweep.sweep(at(date(2021, 3, 26)))  # 3 working days before the month ends
    assert notices(db)[1:] == [("Tara Manager", "due_soon", 3), ("Ari Auditor", "due_soon", 3)]
    reminder_sweep.sweep(at(date(2021, 4, 1)))
    assert [kind for _, kind, _ in notices(db)[3:]] == ["overdue", "overdue"]


def test_a_dry_run_writes_nothing(plan, db):
    result, fresh = reminder_sweep.sweep(at(date(2020, 9, 10)), dry_run=True)
    assert result.created == {"due_soon": 2} and len(fresh) == 2
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_command_dry_run_lists_and_writes_nothing_then_sends(plan, app, db):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["reminders", "send-due", "--dry-run", "--now", "2020-09-10T07:00"])
    assert dry.exit_code == 0, dry.output
    assert "Would create 2 notices (2 due soon) of 2 relevant today." in dry.output
    assert "due_soon        to Olive Owner: Due in 14 working days (30/09/2020)" in dry.output
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    real = runner.invoke(args=["reminders", "send-due", "--now", "2020-09-10T07:00"])
    assert "Created 2 notices" in real.output and "Sent 2 notices in 2 e-mails" in real.output
    weekend = runner.invoke(args=["reminders", "send-due", "--now", "2020-09-12"])
    assert "Saturday 12/09/2020 is not a working day" in weekend.output


def test_the_scheduler_has_its_jobs_and_each_runs_in_the_app(plan, app, db):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"send-due", "deliver", "security-log-retention", "forget-form-posts",
                         "milestone-facts", "database-statistics"}  # and identity retention,
    # when set
    assert jobs["deliver"].trigger.interval.total_seconds() == 60
    assert jobs["security-log-retention"].trigger.interval.days == 1
    app.config["AS_OF_DATE"] = date(2020, 9, 10)  # the scheduler runs on the service's "today"
    jobs["send-due"].func()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2
    [run] = db.session.scalars(select(SchedulerRun)).all()
    assert (run.job, run.created, run.sent, run.error) == ("send-due", 2, 2, None)
