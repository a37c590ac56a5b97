"""Importing the case pool: a dry run lists every problem with its line; nothing is imported until all are right."""

from datetime import datetime

from sqlalchemy import func, select

from app.models import PoolCase, Team
from app.services.importers import case_pool

NOW = datetime(2021, 3, 1, 9, 0)
HEADER = "reference,team,allocated_worker,team_manager,service_manager,plan_type,neglect,step_up\n"


def test_preview_lists_every_problem_with_its_line(db, make_person):
    db.session.add(Team(name="Safeguarding North"))
    db.session.add(PoolCase(reference="C0001", team=Team(name="Old"), added_at=NOW))
    make_person("Tara Manager")
    db.session.commit()
    text = HEADER + ("C0001,Safeguarding North,,,,,no,no\n"
                     "C0002,Safeguarding Nowhere,,Tara Manager,,Child in Need,yes,no\n"
                     "C0003,Safeguarding North,A Worker,Nobody,,Child Protection,maybe,no\n"
                     "C0002,Safeguarding North,,,,Child in Need,no,no\n"
                     ",Safeguarding North,,,,,no,no\n"
                     "C0004,safeguarding north,,tara manager,,Child in Care,Y,n\n")
    result = case_pool.preview(text)
    problems = {row.line: row.problems for row in result.problem_rows}
    assert problems == {
        2: ["Case C0001 is already in the pool"],
        3: ["No team called “Safeguarding Nowhere”"],
        4: ["No one called “Nobody” is in People (team manager)", "Neglect must be yes or no, not “maybe”"],
        5: ["Case C0002 is also on line 3"],
        6: ["No case reference"],
    }
    assert not result.ready
    assert db.session.scalar(select(func.count()).select_from(PoolCase)) == 1


def test_import_when_every_row_is_right(db, make_person):
    db.session.add(Team(name="Safeguarding North"))
    make_person("Tara Manager")
    db.session.commit()
    text = HEADER + "C0004,safeguarding north,,tara manager,,Child in Care,Y,n\nC0005,Safeguarding North,,,,,no,yes\n"
    assert case_pool.preview(text).ready
    assert case_pool.import_cases(text, now=NOW) == 2
    c4 = db.session.scalar(select(PoolCase).where(PoolCase.reference == "C0004"))
    assert (c4.team.name, c4.team_manager.name, c4.neglect, c4.step_up) == ("Safeguarding North", "Tara Manager", True, False)


def test_a_file_without_the_columns_is_refused(db):
    assert case_pool.preview("ref;team\nC1;North").problems == [
        "The first line must name the columns; missing: reference, team"]
