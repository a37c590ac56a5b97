"""QA leads' pages: starting a round, allocating (own team refused on the page too), and the case pool."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.models import Audit, AuditRound, PoolCase, Role, Team
from app.services.audits.tool import load_tool

NOW = datetime(2021, 3, 1, 9, 0)


@pytest.fixture
def qa(db, client, login, make_person):
    load_tool(now=NOW)
    north, south = Team(name="Safeguarding North"), Team(name="Safeguarding South")
    db.session.add_all([north, south] + [PoolCase(reference=f"C{n:03d}", team=north, neglect=n % 2 == 0, added_at=NOW)
                                         for n in range(1, 11)])
    db.session.commit()
    insider, outsider = make_person("Nina North", Role.AUDITOR), make_person("Sam South", Role.AUDITOR)
    insider.team, outsider.team = north, south
    db.session.commit()
    login(make_person("Quinn QA", Role.QA_LEAD))
    return {"north": north, "insider": insider, "outsider": outsider}


def page(response) -> str:
    return response.get_data(as_text=True)


def test_qa_lead_starts_a_round_and_allocates(client, qa, db):
    response = client.post("/audits/rounds/new", data={"kind": "routine", "month": "March 2021", "title": "March 2021",
                                                       "flags": ["neglect"], "sample_size": "3", "seed": "11"})
    audit_round = db.session.scalar(select(AuditRound))
    assert response.status_code == 302 and audit_round.seed == 11 and len(audit_round.selections) == 3
    assert all(selection.case.neglect for selection in audit_round.selections)
    case = audit_round.selections[0].case
    refused = client.post(f"/audits/rounds/{audit_round.id}",
                          data={"case_id": case.id, "auditor_id": qa["insider"].id, "override_reason": ""})
    assert "works in Safeguarding North" in page(refused)
    client.post(f"/audits/rounds/{audit_round.id}", data={"case_id": case.id, "auditor_id": qa["outsider"].id})
    assert db.session.scalar(select(Audit.auditor_id).where(Audit.case_id == case.id)) == qa["outsider"].id
    assert "Sam South" in page(client.get(f"/audits/rounds/{audit_round.id}"))


def test_bad_round_input_is_reported_and_kept(client, qa):
    response = client.post("/audits/rounds/new", data={"kind": "themed", "month": "Marchember 2021",
                                                       "title": "Strategy meetings", "sample_size": "3"})
    html = page(response)
    assert "is not a month such as" in html and "Strategy meetings" in html
    themed = client.post("/audits/rounds/new", data={"kind": "themed", "month": "March 2021", "title": "Themed",
                                                     "theme": "", "sample_size": "3"})
    assert "Enter the theme of this audit" in page(themed)


def test_pool_import_preview_then_import(client, qa, db):
    text = "reference,team,neglect\nC100,Safeguarding North,yes\nC101,Nowhere,no\n"
    preview = page(client.post("/audits/pool/import", data={"csv_text": text, "preview": "y"}))
    assert "Nothing has been imported" in preview and "Line 3 (C101): No team called “Nowhere”" in preview
    fixed = text.replace("Nowhere", "Safeguarding North")
    assert "2 cases are ready to import" in page(client.post("/audits/pool/import", data={"csv_text": fixed, "preview": "y"}))
    client.post("/audits/pool/import", data={"csv_text": fixed, "confirm": "y"})
    assert db.session.scalar(select(PoolCase).where(PoolCase.reference == "C101")) is not None


def test_add_a_case_by_hand(client, qa, db):
    client.post("/audits/pool/new", data={"reference": "C500", "team_id": qa["north"].id, "team_manager_id": "0",
                                          "service_manager_id": "0", "plan_type": "Child in Need", "step_up": "y"})
    case = db.session.scalar(select(PoolCase).where(PoolCase.reference == "C500"))
    assert case.step_up and case.plan_type == "Child in Need"
    again = client.post("/audits/pool/new", data={"reference": "C500", "team_id": qa["north"].id,
                                                  "team_manager_id": "0", "service_manager_id": "0", "plan_type": ""})
    assert "Case C500 is already in the pool" in page(again)
