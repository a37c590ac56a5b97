"""The allocation rule for a whole round, as plain data: who each case goes to. Never an auditor from the case's own
team; each auditor's load kept as even as the teams allow. No database here: the round's page gathers the cases and
the auditors (audits.rounds.round_proposal) and this decides, so the rule is tested with fixed data."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Auditor:
    """Someone a case may go to. `load` is what they already have: every audit of theirs in this round, and their
    audits in other rounds not yet submitted (allocated or in progress)."""

    id: int
    name: str
    team_id: int | None
    load: int = 0


@dataclass(frozen=True)
class CaseToAllocate:
    id: int
    reference: str
    team_id: int | None


@dataclass(frozen=True)
class Proposal:
    """Each case's proposed auditor (None: every auditor works in its team) and each auditor's load after it."""

    auditor_for: dict[int, int | None]
    loads: dict[int, int]


def own_team(auditor, case) -> bool:
    """The auditor works in the team that holds the case (a person with no team has no own team)."""
    return auditor.team_id is not None and auditor.team_id == case.team_id


def propose(cases: list[CaseToAllocate], auditors: list[Auditor]) -> Proposal:
    """Give each case to the eligible auditor with the least load, ties to the first by name. The cases with the
    fewest eligible auditors go first, so that the others can even the loads out; the same cases and auditors always
    give the same proposal. Loads end within one of each other unless the teams (or earlier loads) prevent it."""
    loads = {auditor.id: auditor.load for auditor in auditors}
    eligible = {case.id: [auditor for auditor in auditors if not own_team(auditor, case)] for case in cases}
    auditor_for: dict[int, int | None] = {}
    for case in sorted(cases, key=lambda case: (len(eligible[case.id]), case.reference, case.id)):
        if not eligible[case.id]:
            auditor_for[case.id] = None
            continue
        chosen = min(eligible[case.id], key=lambda auditor: (loads[auditor.id], auditor.name, auditor.id))
        auditor_for[case.id] = chosen.id
        loads[chosen.id] += 1
    return Proposal({case.id: auditor_for[case.id] for case in cases}, loads)
