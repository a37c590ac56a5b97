"""Moderation keeps the auditor's grades beside the moderator's, and a random sample is reproducible by its seed."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import (
    Answer,
    AuditGradeTally,
    AuditStandardTally,
    AuditState,
    Grade,
    PoolCase,
    Role,
    RoundKind,
    Team,
)
from app.services.audits import moderation
from app.services.audits import rounds as audit_rounds
from app.services.audits import tallies as audit_tallies
from app.services.audits import work as audit_work
from app.services.audits.findings import FindingsFilter, Share, findings
from app.services.audits.moderation import ElementDecision
from app.services.audits.rounds import SelectionCriteria
from app.services.audits.tool import load_tool
from app.services.audits.work import AuditDraft, ElementEntry
from app.services.errors import DomainError, NotAllowedError

NOW = datetime(2021, 3, 20, 9, 0)


def submitted_audit(audit_round, case, auditor, qa_lead):
    audit = audit_rounds.allocate(audit_round, case, auditor, override_reason=None, actor=qa_lead, now=NOW)
    tool = audit.tool
    draft = AuditDraft(record={"overall_grade": Grade.GOOD, "summary": "s", "completed_with_worker": True},
                       completed_on=date(2021, 3, 19),
                       answers={s.id: Answer.YES for e in tool.elements for s in e.standards},
                       elements={e.id: ElementEntry(Grade.GOOD, "") for e in tool.elements})
    audit_work.save_draft(audit, draft, version=audit.version, actor=auditor, now=NOW, collect_identity=False)
    audit_work.submit(audit, actor=auditor, now=NOW)
    return audit


@pytest.fixture
def round_with_submissions(db, make_person):
    load_tool(now=NOW)
    team = Team(name="Safeguarding North")
    db.session.add_all([PoolCase(reference=f"C{n}", team=team, added_at=NOW) for n in range(10)])
    db.session.commit()
    qa_lead, auditor = make_person("Quinn QA", Role.QA_LEAD), make_person("Ari Auditor", Role.AUDITOR)
    audit_round = audit_rounds.create_round(kind=RoundKind.ROUTINE, month=date(2021, 3, 1), title="March", theme=None,
                                      criteria=SelectionCriteria(), criteria_text="", sample_size=10, seed=3,
                                      actor=qa_lead, now=NOW)
    done = [submitted_audit(audit_round, s.case, auditor, qa_lead) for s in audit_round.selections]
    return {"round": audit_round, "audits": done, "qa_lead": qa_lead, "auditor": auditor,
            "moderator": make_person("Mo Moderator", Role.QA_LEAD)}


def test_a_random_share_is_reproducible_by_its_seed(round_with_submissions, db):
    r = round_with_submissions
    picked = moderation.choose_sample(r["round"], share=0.3, audit_ids=None, seed=5, moderator=r["moderator"],
                                      actor=r["qa_lead"], now=NOW)
    ids = [m.audit_id for m in picked]
    assert len(ids) == 3
    for m in picked:
        db.session.delete(m)
    db.session.commit()
    again = moderation.choose_sample(r["round"], share=0.3, audit_ids=None, seed=5, moderator=r["moderator"],
                                     actor=r["qa_lead"], now=NOW)
    assert [m.audit_id for m in again] == ids


def test_chosen_audits_and_who_may_choose(round_with_submissions):
    r = round_with_submissions
    with pytest.raises(NotAllowedError):
        moderation.choose_sample(r["round"], share=None, audit_ids=[r["audits"][0].id], seed=None,
                                 moderator=r["moderator"], actor=r["auditor"], now=NOW)
    with pytest.raises(DomainError, match="completed one of these audits"):
        moderation.choose_sample(r["round"], share=None, audit_ids=[r["audits"][0].id], seed=None,
                                 moderator=r["auditor"], actor=r["qa_lead"], now=NOW)
    [m] = moderation.choose_sample(r["round"], share=None, audit_ids=[r["audits"][0].id], seed=None,
                                   moderator=r["moderator"], actor=r["qa_lead"], now=NOW)
    assert m.audit_id == r["audits"][0].id and m.seed is None


def test_moderation_keeps_the_auditors_grades(round_with_submissions):
    r = round_with_submissions
    [m] = moderation.choose_sample(r["round"], share=None, audit_ids=[r["audits"][0].id], seed=None,
                                   moderator=r["moderator"], actor=r["qa_lead"], now=NOW)
    audit = m.audit
    elements = {e.id: ElementDecision(Grade.GOOD) for e in audit.tool.elements}
    first = audit.tool.elements[0]
    elements[first.id] = ElementDecision(Grade.REQUIRES_IMPROVEMENT, "")
    with pytest.raises(DomainError, match="Say why the grade for 5.1 is changed"):
        moderation.record(m, elements=elements, overall_grade=Grade.GOOD, overall_reason="", actor=r["moderator"],
                          now=NOW)
    elements[first.id] = ElementDecision(Grade.REQUIRES_IMPROVEMENT, "Risk assessment not updated after incident")
    moderation.record(m, elements=elements, overall_grade=Grade.GOOD, overall_reason="", actor=r["moderator"], now=NOW)
    assert audit.state == AuditState.MODERATED
    assert {g.element_id: g.grade for g in audit.element_grades}[first.id] == Grade.GOOD  # the auditor's, unchanged
    changed = [g for g in m.grades if g.changed]
    assert [(g.original_grade, g.grade) for g in changed] == [(Grade.GOOD, Grade.REQUIRES_IMPROVEMENT)]


def test_moderation_pages(round_with_submissions, client, login, db):
    r = round_with_submissions
    audit = r["audits"][0]
    login(r["qa_lead"])
    client.post(f"/audits/rounds/{r['round'].id}/moderation",
                data={"moderator_id": r["moderator"].id, "audit_ids": [audit.id]})
    from app.models import Moderation

    item = db.session.scalar(select(Moderation).where(Moderation.audit_id == audit.id))
    login(r["moderator"])
    form = {f"grade_{e.id}": "good" for e in audit.tool.elements}
    first = audit.tool.elements[0]
    form[f"grade_{first.id}"] = "inadequate"
    refused = client.post(f"/audits/moderations/{item.id}", data={**form, "overall_grade": "good"})
    html = refused.get_data(as_text=True)
    assert "Say why the grade for 5.1 is changed" in html and 'value="inadequate" checked' in html
    client.post(f"/audits/moderations/{item.id}", data={**form, f"reason_{first.id}": "No safety plan",
                                                        "overall_grade": "good"})
    db.session.expire_all()
    assert audit.state == AuditState.MODERATED
    assert [(g.original_grade, g.grade) for g in item.grades if g.changed] == [(Grade.GOOD, Grade.INADEQUATE)]
    html = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert "1 of 9 element grades changed" in html and "No safety plan" in html
    recorded = client.get(f"/audits/moderations/{item.id}").get_data(as_text=True)
    assert 'value="inadequate" checked' in recorded and "No safety plan" in recorded


def _tallies(db) -> list:
    standards = db.session.execute(select(AuditStandardTally.standard_id, AuditStandardTally.yes, AuditStandardTally.no,
                                          AuditStandardTally.not_applicable).order_by(AuditStandardTally.standard_id))
    grades = db.session.execute(select(AuditGradeTally.element_id, AuditGradeTally.grade, AuditGradeTally.audits)
                                .order_by(AuditGradeTally.element_id, AuditGradeTally.grade))
    return [tuple(row) for row in standards] + [tuple(row) for row in grades]


def test_findings_follow_each_submission_return_and_moderation(round_with_submissions, db):
    r = round_with_submissions
    march = FindingsFilter(date(2021, 3, 1), date(2021, 3, 1))
    assert findings(march, NOW.date()).overall[Grade.GOOD] == Share(10, 10)
    returned, moderated = r["audits"][0], r["audits"][1]
    audit_rounds.move(returned, AuditState.IN_PROGRESS, actor=r["qa_lead"], now=NOW, note="Add the chronology")
    [m] = moderation.choose_sample(r["round"], share=None, audit_ids=[moderated.id], seed=None,
                                   moderator=r["moderator"], actor=r["qa_lead"], now=NOW)
    elements = {e.id: ElementDecision(Grade.GOOD) for e in moderated.tool.elements}
    first = moderated.tool.elements[0]
    elements[first.id] = ElementDecision(Grade.INADEQUATE, "No safety plan")
    moderation.record(m, elements=elements, overall_grade=Grade.REQUIRES_IMPROVEMENT, overall_reason="Drift",
                      actor=r["moderator"], now=NOW)
    result = findings(march, NOW.date())
    assert result.completion == Share(9, 10)
    assert result.overall[Grade.GOOD] == Share(8, 9) and result.overall[Grade.REQUIRES_IMPROVEMENT] == Share(1, 9)
    assert result.by_element[0][2][Grade.INADEQUATE] == Share(1, 9)
    assert result.by_month == [(date(2021, 3, 1), Share(8, 9))]
    kept = _tallies(db)
    audit_tallies.recount_all()  # counting everything again from the audits gives the same totals
    assert _tallies(db) == kept
