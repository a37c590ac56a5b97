"""The case pool a page at a time (search, sort), and a QA lead correcting and removing a case."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.models import Audit, ChangeRecord, PoolCase, Role, RoundKind, RoundSelection, Team
from app.services.audits import rounds as audit_rounds
from app.services.audits.rounds import SelectionCriteria
from app.services.audits.tool import load_tool
from app.services.history import said
from app.services.listing import PAGE_SIZE
from tests.integration.served_form import submission

NOW = datetime(2021, 3, 1, 9, 0)


@pytest.fixture
def pool(db, client, login, make_person):
    load_tool(now=NOW)
    north, south = Team(name="Safeguarding North"), Team(name="Safeguarding South")
    cases = [PoolCase(reference=f"C{n:03d}", team=north if n % 3 else south, allocated_worker=f"Worker {n % 7}",
                      neglect=n % 2 == 0, added_at=NOW) for n in range(1, 61)]
    db.session.add_all([north, south, *cases])
    db.session.commit()
    qa_lead = make_person("Quinn QA", Role.QA_LEAD)
    login(qa_lead)
    return {"north": north, "south": south, "cases": cases, "qa_lead": qa_lead,
            "auditor": make_person("Ada Auditor", Role.AUDITOR)}


def page(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def references(html: str) -> list[str]:
    return [part.split("<", 1)[0] for part in html.split('href="/audits/pool/')[1:]
            if part.split('"', 1)[0].isdigit()]


def a_round(pool, sample_size: int = 60):
    return audit_rounds.create_round(kind=RoundKind.ROUTINE, month=date(2021, 3, 1), title="March routine audit",
                                     theme=None, criteria=SelectionCriteria(), criteria_text="", sample_size=sample_size,
                                     seed=1, actor=pool["qa_lead"], now=NOW)


def test_the_pool_is_shown_a_page_at_a_time_with_links_to_each_case(client, pool):
    first = page(client.get("/audits/pool"))
    assert "Showing 1 to 50 of 60 cases" in first
    assert references(first) == [f'{case.id}">{case.reference}' for case in pool["cases"][:PAGE_SIZE]]
    second = page(client.get("/audits/pool?page=2"))
    assert "Showing 51 to 60 of 60 cases" in second and ">C060</a>" in second and ">C001</a>" not in second
    assert 'class="govuk-pagination' in first


def test_the_pool_sorts_by_team_then_case_and_searches_any_column(client, pool):
    by_team = references(page(client.get("/audits/pool?sort=team&order=descending")))
    south_first = [case for case in pool["cases"] if case.team == pool["south"]]
    assert [ref.split(">")[1] for ref in by_team[:len(south_first)]] == [case.reference for case in south_first][::-1]
    assert 'aria-sort="descending"' in page(client.get("/audits/pool?sort=team&order=descending"))
    found = page(client.get("/audits/pool?q=south"))
    assert f"{len(south_first)} cases matching “south”" in found
    assert "1 case matching “C042”" in page(client.get("/audits/pool?q=C042"))
    assert "No cases match “nobody”" in page(client.get("/audits/pool?q=nobody"))


def test_a_case_corrected_as_served_is_saved_and_recorded(client, pool, db):
    case = pool["cases"][0]
    url = f"/audits/pool/{case.id}"
    form = submission(page(client.get(url)), "submit", reference="C001A", allocated_worker="Worker 9",
                      team_id=str(pool["south"].id))
    response = client.post(url, data=form)
    assert response.status_code == 302
    assert "Case C001A is saved" in page(client.get(response.location))
    db.session.refresh(case)
    assert (case.reference, case.allocated_worker, case.team, case.version) == ("C001A", "Worker 9", pool["south"], 2)
    history = page(client.get(url))
    assert "Case ID number changed from C001 to C001A" in history
    assert "Team changed from Safeguarding North to Safeguarding South" in history


def test_a_correction_from_a_stale_page_or_to_a_reference_in_use_is_refused(client, pool, db):
    case = pool["cases"][0]
    url = f"/audits/pool/{case.id}"
    stale = submission(page(client.get(url)), "submit", allocated_worker="Someone else")
    taken = submission(page(client.get(url)), "submit", reference="C002")
    assert "Case C002 is already in the pool" in page(client.post(url, data=taken))
    client.post(url, data=submission(page(client.get(url)), "submit", allocated_worker="Worker 8"))
    assert "changed by someone else" in page(client.post(url, data=stale)).replace("\n", " ")
    db.session.refresh(case)
    assert case.allocated_worker == "Worker 8"


def test_a_case_never_chosen_is_removed_after_asking(client, pool, db):
    case = pool["cases"][4]
    url = f"/audits/pool/{case.id}/remove"
    asked = page(client.get(url))
    assert "Are you sure you want to remove case C005 from the pool?" in asked
    response = client.post(url, data=submission(asked, "submit"))
    assert response.status_code == 302 and "Case C005 is removed from the pool" in page(client.get(response.location))
    assert db.session.scalar(select(PoolCase).where(PoolCase.reference == "C005")) is None
    assert db.session.scalar(select(ChangeRecord.old_value).where(ChangeRecord.entity_type == "poolcase",
                                                                  ChangeRecord.field == "deleted")) == "Case C005"


def test_a_case_chosen_but_not_allocated_leaves_the_round_when_removed(client, pool, db):
    audit_round = a_round(pool)
    case = pool["cases"][5]
    url = f"/audits/pool/{case.id}/remove"
    asked = page(client.get(url))
    assert "The case was chosen for March routine audit" in asked and "one case fewer" in asked
    assert client.post(url, data=submission(asked, "submit")).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(RoundSelection).where(
        RoundSelection.round_id == audit_round.id)) == 59
    recorded = db.session.scalars(select(ChangeRecord).where(ChangeRecord.entity_type == "auditround")).all()
    assert [change.sentence for change in said(recorded)][-1:] == [
        "Case C006 taken out of the chosen cases: it was removed from the pool"]


def test_removal_is_refused_once_an_auditor_has_been_given_the_case(client, pool, db):
    audit_round = a_round(pool)
    case = pool["cases"][6]
    audit_rounds.allocate(audit_round, case, pool["auditor"], override_reason=None, actor=pool["qa_lead"], now=NOW)
    url = f"/audits/pool/{case.id}/remove"
    stale_form = page(client.get(f"/audits/pool/{pool['cases'][7].id}/remove"))  # a form for another case
    refused = page(client.get(url))
    assert "Case C007 cannot be removed" in refused
    assert "it was allocated to Ada Auditor in March routine audit" in refused
    assert "Yes, remove this case" not in refused
    assert "remove case C007" not in page(client.get(f"/audits/pool/{case.id}"))
    posted = page(client.post(url, data=submission(stale_form, "submit")))  # posted anyway: refused, not removed
    assert "There is a problem" in posted and "cannot be removed" in posted
    assert db.session.get(PoolCase, case.id) is not None
    assert db.session.scalar(select(func.count()).select_from(Audit)) == 1


def test_only_qa_leads_and_administrators_correct_or_remove_cases(client, pool, login, make_person):
    case = pool["cases"][0]
    login(make_person("Val Viewer", Role.VIEWER))
    assert client.get(f"/audits/pool/{case.id}").status_code == 403
    assert client.post(f"/audits/pool/{case.id}/remove").status_code == 403


def test_query_count_does_not_grow_with_the_pool(client, pool, db, count_queries):
    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/audits/pool?sort=team").status_code == 200
        return counter.count

    # The signed-in person is sometimes read twice (Flask-Login reloading them), whatever the list: the fewer of two.
    small = min(queries(), queries())
    db.session.add_all([PoolCase(reference=f"D{n:03d}", team=pool["north"], added_at=NOW) for n in range(200)])
    db.session.commit()
    assert min(queries(), queries()) == small
