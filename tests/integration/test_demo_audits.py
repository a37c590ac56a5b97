"""The synthetic case-file audits `flask demo load` creates: counts, the allocation rule, moderation, the demo
logins' audits, findings in plausible shares, and that loading again changes nothing.

The demo is loaded once for the whole module (it takes a few seconds), on its own app and database."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app import create_app
from app.demo import DEMO_PASSWORD
from app.demo.audits import DEMO_DATE, MONTHS
from app.extensions import db as _db
from app.models import (
    Audit,
    AuditAnswer,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    AuditState,
    ChangeRecord,
    Grade,
    LearningPoint,
    Moderation,
    ModerationGrade,
    Person,
    PoolCase,
    Role,
    RoundKind,
    SafeguardingAlert,
    SmartRecommendation,
    Team,
)
from app.services.audits.findings import FindingsFilter, findings

DONE = (AuditState.SUBMITTED, AuditState.MODERATED, AuditState.CLOSED)
TABLES = (Team, Person, PoolCase, AuditRound, Audit, AuditAnswer, AuditElementGrade, AuditRecord, SmartRecommendation,
          LearningPoint, SafeguardingAlert, Moderation, ModerationGrade, ChangeRecord)


def count(model, *conditions) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def table_counts() -> dict[str, int]:
    return {model.__tablename__: count(model) for model in TABLES}


@pytest.fixture(scope="module")
def demo():
    app = create_app("testing")
    app.config["AS_OF_DATE"] = DEMO_DATE
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        runner = app.test_cli_runner()
        first = runner.invoke(args=["demo", "load"])
        assert first.exit_code == 0, first.output
        after_first = table_counts()
        second = runner.invoke(args=["demo", "load"])
        assert second.exit_code == 0, second.output
        yield {"app": app, "first": first.output, "second": second.output, "after_first": after_first}
        _db.session.remove()
        _db.drop_all()


def test_six_monthly_rounds_of_about_forty_audits(demo):
    assert "Loaded synthetic case-file audits" in demo["first"] and "240 audits" in demo["first"]
    rounds = _db.session.scalars(select(AuditRound).order_by(AuditRound.month)).all()
    assert [r.month for r in rounds] == list(MONTHS) == [date(2020, month, 1) for month in range(1, 7)]
    assert {r.kind for r in rounds} == {RoundKind.ROUTINE} and all(r.seed is not None for r in rounds)
    assert [len(r.audits) for r in rounds] == [40] * 6
    assert count(PoolCase) == 600
    completed = count(Audit, Audit.state.in_(DONE))
    assert 220 <= completed < 240  # most submitted; some of the latest round still open


def test_synthetic_cases_and_people(demo):
    references = _db.session.scalars(select(PoolCase.reference)).all()
    assert all(re.fullmatch(r"CF-\d{5}", reference) for reference in references)
    assert count(PoolCase, PoolCase.team_manager_id.is_(None) | PoolCase.service_manager_id.is_(None)) == 0
    assert count(AuditRecord, AuditRecord.child_name.is_not(None) | AuditRecord.child_date_of_birth.is_not(None)) == 0
    auditors = _db.session.scalars(select(Person).where(Person.id.in_(select(Audit.auditor_id)))).all()
    assert 10 <= len(auditors) <= 12
    assert all(person.role == Role.AUDITOR and person.team_id for person in auditors)
    synthetic = [person for person in auditors if not person.name.startswith("Demo ")]
    assert all(person.password_hash is None and person.email.endswith("@council.example") for person in synthetic)


def test_no_auditor_audits_their_own_teams_case(demo):
    own_team = (select(func.count()).select_from(Audit).join(PoolCase, Audit.case_id == PoolCase.id)
                .join(Person, Audit.auditor_id == Person.id).where(Person.team_id == PoolCase.team_id))
    assert _db.session.scalar(own_team) == 0
    assert count(Audit, Audit.allocation_override_reason.is_not(None)) == 0


def test_completed_audits_answer_every_standard_and_grade_every_element(demo):
    completed = count(Audit, Audit.state.in_(DONE))
    done_ids = select(Audit.id).where(Audit.state.in_(DONE))
    assert count(AuditAnswer, AuditAnswer.audit_id.in_(done_ids)) == 68 * completed
    assert count(AuditElementGrade, AuditElementGrade.audit_id.in_(done_ids), AuditElementGrade.grade.is_not(None)) \
        == 9 * completed
    assert count(AuditRecord, AuditRecord.audit_id.in_(done_ids), AuditRecord.overall_grade.is_not(None)) == completed


def test_about_a_fifth_moderated_each_month(demo):
    for audit_round in _db.session.scalars(select(AuditRound)):
        done = [audit for audit in audit_round.audits if audit.state in DONE]
        chosen = count(Moderation, Moderation.audit_id.in_([audit.id for audit in done]))
        assert 0.15 <= chosen / len(done) <= 0.25, audit_round.title
    changed = count(ModerationGrade, ModerationGrade.grade != ModerationGrade.original_grade)
    assert 0.08 <= changed / count(ModerationGrade) <= 0.22


def test_the_demo_logins_have_audits_to_do_and_moderate(demo):
    client = demo["app"].test_client()
    latest = _db.session.scalar(select(AuditRound).order_by(AuditRound.month.desc()).limit(1))
    auditor = _db.session.scalar(select(Person).where(Person.email == "auditor@council.example"))
    mine = {audit.state for audit in latest.audits if audit.auditor_id == auditor.id}
    assert mine == {AuditState.ALLOCATED, AuditState.IN_PROGRESS}
    qa_lead = _db.session.scalar(select(Person).where(Person.email == "qa.lead@council.example"))
    waiting = _db.session.scalars(select(Moderation).where(Moderation.moderator_id == qa_lead.id,
                                                           Moderation.completed_at.is_(None))).all()
    assert len(waiting) == 2

    client.post("/login", data={"email": auditor.email, "password": DEMO_PASSWORD})
    for audit in latest.audits:
        if audit.auditor_id == auditor.id:
            assert client.get(f"/audits/{audit.id}/edit").status_code == 200
    client.post("/logout")
    client.post("/login", data={"email": qa_lead.email, "password": DEMO_PASSWORD})
    assert client.get(f"/audits/moderations/{waiting[0].id}").status_code == 200
    page = client.get("/audits/findings?from=01/2020&to=06/2020")
    assert page.status_code == 200 and b"audits</strong> completed of" in page.data


def test_findings_over_the_six_months_are_plausible(demo):
    result = findings(FindingsFilter(MONTHS[0], MONTHS[-1]), DEMO_DATE)
    assert result.allocated == 240 and result.completion.percent >= 90
    overall = result.overall
    assert sum(share.n for share in overall.values()) == result.completed
    assert 40 <= overall[Grade.GOOD].percent <= 80
    assert overall[Grade.REQUIRES_IMPROVEMENT].percent >= 10
    assert overall[Grade.INADEQUATE].n > 0 and overall[Grade.OUTSTANDING].n > 0
    assert [number for number, _, _ in result.by_element] == [f"5.{n}" for n in range(1, 10)]
    assert len(result.most_often_no) == 10 and 15 <= result.most_often_no[0][2].percent <= 60
    assert [month for month, _ in result.by_month] == list(MONTHS)
    assert all(40 <= share.percent <= 95 for _, share in result.by_month)
    changed = sum(share.n for _, share in result.changed_by_element)
    assert 0.08 <= changed / sum(share.total for _, share in result.changed_by_element) <= 0.22
    assert len(result.changed_by_auditor) >= 8
    assert 0 < result.recommendations_overdue < result.recommendations_open
    assert result.learning_themes and result.learning_themes[0].audits > 1  # the demo's points repeat


def test_loading_again_adds_nothing(demo):
    assert "Already loaded: synthetic case-file audits" in demo["second"]
    assert table_counts() == demo["after_first"]
