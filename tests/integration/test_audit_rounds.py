"""Audit rounds: random selection within parameters (reproducible, exclusions honoured), allocation that never
gives an auditor their own team's case without a recorded reason, and the audit's states."""

from datetime import date, datetime

import pytest

from app.models import Audit, AuditRound, AuditState, PoolCase, Role, RoundKind, Team
from app.services.audits import rounds as audit_rounds
from app.services.audits.rounds import SelectionCriteria
from app.services.audits.tool import load_tool
from app.services.errors import DomainError

NOW = datetime(2021, 3, 1, 9, 0)


@pytest.fixture
def teams(db):
    north, south = Team(name="Safeguarding North"), Team(name="Safeguarding South")
    db.session.add_all([north, south])
    db.session.commit()
    return north, south


@pytest.fixture
def pool(db, teams):
    north, south = teams
    cases = [PoolCase(reference=f"C{number:04d}", team=north if number % 2 else south, plan_type="Child Protection"
                      if number % 3 else "Child in Need", neglect=number % 4 == 0, added_at=NOW)
             for number in range(1, 41)]
    db.session.add_all(cases)
    db.session.commit()
    return cases


@pytest.fixture
def qa_lead(make_person):
    return make_person("Quinn QA", Role.QA_LEAD)


def new_round(actor, criteria=SelectionCriteria(), sample_size=10, seed=42, **values):
    return audit_rounds.create_round(kind=values.get("kind", RoundKind.ROUTINE), month=date(2021, 3, 1),
                               title="March 2021", theme=values.get("theme"), criteria=criteria,
                               criteria_text="test", sample_size=sample_size, seed=seed, actor=actor, now=NOW)


def references(audit_round: AuditRound) -> list[str]:
    return [selection.case.reference for selection in audit_round.selections]


def test_the_same_seed_draws_the_same_cases(pool, qa_lead):
    first = references(new_round(qa_lead, seed=7))
    again = [case.reference for case in audit_rounds.draw(audit_rounds.eligible_cases(SelectionCriteria(), NOW.date()), 10, 7)]
    other = [case.reference for case in audit_rounds.draw(audit_rounds.eligible_cases(SelectionCriteria(), NOW.date()), 10, 8)]
    assert first == again and first != other and len(set(first)) == 10


def test_the_seed_is_recorded_when_none_is_given(pool, qa_lead):
    audit_round = new_round(qa_lead, seed=None)
    assert audit_round.seed is not None
    assert references(audit_round) == [case.reference for case in audit_rounds.draw(
        audit_rounds.eligible_cases(SelectionCriteria(), NOW.date()), 10, audit_round.seed)]


def test_selection_honours_the_parameters(pool, qa_lead, teams):
    _, south = teams
    criteria = SelectionCriteria(team_ids=(south.id,), plan_types=("Child Protection",), flags=("neglect",))
    chosen = new_round(qa_lead, criteria, sample_size=40).selections
    assert {s.case.reference for s in chosen} == {"C0004", "C0008", "C0016", "C0020", "C0028", "C0032", "C0040"}


def test_cases_audited_in_the_last_12_months_are_left_out(pool, qa_lead, make_person, db, teams):
    load_tool(now=NOW)
    earlier = new_round(qa_lead, sample_size=40)
    auditor = make_person("Ari Auditor", Role.AUDITOR)
    case_a, case_b = earlier.selections[0].case, earlier.selections[1].case
    audit_rounds.allocate(earlier, case_a, auditor, override_reason=None, actor=qa_lead, now=datetime(2020, 3, 2))
    audit_rounds.allocate(earlier, case_b, auditor, override_reason=None, actor=qa_lead, now=datetime(2020, 2, 28))
    eligible = {case.reference for case in audit_rounds.eligible_cases(SelectionCriteria(), NOW.date())}
    assert case_a.reference not in eligible  # audited 364 days before
    assert case_b.reference in eligible  # audited more than 12 months before


def test_themed_audit_needs_a_theme(pool, qa_lead):
    with pytest.raises(DomainError, match="theme"):
        new_round(qa_lead, kind=RoundKind.THEMED, theme="")
    assert new_round(qa_lead, kind=RoundKind.THEMED, theme="Strategy meetings").theme == "Strategy meetings"


def test_own_team_allocation_is_refused_unless_a_qa_lead_records_why(pool, qa_lead, make_person, db, teams):
    load_tool(now=NOW)
    north, south = teams
    audit_round = new_round(qa_lead, SelectionCriteria(team_ids=(north.id,)), sample_size=3)
    case = audit_round.selections[0].case
    insider = make_person("Nina North", Role.AUDITOR)
    insider.team = north
    outsider = make_person("Sam South", Role.AUDITOR)
    outsider.team = south
    db.session.commit()
    with pytest.raises(DomainError, match="works in Safeguarding North"):
        audit_rounds.allocate(audit_round, case, insider, override_reason=None, actor=qa_lead, now=NOW)
    manager = make_person("Pat Manager", Role.PROGRAMME_MANAGER)
    with pytest.raises(DomainError, match="Only a QA lead"):
        audit_rounds.allocate(audit_round, case, insider, override_reason="Only specialist", actor=manager, now=NOW)
    audit = audit_rounds.allocate(audit_round, case, insider, override_reason="Only CSE-trained auditor available",
                            actor=qa_lead, now=NOW)
    assert audit.allocation_override_reason == "Only CSE-trained auditor available"
    other = audit_rounds.allocate(audit_round, audit_round.selections[1].case, outsider, override_reason="ignored",
                            actor=qa_lead, now=NOW)
    assert other.allocation_override_reason is None and other.tool.version == 1
    with pytest.raises(DomainError, match="already allocated"):
        audit_rounds.allocate(audit_round, case, outsider, override_reason=None, actor=qa_lead, now=NOW)


def test_only_selected_cases_go_to_auditors(pool, qa_lead, make_person, db):
    load_tool(now=NOW)
    audit_round = new_round(qa_lead, sample_size=2)
    unselected = next(c for c in pool if c.reference not in references(audit_round))
    viewer = make_person("Vic Viewer", Role.VIEWER)
    with pytest.raises(DomainError, match="not selected"):
        audit_rounds.allocate(audit_round, unselected, make_person("Ari Auditor", Role.AUDITOR), override_reason=None,
                        actor=qa_lead, now=NOW)
    with pytest.raises(DomainError, match="is not an auditor"):
        audit_rounds.allocate(audit_round, audit_round.selections[0].case, viewer, override_reason=None, actor=qa_lead,
                        now=NOW)


def test_audit_state_machine(pool, qa_lead, make_person, db):
    load_tool(now=NOW)
    audit_round = new_round(qa_lead, sample_size=1)
    audit = audit_rounds.allocate(audit_round, audit_round.selections[0].case, make_person("Ari Auditor", Role.AUDITOR),
                            override_reason=None, actor=qa_lead, now=NOW)
    with pytest.raises(DomainError, match="cannot become submitted"):
        audit_rounds.move(audit, AuditState.SUBMITTED, actor=qa_lead, now=NOW)
    for state in (AuditState.IN_PROGRESS, AuditState.SUBMITTED, AuditState.IN_PROGRESS, AuditState.SUBMITTED,
                  AuditState.MODERATED, AuditState.CLOSED):
        audit_rounds.move(audit, state, actor=qa_lead, now=NOW)
    assert audit.state == AuditState.CLOSED and audit.submitted_at == NOW
    for state in AuditState:
        assert not audit_rounds.can_move(audit, state)
    assert db.session.get(Audit, audit.id).state == AuditState.CLOSED
