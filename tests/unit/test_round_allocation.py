"""The rule that proposes an auditor for each case of a round: never the case's own team, loads kept even."""

from collections import Counter

from app.services.audits.allocation import Auditor, CaseToAllocate, own_team, propose

NORTH, SOUTH, EAST = 1, 2, 3


def cases(*teams: int) -> list[CaseToAllocate]:
    return [CaseToAllocate(100 + i, f"C{i:03d}", team) for i, team in enumerate(teams)]


def test_no_case_goes_to_an_auditor_from_its_own_team():
    auditors = [Auditor(1, "Ann", NORTH), Auditor(2, "Bob", SOUTH), Auditor(3, "Cat", EAST)]
    round_cases = cases(*[NORTH, SOUTH, EAST] * 7)
    proposal = propose(round_cases, auditors)
    by_id = {auditor.id: auditor for auditor in auditors}
    assert all(not own_team(by_id[proposal.auditor_for[case.id]], case) for case in round_cases)


def test_loads_end_within_one_of_each_other():
    auditors = [Auditor(1, "Ann", NORTH), Auditor(2, "Bob", SOUTH), Auditor(3, "Cat", EAST), Auditor(4, "Dev", None)]
    proposal = propose(cases(*[NORTH] * 10, *[SOUTH] * 5, *[EAST] * 4), auditors)
    assert max(proposal.loads.values()) - min(proposal.loads.values()) <= 1
    assert sum(proposal.loads.values()) == 19


def test_what_auditors_already_have_is_counted():
    auditors = [Auditor(1, "Ann", NORTH, load=4), Auditor(2, "Bob", NORTH, load=0)]
    proposal = propose(cases(SOUTH, SOUTH, SOUTH, SOUTH, SOUTH, SOUTH), auditors)
    assert Counter(proposal.auditor_for.values()) == {2: 5, 1: 1}
    assert proposal.loads == {1: 5, 2: 5}


def test_cases_few_can_take_go_first_so_the_loads_still_even_out():
    # Only Ann may take the South cases; Bob may take the North ones, as may Ann. Taken in reference order, Ann
    # would take the North cases first and end with all of them.
    auditors = [Auditor(1, "Ann", EAST), Auditor(2, "Bob", SOUTH)]
    round_cases = [CaseToAllocate(1, "A1", NORTH), CaseToAllocate(2, "A2", NORTH), CaseToAllocate(3, "B1", SOUTH),
                   CaseToAllocate(4, "B2", SOUTH)]
    proposal = propose(round_cases, auditors)
    assert proposal.auditor_for == {1: 2, 2: 2, 3: 1, 4: 1}


def test_a_case_only_its_own_team_could_audit_is_left_without_an_auditor():
    auditors = [Auditor(1, "Ann", NORTH), Auditor(2, "Bob", NORTH)]
    proposal = propose(cases(NORTH, SOUTH), auditors)
    assert proposal.auditor_for == {100: None, 101: 1}
    assert proposal.loads == {1: 1, 2: 0}


def test_the_same_cases_and_auditors_always_give_the_same_proposal_in_the_cases_order():
    auditors = [Auditor(3, "Cat", EAST), Auditor(1, "Ann", NORTH), Auditor(2, "Bob", SOUTH)]
    round_cases = cases(SOUTH, NORTH, EAST, NORTH, SOUTH)
    first = propose(round_cases, auditors)
    assert first == propose(round_cases, list(reversed(auditors)))
    assert list(first.auditor_for) == [case.id for case in round_cases]
    # ties go to the first by name
    assert first.auditor_for[100] == 1


def test_no_auditors_leaves_every_case_unallocated():
    assert propose(cases(NORTH, SOUTH), []).auditor_for == {100: None, 101: None}
