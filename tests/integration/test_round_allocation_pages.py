"""Allocating a whole round in one step: the proposal page, adjusted and confirmed as a browser sends it."""

from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.models import Audit, PoolCase, Role, RoundKind, Team
from app.services.audits import rounds as audit_rounds
from app.services.audits.rounds import SelectionCriteria, row_field
from app.services.audits.tool import load_tool
from tests.integration.served_form import submission

NOW = datetime(2021, 3, 1, 9, 0)


@pytest.fixture
def allocation(db, client, login, make_person):
    """A round of 9 cases (4 North, 3 South, 2 East); auditors in North, South and East; the QA lead in Quality."""
    load_tool(now=NOW)
    teams = {name: Team(name=name) for name in ("North", "South", "East", "Quality")}
    cases = [PoolCase(reference=f"C{n:03d}", team=teams[team], added_at=NOW)
             for n, team in enumerate(["North"] * 4 + ["South"] * 3 + ["East"] * 2)]
    db.session.add_all([*teams.values(), *cases])
    db.session.commit()
    auditors = {name: make_person(f"{name} Auditor", Role.AUDITOR) for name in ("North", "South", "East")}
    qa_lead = make_person("Quinn QA", Role.QA_LEAD)
    for name, person in [*auditors.items(), ("Quality", qa_lead)]:
        person.team = teams[name]
    db.session.commit()
    audit_round = audit_rounds.create_round(kind=RoundKind.ROUTINE, month=date(2021, 3, 1), title="March 2021",
                                            theme=None, criteria=SelectionCriteria(), criteria_text="", sample_size=9,
                                            seed=5, actor=qa_lead, now=NOW)
    login(qa_lead)
    return {"round": audit_round, "url": f"/audits/rounds/{audit_round.id}/allocate", "auditors": auditors,
            "qa_lead": qa_lead, "teams": teams}


def text(response) -> str:
    return response.get_data(as_text=True)


def allocated(db) -> dict[str, Audit]:
    return {audit.case.reference: audit for audit in db.session.scalars(select(Audit))}


def test_the_round_page_offers_the_proposal(client, allocation):
    page = text(client.get(f"/audits/rounds/{allocation['round'].id}"))
    assert "9 cases are not allocated yet" in page
    assert f'href="{allocation["url"]}"' in page and "Propose allocations" in page


def test_confirming_the_proposal_as_served_allocates_every_case_evenly_and_never_to_its_own_team(client, db,
                                                                                                   allocation):
    page = text(client.get(allocation["url"]))
    assert "Cases to allocate (9)" in page
    response = client.post(allocation["url"], data=submission(page, "submit"))
    assert response.status_code == 302 and response.location.endswith(f"/audits/rounds/{allocation['round'].id}")
    audits = allocated(db)
    assert len(audits) == 9
    assert all(audit.auditor.team_id != audit.case.team_id for audit in audits.values())
    loads = Counter(audit.auditor.name for audit in audits.values())
    assert set(loads) == {"North Auditor", "South Auditor", "East Auditor", "Quinn QA"}
    assert max(loads.values()) - min(loads.values()) <= 1
    round_page = text(client.get(response.location))
    assert "9 cases were allocated" in round_page and "Not allocated" not in round_page


def test_the_proposal_offers_no_auditor_from_the_cases_own_team(client, db, allocation):
    page = text(client.get(allocation["url"]))
    north_case = db.session.scalar(select(PoolCase).where(PoolCase.reference == "C000"))
    row = page[page.index(f'name="{row_field(north_case.id)}"'):]
    row = row[:row.index("</select>")]
    assert "South Auditor" in row and "North Auditor" not in row


def test_one_row_adjusted_before_confirming(client, db, allocation):
    page = text(client.get(allocation["url"]))
    case = db.session.scalar(select(PoolCase).where(PoolCase.reference == "C004"))  # a South case
    east = allocation["auditors"]["East"]
    response = client.post(allocation["url"], data=submission(page, "submit", **{row_field(case.id): str(east.id)}))
    assert response.status_code == 302
    assert allocated(db)["C004"].auditor_id == east.id and len(allocated(db)) == 9


def test_a_row_left_for_now_stays_unallocated(client, db, allocation):
    page = text(client.get(allocation["url"]))
    case = db.session.scalar(select(PoolCase).where(PoolCase.reference == "C001"))
    response = client.post(allocation["url"], data=submission(page, "submit", **{row_field(case.id): "0"}))
    assert "C001" not in allocated(db) and len(allocated(db)) == 8
    assert "8 cases were allocated. 1 case is left to allocate" in text(client.get(response.location))


def test_an_auditor_now_in_the_cases_team_is_refused_next_to_its_row_and_nothing_is_allocated(client, db,
                                                                                               allocation):
    page = text(client.get(allocation["url"]))
    form = submission(page, "submit")
    case = db.session.scalar(select(PoolCase).where(PoolCase.reference == "C000"))
    proposed = db.session.get(type(allocation["qa_lead"]), int(form[row_field(case.id)]))
    proposed.team = allocation["teams"]["North"]  # moved into the case's team since the page was opened
    db.session.commit()
    response = client.post(allocation["url"], data=form)
    assert response.status_code == 200
    refused = text(response)
    assert "There is a problem" in refused
    assert f"{proposed.name} works in North, the team that holds case C000" in refused
    message_at = refused.index(f"{proposed.name} works in North", refused.index("Cases to allocate"))
    assert refused.index(f'name="{row_field(case.id)}"') > message_at  # the message sits in the row, above its select
    assert db.session.scalar(select(func.count()).select_from(Audit)) == 0


def test_a_case_allocated_meanwhile_is_reported_and_not_doubled(client, db, allocation):
    page = text(client.get(allocation["url"]))
    case = db.session.scalar(select(PoolCase).where(PoolCase.reference == "C005"))
    east = allocation["auditors"]["East"]
    audit_rounds.allocate(allocation["round"], case, east, override_reason=None, actor=allocation["qa_lead"], now=NOW)
    response = client.post(allocation["url"], data=submission(page, "submit"))
    assert response.status_code == 302
    audits = allocated(db)
    assert len(audits) == 9 and audits["C005"].auditor_id == east.id
    assert ("8 cases were allocated. Case C005 had already been allocated to East Auditor by someone else: "
            "it is left as it was") in text(client.get(response.location))


def test_a_case_no_auditor_may_take_says_so_on_its_row(client, db, allocation):
    for person in [*allocation["auditors"].values(), allocation["qa_lead"]]:
        person.team = allocation["teams"]["North"]
    db.session.commit()
    page = text(client.get(allocation["url"]))
    assert page.count("No auditor works outside North") == 4
    response = client.post(allocation["url"], data=submission(page, "submit"))
    assert response.status_code == 302 and len(allocated(db)) == 5
    assert "5 cases were allocated. 4 cases are left to allocate" in text(client.get(response.location))
