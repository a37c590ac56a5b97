"""People, Teams and the plan's milestone list a page at a time: searched, sorted by the server over the whole
list, paged with GOV.UK pagination, and the same few queries whatever their length."""

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Action, DueKind, Milestone, MilestoneStatus, PersonKind, Role, Team
from tests.integration.test_plan_pages import add_milestone


def listed_names(html: str) -> list[str]:
    return re.findall(r'/admin/people/\d+/edit">([^<]+)</a>', html)


@pytest.fixture
def admin(make_person):
    return make_person("Ada Admin", Role.ADMIN)


@pytest.fixture
def many_people(make_person, plan_tree):
    """60 more people (and Olive Owner, Lee Lead, Ada Admin): half in a team, one with a job title to find."""
    team = Team(name="Fostering East")
    db.session.add(team)
    for number in range(60):
        person = make_person(f"Person {number:02d}", login=number % 3 == 0)
        person.team = team if number % 2 else None
    make_person("Somebody Placeholder", kind=PersonKind.PLACEHOLDER, login=False).job_title = "Head of Fostering"
    db.session.commit()


def test_people_are_paged_with_every_name_on_one_page_only(client, login, admin, many_people):
    login(admin)
    first = client.get("/admin/people").get_data(as_text=True)
    second = client.get("/admin/people?page=2").get_data(as_text=True)
    assert "Showing 1 to 50 of 64 people" in first and 'aria-label="Pages of results"' in first
    names = listed_names(first) + listed_names(second)
    assert len(names) == 64 == len(set(names)) and names == sorted(names)


def test_people_search_covers_team_and_job_title(client, login, admin, many_people):
    login(admin)
    in_team = client.get("/admin/people?q=fostering").get_data(as_text=True)
    assert "31 people matching “fostering”" in in_team, "30 in the team, and one by job title"
    assert "Somebody Placeholder" in in_team and "Person 01" in in_team and "Person 00" not in in_team
    assert "No people match “nobody here”" in client.get("/admin/people?q=nobody+here").get_data(as_text=True)


def test_people_sorted_by_who_signs_in_across_pages(client, login, admin, many_people):
    login(admin)
    html = client.get("/admin/people?sort=signs-in&order=descending").get_data(as_text=True)
    first_names = listed_names(html)[:23]  # 20 of the 60, Olive, Lee and Ada sign in
    assert "Person 01" not in first_names and "Person 00" in first_names and "Ada Admin" in first_names
    assert 'aria-sort="descending"' in html


def test_role_words_on_people(client, login, admin, plan_tree, make_person):
    make_person("Vic Viewer")
    login(admin)
    html = client.get("/admin/people?sort=role").get_data(as_text=True)
    assert re.search(r"Lee Lead.*?Action owner", html, re.S) and re.search(r"Vic Viewer.*?>Viewer<", html, re.S)


def test_teams_are_searched_and_sorted(client, login, admin, many_people):
    db.session.add(Team(name="Adoption"))
    db.session.commit()
    login(admin)
    html = client.get("/admin/teams?sort=members&order=descending").get_data(as_text=True)
    assert html.index("Fostering East") < html.index("Adoption")
    assert "Adoption" not in client.get("/admin/teams?q=east").get_data(as_text=True)


@pytest.fixture
def long_plan(plan_tree):
    """55 more milestones over 11 actions, due on different days; the fixture's own is due 30/09/2020."""
    for number in range(11):
        action = Action(area=plan_tree["area"], number=f"1.{number + 2}", what="More work", position=number + 1)
        db.session.add(action)
        for position in range(5):
            db.session.add(Milestone(action=action, deliverable=f"Work {number}-{position}", position=position,
                                     responsible=plan_tree["owner"], status=MilestoneStatus.IN_PROGRESS,
                                     due_kind=DueKind.DATE, due_on=date(2021, 1, 1 + number * 2 + position),
                                     due_raw=""))
    db.session.commit()


def rows(html: str) -> list[str]:
    return re.findall(r'data-milestone="\d+">.*?/milestones/\d+">([^<]+)</a>', html, re.S)


def test_the_milestone_list_is_paged_in_plan_order(client, login, plan_tree, long_plan):
    login(plan_tree["owner"])
    first = client.get("/plan/milestones").get_data(as_text=True)
    second = client.get("/plan/milestones?page=2").get_data(as_text=True)
    assert "Showing 1 to 50 of 56 milestones" in first and "Showing 51 to 56 of 56 milestones" in second
    assert rows(first)[:2] == ["Supervision audit completed", "Work 0-0"] and rows(second)[-1] == "Work 10-4"


def test_sorting_the_milestone_list_keeps_the_filters(client, login, plan_tree, long_plan):
    login(plan_tree["owner"])
    latest_first = client.get("/plan/milestones?sort=due&order=descending&q=work").get_data(as_text=True)
    assert "Showing 1 to 50 of 55 milestones matching “work”" in latest_first and rows(latest_first)[0] == "Work 10-4"
    assert "Supervision audit completed" not in latest_first, "the search is kept"
    next_page = re.search(r'href="([^"]*page=2[^"]*)"', latest_first).group(1).replace("&amp;", "&")
    assert "q=work" in next_page and "sort=due" in next_page and "order=descending" in next_page
    earliest = client.get("/plan/milestones?sort=due").get_data(as_text=True)
    assert rows(earliest)[0] == "Supervision audit completed", "due 30/09/2020, the earliest"


def test_milestones_without_a_date_come_last_by_due_date(client, login, plan_tree, long_plan):
    add_milestone(db, plan_tree["action"], plan_tree["owner"], kind=DueKind.TBD, text="Not dated yet")
    login(plan_tree["owner"])
    last_page = client.get("/plan/milestones?sort=due&page=2").get_data(as_text=True)
    assert rows(last_page)[-1] == "Not dated yet"


@pytest.mark.parametrize("url", ["/admin/people", "/admin/people?sort=team&q=person", "/admin/teams"])
def test_people_pages_make_the_same_queries_however_many_people(client, login, admin, make_person, count_queries, url):
    login(admin)

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    make_person("Person first").team = Team(name="Team first")
    db.session.commit()
    few = queries()
    for number in range(70):
        make_person(f"Person {number}", login=False).team = Team(name=f"Team {number}")
    db.session.commit()
    assert queries() == few
