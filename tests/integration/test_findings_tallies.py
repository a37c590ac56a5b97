"""The findings' running totals kept as audits change are the totals counted from scratch from the audits: after
each change made through the services (allocation, submission, return to the auditor, moderation changing grades,
a recommendation closed, a learning point made a plan action, a case moved to another team, an audit closed)."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.models import Answer, AuditState, Grade, PoolCase, Role, RoundKind, Team
from app.services.audits import moderation
from app.services.audits import pool as audit_pool
from app.services.audits import rounds as audit_rounds
from app.services.audits import tallies as audit_tallies
from app.services.audits import work as audit_work
from app.services.audits.findings import FindingsFilter, Share, findings
from app.services.audits.moderation import ElementDecision
from app.services.audits.rounds import CASE_FLAGS, SelectionCriteria
from app.services.audits.tool import load_tool
from app.services.audits.work import AuditDraft, ElementEntry, Learning, Recommendation

NOW = datetime(2021, 3, 20, 9, 0)
MARCH = FindingsFilter(date(2021, 3, 1), date(2021, 3, 1))
GRADES = [Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE, Grade.OUTSTANDING, Grade.GOOD, Grade.GOOD]


def _draft(tool, n: int) -> AuditDraft:
    standards = [s for e in tool.elements for s in e.standards]
    answers = {s.id: [Answer.YES, Answer.NO, Answer.NOT_APPLICABLE][(s.id + n) % 3 if n % 2 else 0] for s in standards}
    return AuditDraft(
        record={"overall_grade": GRADES[n], "summary": "s", "completed_with_worker": True},
        completed_on=date(2021, 3, 19), answers=answers,
        elements={e.id: ElementEntry(GRADES[(n + i) % len(GRADES)], "") for i, e in enumerate(tool.elements)},
        recommendations=[Recommendation(f"Review the plan {n}", due_on=date(2021, 3, 1 + n)),
                         Recommendation("Update the chronology", due_on=date(2021, 4, 30))],
        learning_points=[Learning("  Chronologies are out of date "), Learning(f"Theme {n % 2}")])


@pytest.fixture
def audits(db, make_person, plan_tree):
    load_tool(now=NOW)
    north, south = Team(name="North"), Team(name="South")
    db.session.add_all([PoolCase(reference=f"C{n}", team=north if n < 3 else south, added_at=NOW) for n in range(6)])
    db.session.commit()
    qa_lead = make_person("Quinn QA", Role.QA_LEAD)
    auditors = [make_person("Ari Auditor", Role.AUDITOR), make_person("Bo Auditor", Role.AUDITOR)]
    audit_round = audit_rounds.create_round(kind=RoundKind.ROUTINE, month=date(2021, 3, 1), title="March", theme=None,
                                            criteria=SelectionCriteria(), criteria_text="", sample_size=6, seed=3,
                                            actor=qa_lead, now=NOW)
    allocated = [audit_rounds.allocate(audit_round, s.case, auditors[n % 2], override_reason=None, actor=qa_lead,
                                       now=NOW) for n, s in enumerate(sorted(audit_round.selections,
                                                                             key=lambda s: s.case.reference))]
    return {"audits": allocated, "round": audit_round, "qa_lead": qa_lead, "area": plan_tree["area"],
            "moderator": make_person("Mo Moderator", Role.QA_LEAD),
            "manager": make_person("Pat Manager", Role.PROGRAMME_MANAGER)}


def _kept(db) -> dict:
    """Every table of totals, its rows as tuples without the row ids, in order."""
    kept = {}
    for model in audit_tallies.TALLIES:
        columns = [column for column in model.__table__.columns if column.name != "id"]
        kept[model.__tablename__] = sorted((tuple(row) for row in db.session.execute(select(*columns))), key=repr)
    return kept


def assert_as_counted_from_scratch(db) -> None:
    kept, shown = _kept(db), findings(MARCH, NOW.date())
    audit_tallies.recount_all()
    assert _kept(db) == kept
    assert findings(MARCH, NOW.date()) == shown


def test_totals_follow_every_change_as_a_recount_would(audits, db):
    people = audits
    assert_as_counted_from_scratch(db)
    assert findings(MARCH, NOW.date()).completion == Share(0, 6)
    for n, audit in enumerate(audits["audits"][:5]):
        actor = db.session.get(type(people["qa_lead"]), audit.auditor_id)
        audit_work.save_draft(audit, _draft(audit.tool, n), version=audit.version, actor=actor, now=NOW,
                              collect_identity=False)
        if n < 4:
            audit_work.submit(audit, actor=actor, now=NOW)
        assert_as_counted_from_scratch(db)
    first, second, third = audits["audits"][:3]
    result = findings(MARCH, NOW.date())
    assert result.completion == Share(4, 6)
    assert (result.recommendations_open, result.recommendations_overdue) == (8, 4)
    assert result.learning_themes[0].text == "Chronologies are out of date" and result.learning_themes[0].audits == 4

    audit_rounds.move(third, AuditState.IN_PROGRESS, actor=people["qa_lead"], now=NOW, note="Add the chronology")
    assert_as_counted_from_scratch(db)

    [chosen] = moderation.choose_sample(audits["round"], share=None, audit_ids=[second.id], seed=None,
                                        moderator=people["moderator"], actor=people["qa_lead"], now=NOW)
    decisions = {grade.element_id: ElementDecision(grade.grade) for grade in second.element_grades}
    changed = second.tool.elements[0]
    decisions[changed.id] = ElementDecision(Grade.INADEQUATE, "No safety plan")
    moderation.record(chosen, elements=decisions, overall_grade=Grade.INADEQUATE, overall_reason="Drift",
                      actor=people["moderator"], now=NOW)
    assert_as_counted_from_scratch(db)
    result = findings(MARCH, NOW.date())
    assert result.changed_by_element[0] == (changed.number, Share(1, 1))
    assert result.changed_by_auditor == [(second.auditor.name, Share(1, len(second.tool.elements)))]

    audit_work.close_recommendation(first.recommendations[0], done=True, on=NOW.date(), actor=people["qa_lead"],
                                    now=NOW)
    assert_as_counted_from_scratch(db)
    audit_work.promote_learning_point(first.learning_points[0], area=people["area"], number="1.9",
                                      what="Keep chronologies up to date", actor=people["manager"], now=NOW)
    assert_as_counted_from_scratch(db)
    assert findings(MARCH, NOW.date()).recommendations_open == 5

    case = first.case
    values = {"reference": case.reference, "team_id": audits["audits"][4].case.team_id, "allocated_worker": "",
              "team_manager_id": None, "service_manager_id": None, "plan_type": "",
              **dict.fromkeys(CASE_FLAGS, False)}
    audit_pool.correct_case(case, values, version=case.version, actor=people["qa_lead"], now=NOW)
    assert_as_counted_from_scratch(db)
    south = FindingsFilter(MARCH.first_month, MARCH.last_month, team_id=audits["audits"][4].case.team_id)
    assert findings(south, NOW.date()).completion == Share(2, 4)  # the corrected case's audit now counts for South

    audit_rounds.move(second, AuditState.CLOSED, actor=people["qa_lead"], now=NOW)
    assert_as_counted_from_scratch(db)
