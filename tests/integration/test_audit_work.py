"""Doing an audit: drafts that keep everything, submission checks, the overall-grade warning, immediate
safeguarding alerts, and access (an auditor cannot read another team's audit; every view is logged)."""

from datetime import date

import pytest
from sqlalchemy import select

from app.models import Answer, AuditAccess, AuditState, ChangeRecord, Grade, Role
from app.services.audits import work as audit_work
from app.services.audits.work import AuditDraft, ElementEntry, Learning, Recommendation
from app.services.errors import DomainError, NotAllowedError
from tests.integration.audit_setting import NOW, allocated_audit


@pytest.fixture
def setting(db, make_person):
    return allocated_audit(db, make_person)


def complete_draft(audit, overall=Grade.GOOD) -> AuditDraft:
    tool = audit.tool
    return AuditDraft(
        record={"overall_grade": overall, "summary": "Risks well managed", "completed_with_worker": True,
                "child_name": "Synthetic Child", "case_overview": "Referral after school concern"},
        completed_on=date(2021, 3, 9),
        answers={standard.id: Answer.YES for element in tool.elements for standard in element.standards},
        elements={element.id: ElementEntry(Grade.GOOD, f"Comment on {element.number}") for element in tool.elements},
        recommendations=[Recommendation(what="Update the chronology", owner_id=None, who="Social worker",
                                        due_on=date(2021, 4, 9))],
        learning_points=[Learning("Chronologies are often out of date", how="Brief the teams", who="Principal Social Worker",
                                  due_on=date(2021, 4, 30))],
    )


def save(setting, draft, collect_identity=True):
    audit = setting["audit"]
    return audit_work.save_draft(audit, draft, version=audit.version, actor=setting["auditor"], now=NOW,
                                 collect_identity=collect_identity)


def test_a_partial_draft_is_kept_and_starts_the_audit(setting):
    audit = setting["audit"]
    first = audit.tool.elements[0]
    draft = AuditDraft(record={"case_overview": "Half written"},
                       answers={first.standards[0].id: Answer.NO, first.standards[1].id: Answer.NOT_APPLICABLE},
                       elements={first.id: ElementEntry(None, "Started")})
    save(setting, draft)
    assert audit.state == AuditState.IN_PROGRESS
    assert audit.record.case_overview == "Half written"
    assert sorted(a.answer for a in audit.answers) == [Answer.NO, Answer.NOT_APPLICABLE]
    assert "Grade element 5.1" in audit_work.missing_for_submission(audit)


def test_submission_needs_every_standard_and_grade(setting):
    audit = setting["audit"]
    draft = complete_draft(audit)
    last = audit.tool.elements[-1]
    del draft.answers[last.standards[0].id]
    save(setting, draft)
    with pytest.raises(DomainError, match=r"Answer every key standard in 5.9 \(1 not answered\)"):
        audit_work.submit(audit, actor=setting["auditor"], now=NOW)
    save(setting, complete_draft(audit))
    audit_work.submit(audit, actor=setting["auditor"], now=NOW)
    assert audit.state == AuditState.SUBMITTED
    with pytest.raises(DomainError, match="can no longer be changed"):
        save(setting, complete_draft(audit))


def test_child_identity_is_not_kept_when_switched_off(setting):
    save(setting, complete_draft(setting["audit"]), collect_identity=False)
    assert setting["audit"].record.child_name is None


def test_history_records_changes_but_never_the_childs_name(setting, db):
    audit = setting["audit"]
    save(setting, complete_draft(audit))
    changed = complete_draft(audit, overall=Grade.REQUIRES_IMPROVEMENT)
    save(setting, changed)
    records = db.session.scalars(select(ChangeRecord).where(ChangeRecord.entity_type == "audit",
                                                            ChangeRecord.entity_id == audit.id)).all()
    assert ("overall_grade", "good", "requires_improvement") in {(r.field, r.old_value, r.new_value) for r in records}
    assert all("Synthetic Child" not in (r.new_value or "") for r in records)
    assert any(r.field == "child_name" and r.new_value == "changed" for r in records)


def test_a_stale_draft_is_refused(setting):
    audit = setting["audit"]
    save(setting, complete_draft(audit))
    with pytest.raises(DomainError, match="changed by someone else"):
        audit_work.save_draft(audit, complete_draft(audit), version=audit.version - 1, actor=setting["auditor"],
                              now=NOW, collect_identity=True)


def test_immediate_safeguarding_actions_alert_both_managers_at_once(setting):
    audit = setting["audit"]
    draft = complete_draft(audit)
    draft.record["immediate_actions"] = "Strategy discussion today"
    alerts = save(setting, draft)
    assert {alert.recipient.name for alert in alerts} == {"Tara Manager", "Sid Service"}
    assert save(setting, draft) == []  # saving again does not alert twice


@pytest.mark.parametrize(
    ("elements", "overall", "warning"),
    [
        ([Grade.GOOD] * 9, Grade.GOOD, None),
        ([Grade.GOOD] * 8 + [Grade.REQUIRES_IMPROVEMENT], Grade.REQUIRES_IMPROVEMENT, None),
        ([Grade.GOOD] * 9, Grade.OUTSTANDING, "better than every element"),
        ([Grade.GOOD] * 9, Grade.INADEQUATE, "worse than every element"),
        ([Grade.OUTSTANDING, Grade.GOOD, Grade.GOOD, Grade.GOOD, Grade.INADEQUATE], Grade.INADEQUATE,
         "far from the middle element grade (Good)"),
        ([None, None], Grade.GOOD, None),
    ],
)
def test_overall_grade_warning(elements, overall, warning):
    result = audit_work.overall_grade_warning(elements, overall)
    assert (result is None) if warning is None else warning in result


def test_only_the_auditor_qa_leads_and_the_cases_managers_see_an_audit(setting, make_person, db):
    audit = setting["audit"]
    other_auditor = make_person("Oli Other", Role.AUDITOR)
    other_auditor.team = setting["north"]
    db.session.commit()
    for person in (setting["auditor"], setting["qa_lead"], setting["team_manager"], setting["service_manager"]):
        audit_work.open_audit(audit, person, kind="view", now=NOW)
    for person in (other_auditor, make_person("Pat Manager", Role.PROGRAMME_MANAGER)):
        with pytest.raises(NotAllowedError):
            audit_work.open_audit(audit, person, kind="view", now=NOW)
    views = db.session.scalars(select(AuditAccess).where(AuditAccess.audit_id == audit.id)).all()
    assert len(views) == 4 and {v.kind for v in views} == {"view"}


def test_only_the_auditor_writes_the_audit(setting):
    audit = setting["audit"]
    with pytest.raises(NotAllowedError):
        audit_work.save_draft(audit, complete_draft(audit), version=audit.version, actor=setting["qa_lead"], now=NOW,
                              collect_identity=True)


def test_recommendations_become_tracked_items_and_learning_points_are_kept(setting):
    audit = setting["audit"]
    save(setting, complete_draft(audit))
    [recommendation] = audit.recommendations
    assert (recommendation.what, recommendation.who, recommendation.due_on, recommendation.status.value) == (
        "Update the chronology", "Social worker", date(2021, 4, 9), "open")
    assert [(p.text, p.how, p.who, p.due_on) for p in audit.learning_points] == [
        ("Chronologies are often out of date", "Brief the teams", "Principal Social Worker", date(2021, 4, 30))]
    draft = complete_draft(audit)
    draft.recommendations.append(Recommendation(what="Hold a family group conference", due_on=date(2021, 5, 1)))
    save(setting, draft)
    assert [r.what for r in audit.recommendations] == ["Update the chronology", "Hold a family group conference"]
    assert audit.recommendations[0].id == recommendation.id  # the tracked item is kept, not replaced
