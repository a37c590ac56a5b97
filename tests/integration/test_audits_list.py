"""The audits list: the audits a person may see a page at a time (search, sort), and the rounds with their counts,
in the same number of queries however many there are."""

from datetime import date, datetime, timedelta

import pytest

from app.models import PoolCase, Role, RoundKind, Team
from app.services.audits import rounds as audit_rounds
from app.services.audits.rounds import SelectionCriteria
from app.services.audits.tool import load_tool

NOW = datetime(2021, 3, 1, 9, 0)


def add_rounds(db, qa_lead, auditor, team: Team, rounds: int, per_round: int, start: int = 0) -> None:
    """Rounds of `per_round` new cases each, every case allocated to the auditor."""
    for r in range(start, start + rounds):
        cases = [PoolCase(reference=f"R{r:02d}-{n:02d}", team=team, added_at=NOW) for n in range(per_round)]
        db.session.add_all(cases)
        db.session.commit()
        audit_round = audit_rounds.create_round(
            kind=RoundKind.ROUTINE, month=date(2019 + r // 12, r % 12 + 1, 1), title=f"Round {r:02d}", theme=None,
            criteria=SelectionCriteria(), criteria_text="", sample_size=per_round, seed=r, actor=qa_lead, now=NOW)
        for n, case in enumerate(cases):
            audit_rounds.allocate(audit_round, case, auditor, override_reason=None, actor=qa_lead,
                                  now=NOW + timedelta(minutes=r * 100 + n))


@pytest.fixture
def audits(db, make_person):
    load_tool(now=NOW)
    team = Team(name="Safeguarding North")
    db.session.add(team)
    db.session.commit()
    qa_lead, auditor = make_person("Quinn QA", Role.QA_LEAD), make_person("Ada Auditor", Role.AUDITOR)
    add_rounds(db, qa_lead, auditor, team, rounds=3, per_round=20)
    return {"qa_lead": qa_lead, "auditor": auditor, "team": team}


def page(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_auditor_pages_through_their_audits_newest_first(client, login, audits):
    login(audits["auditor"])
    first = page(client.get("/audits/"))
    assert "Showing 1 to 50 of 60 audits" in first
    assert first.index(">R02-19<") < first.index(">R02-00<") < first.index(">R01-19<")
    second = page(client.get("/audits/?page=2"))
    assert "Showing 51 to 60 of 60 audits" in second and ">R00-00<" in second and ">R02-19<" not in second


def test_the_audits_list_searches_by_case_or_round_and_sorts_by_case(client, login, audits):
    login(audits["auditor"])
    assert "20 audits matching “round 01”" in page(client.get("/audits/?q=round 01"))
    assert "1 audit matching “R00-07”" in page(client.get("/audits/?q=R00-07"))
    by_case = page(client.get("/audits/?sort=case&order=ascending"))
    assert by_case.index(">R00-00<") < by_case.index(">R00-01<") < by_case.index(">R01-00<")


def test_a_qa_lead_sees_each_round_with_its_counts(client, login, audits):
    login(audits["qa_lead"])
    shown = page(client.get("/audits/"))
    assert shown.count('data-label="Cases chosen">20<') == 3 and shown.count('data-label="Allocated">20<') == 3


@pytest.mark.parametrize("who", ["auditor", "qa_lead"])
def test_query_count_does_not_grow_with_the_audits(client, login, audits, db, count_queries, who):
    login(audits[who])

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/audits/?sort=round").status_code == 200
        return counter.count

    # The signed-in person is sometimes read twice (Flask-Login reloading them), whatever the list: the fewer of two.
    small = min(queries(), queries())
    add_rounds(db, audits["qa_lead"], audits["auditor"], audits["team"], rounds=3, per_round=30, start=3)
    assert min(queries(), queries()) == small
