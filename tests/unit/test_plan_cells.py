"""Interpreting single cells of the Word plan: checked against the interpreted JSON of the July 2020 plan for all
176 milestones (cells read from the Word fixture), and small cases for each rule."""

import json
from datetime import date
from pathlib import Path

import pytest

from app.models.people import PersonKind
from app.models.plans import Rating
from app.services.importers.plan_cells import (
    NamedPerson,
    people_in,
    progress_updates_in,
    rating_in,
    shading_rating,
    without_its_own_date,
)
from app.services.importers.plan_docx import read_plan
from app.services.plain_text import plain_text

FIXTURE = Path(__file__).parents[1] / "fixtures" / "improvement-plan-2020-07.docx"
EXTRACTION = Path(__file__).parents[2] / "app" / "data" / "improvement-plan-2020-07.json"
KINDS = {"person": PersonKind.INDIVIDUAL, "group_or_role": PersonKind.GROUP, "placeholder": PersonKind.PLACEHOLDER}
KEY = [(Rating.RED, "Red", ""), (Rating.AMBER, "Amber", "Yellow"), (Rating.GREEN, "Green", ""),
       (Rating.NOT_RATED, "Not rated", "Not yet started")]


@pytest.fixture(scope="module")
def extraction():
    return json.loads(EXTRACTION.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cell_pairs(extraction):
    """(action number, Word milestone, JSON milestone) for every milestone, in plan order."""
    plan = read_plan(FIXTURE)
    words = [(action.number, m) for area in plan.areas for action in area.actions for m in action.milestones]
    interpreted = [m for area in extraction["areas"] for action in area["actions"] for m in action["milestones"]]
    assert len(words) == len(interpreted) == 176
    return [(number, word, json_milestone) for (number, word), json_milestone in zip(words, interpreted, strict=True)]


def as_written(person: dict) -> tuple[str, PersonKind, str | None]:
    """The JSON's reading, with the name as the cell wrote it: the JSON corrected a few spellings (written_as,
    e.g. "Sasha Bat" → "Sasha Bhat", "Nabeel Hussain" → "Nabeel Husain", "tbd" → "TBD"); people_in does not."""
    return person.get("written_as") or person["name"], KINDS[person["kind"]], person.get("qualifier")


def read(people: list[NamedPerson]) -> list[tuple[str, PersonKind, str | None]]:
    return [(person.name, person.kind, person.qualifier) for person in people]


# --- The whole July 2020 plan ---------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["responsible", "lead"])
def test_people_match_the_interpreted_plan(cell_pairs, column):
    for number, word, interpreted in cell_pairs:
        people = people_in(getattr(word, f"{column}_raw"))
        assert read(people) == [as_written(p) for p in interpreted[f"{column}_people"]], number
        assert [person.problem for person in people if person.problem] == [], number


def test_spelling_corrections_are_left_to_matching(cell_pairs):
    corrected = {(p["written_as"], p["name"]) for _, _, m in cell_pairs
                 for p in m["responsible_people"] + m["lead_people"] if p.get("written_as")}
    assert corrected == {("Sasha Bat", "Sasha Bhat"), ("Nabeel Hussain", "Nabeel Husain"), ("tbd", "TBD")}
    found = {p.name for _, word, _ in cell_pairs for p in people_in(word.responsible_raw) + people_in(word.lead_raw)}
    assert {written for written, _ in corrected} <= found


def test_every_indexed_person_is_found_with_its_kind(cell_pairs, extraction):
    spelling = {p["written_as"]: p["name"] for _, _, m in cell_pairs for p in m["responsible_people"] + m["lead_people"]
                if p.get("written_as")}
    found = {(spelling.get(p.name, p.name), p.kind) for _, word, _ in cell_pairs
             for p in people_in(word.responsible_raw) + people_in(word.lead_raw)}
    assert found == {(p["name"], KINDS[p["kind"]]) for p in extraction["people_index"]}


def test_update_dates_match_the_interpreted_plan(cell_pairs):
    for number, word, interpreted in cell_pairs:
        updates = progress_updates_in(word.progress_raw, plan_year=2020)
        expected = [(date.fromisoformat(u["date"]), u["year_assumed"]) for u in interpreted["progress_updates"]]
        assert [(u.written_on, u.year_assumed) for u in updates] == expected, number
        assert [u.problem for u in updates if u.problem] == [], number


def test_ratings_match_the_interpreted_plan(cell_pairs):
    for number, word, interpreted in cell_pairs:
        rating, problem = rating_in(word.rag_raw, word.rag_shading, KEY)
        assert (rating.value if rating else None, problem) == (interpreted["rag_normalised"], None), number


# --- People ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell, expected", [
    ("Duncan Cooper/ Sasha Bat / Ruth Shaw", ["Duncan Cooper", "Sasha Bat", "Ruth Shaw"]),
    ("Sasha Bhat, Kelly Barker, Irfan Alam", ["Sasha Bhat", "Kelly Barker", "Irfan Alam"]),
    ("Amandip Johal & Richard Fawcett", ["Amandip Johal", "Richard Fawcett"]),
    ("Amandip Johal and Cathy Appleby", ["Amandip Johal", "Cathy Appleby"]),
    ("Ruth Shaw\nKelly Barker ", ["Ruth Shaw", "Kelly Barker"]),
    ("Mandy Helm Duncan Cooper Joanne Tooby", ["Mandy Helm", "Duncan Cooper", "Joanne Tooby"]),
    ("Ali Jan Haider", ["Ali Jan Haider"]),
    ("Mary O'Neil & Ian McDonald", ["Mary O'Neil", "Ian McDonald"]),
])
def test_individuals_are_split_and_trimmed(cell, expected):
    people = people_in(cell)
    assert [p.name for p in people] == expected
    assert {p.kind for p in people} == {PersonKind.INDIVIDUAL}


@pytest.mark.parametrize("cell", ["tbd", "TBC", "to be identified", "Programme Lead to be identified", "vacant"])
def test_placeholders(cell):
    assert read(people_in(cell)) == [(cell, PersonKind.PLACEHOLDER, None)]


def test_a_vacant_role_is_a_placeholder_qualified_as_vacant():
    assert read(people_in("Head of Service (vacant)")) == [("Head of Service", PersonKind.PLACEHOLDER, "vacant")]


def test_a_placeholder_beside_a_person():
    assert read(people_in("Kelly Barker and tbd")) == [("Kelly Barker", PersonKind.INDIVIDUAL, None),
                                                       ("tbd", PersonKind.PLACEHOLDER, None)]


@pytest.mark.parametrize("cell", ["Heads of Service", "AA Task & Finish Group", "Team Managers", "Leaving Care Team",
                                  "Safeguarding Board", "Commissioners in Public Health, CCG and Children's Services"])
def test_groups_and_roles_stay_whole(cell):
    assert read(people_in(cell)) == [(cell, PersonKind.GROUP, None)]


def test_groups_run_together_with_people():
    assert read(people_in("Traci Taylor Service Managers Team Managers Heads of Service Steve Hemming")) == [
        ("Traci Taylor", PersonKind.INDIVIDUAL, None), ("Service Managers", PersonKind.GROUP, None),
        ("Team Managers", PersonKind.GROUP, None), ("Heads of Service", PersonKind.GROUP, None),
        ("Steve Hemming", PersonKind.INDIVIDUAL, None)]


def test_with_separates_a_person_from_a_group():
    assert read(people_in("Kelly Barker with Heads of Service")) == [("Kelly Barker", PersonKind.INDIVIDUAL, None),
                                                                      ("Heads of Service", PersonKind.GROUP, None)]


@pytest.mark.parametrize("cell, name, qualifier", [
    ("Kelly Barker (interim)", "Kelly Barker", "interim"),
    ("Ruth Shaw (Chair)", "Ruth Shaw", "Chair"),
    ("Ruth Shaw Health Commissioner", "Ruth Shaw", "Health Commissioner"),
])
def test_qualifiers_are_kept_apart(cell, name, qualifier):
    assert read(people_in(cell)) == [(name, PersonKind.INDIVIDUAL, qualifier)]


def test_names_that_cannot_be_told_apart_are_a_problem():
    [person] = people_in("Mandy Helm Duncan Cooper Joanne")
    assert person.name == "Mandy Helm Duncan Cooper Joanne"
    assert "cannot tell where one name ends" in person.problem


def test_an_empty_cell_names_nobody():
    assert people_in("  ") == []


# --- Progress updates -----------------------------------------------------------------------------------------


def test_updates_are_split_at_each_heading():
    updates = progress_updates_in("Update 17 July 2020\n• Done\n• Next\nUpdate 15 May 2020 Started", plan_year=2020)
    assert [(u.written_on, u.heading_raw, u.body) for u in updates] == [
        (date(2020, 7, 17), "Update 17 July 2020", "• Done\n• Next"),
        (date(2020, 5, 15), "Update 15 May 2020", "Started")]


@pytest.mark.parametrize("heading", ["Update 17th July 2020", "Updated 17 July 2020",
                                     "Project Concluded Update 17 July 2020", "Update 17/07/20"])
def test_heading_variants(heading):
    [update] = progress_updates_in(f"{heading}\nText", plan_year=2020)
    assert (update.written_on, update.heading_raw, update.body, update.problem) == (date(2020, 7, 17), heading, "Text", None)


def test_an_update_without_a_year_takes_the_plans_year_and_says_so():
    [update] = progress_updates_in("Update 16th July\nText", plan_year=2020)
    assert (update.written_on, update.year_assumed, update.problem) == (date(2020, 7, 16), True, None)


def test_an_update_without_a_year_or_a_plan_year_is_a_problem():
    [update] = progress_updates_in("Update 16th July\nText", plan_year=None)
    assert update.written_on is None
    assert "no year" in update.problem


def test_an_impossible_update_date_is_a_problem_not_a_guess():
    [update] = progress_updates_in("Update 31 September 2020\nText", plan_year=2020)
    assert (update.written_on, update.heading_raw, update.body) == (None, "Update 31 September 2020", "Text")
    assert "not a real date" in update.problem


def test_update_without_a_date_is_not_a_heading():
    assert progress_updates_in("See update above\ncontract updated to reflect changes", plan_year=2020) == []


# --- RAG rating -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, rating", [("Red", Rating.RED), ("AMBER", Rating.AMBER), ("Yellow", Rating.AMBER),
                                          (" green ", Rating.GREEN), ("Not yet started", Rating.NOT_RATED)])
def test_the_word_is_read_through_the_key(text, rating):
    assert rating_in(text, None, KEY) == (rating, None)


def test_synonyms_may_be_a_comma_separated_string_or_a_list():
    assert rating_in("Yellow", None, [(Rating.AMBER, "Amber", ["Orange", "Yellow"])]) == (Rating.AMBER, None)


@pytest.mark.parametrize("shading, rating", [("FF0000", Rating.RED), ("C00000", Rating.RED), ("FFC000", Rating.AMBER),
                                             ("FFFF00", Rating.AMBER), ("FF9900", Rating.AMBER), ("00B050", Rating.GREEN),
                                             ("92D050", Rating.GREEN), ("FFFFFF", None), ("D9D9D9", None),
                                             ("0070C0", None), (None, None), ("auto", None)])
def test_shading_colours(shading, rating):
    assert shading_rating(shading) == rating


def test_shading_alone_gives_the_rating():
    assert rating_in("", "FF0000", KEY) == (Rating.RED, None)


def test_an_empty_unshaded_cell_is_not_rated():
    assert rating_in("", None, KEY) == (None, None)


def test_word_and_shading_disagreeing_is_a_problem_and_the_word_wins():
    rating, problem = rating_in("Green", "FF0000", KEY)
    assert rating == Rating.GREEN
    assert "Green" in problem and "red" in problem


def test_an_unknown_word_is_a_problem():
    rating, problem = rating_in("Purple", "00B050", KEY)
    assert rating is None
    assert "Purple" in problem and "Yellow" in problem


# --- Text cleaned once, where it is read ----------------------------------------------------------------------


def test_html_typed_into_a_cell_reads_as_lines():
    assert plain_text("<p>Phase 1 30/09/20</p> <p>Phase 2 30/10/20</p>") == "Phase 1 30/09/20\nPhase 2 30/10/20"
    assert plain_text("<ul><li>Audit</li><li>Train &amp; review</li></ul>") == "• Audit\n• Train & review"
    assert plain_text("Line one<br>Line <b>two</b>") == "Line one\nLine two"


def test_text_without_tags_is_kept_exactly_as_written():
    for text in ("Phase 1\n  indented", "R&D budget", "caseloads < 20", "Update 20 July 2020\n• done"):
        assert plain_text(text) == text


def test_an_updates_opening_date_line_goes_when_it_repeats_the_updates_own_date():
    body = "Update 20 July 2020\n• Report to the Corporate Parenting Panel"
    assert without_its_own_date(body, date(2020, 7, 20)) == "• Report to the Corporate Parenting Panel"
    same_line = "Update 20 July 2020 MOMO project to be included"
    assert without_its_own_date(same_line, date(2020, 7, 20)) == "MOMO project to be included"
    assert without_its_own_date("Update 20 July\nNo year written", date(2020, 7, 20)) == "No year written"


def test_an_opening_date_line_that_says_something_else_is_kept():
    other_date = "Update 20 June 2020\nPanel met"
    assert without_its_own_date(other_date, date(2020, 7, 20)) == other_date
    assert without_its_own_date("Panel met on 20 July 2020", date(2020, 7, 20)) == "Panel met on 20 July 2020"
    assert without_its_own_date("Update 20 July 2020", date(2020, 7, 20)) == "Update 20 July 2020"  # nothing else
