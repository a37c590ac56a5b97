"""Long lists a page at a time (app/services/listing.py): search, sort and page, whatever the list's length."""

from sqlalchemy import select

from app.models import Person
from app.services.listing import ListQuery, paged

SORTS = {"name": (Person.name, Person.id)}


def names(listing) -> list[str]:
    return [person.name for person in listing.items]


def test_pages_are_sorted_and_counted(db, make_person):
    for number in range(7):
        make_person(f"Person {number}")
    everyone = select(Person)
    first = paged(everyone, ListQuery("name", size=3), sorts=SORTS)
    assert (first.total, first.pages, first.first_shown, first.last_shown) == (7, 3, 1, 3)
    assert names(first) == ["Person 0", "Person 1", "Person 2"]
    last = paged(everyone, ListQuery("name", descending=True, page=3, size=3), sorts=SORTS)
    assert names(last) == ["Person 0"] and (last.first_shown, last.last_shown) == (7, 7)


def test_a_page_beyond_the_end_shows_the_last_page(db, make_person):
    for number in range(4):
        make_person(f"Person {number}")
    beyond = paged(select(Person), ListQuery("name", page=100_000, size=3), sorts=SORTS)
    assert beyond.query.page == 2 and names(beyond) == ["Person 3"]


def test_search_matches_words_literally(db, make_person):
    make_person("Ann 100% Smith")
    make_person("Ann 1000 Smith")
    make_person("Bob_Jones")
    make_person("Bobby Jones")
    found = paged(select(Person), ListQuery("name", search="100%"), sorts=SORTS, searched=[Person.name])
    assert names(found) == ["Ann 100% Smith"], "% is a character typed, not a wildcard"
    assert names(paged(select(Person), ListQuery("name", search="b_j"), sorts=SORTS, searched=[Person.name])) \
        == ["Bob_Jones"], "_ is a character typed, and the search ignores case"


def test_sorted_by_a_column_turns_it_round(db):
    query = ListQuery("name", page=4)
    assert query.sorted_by("name") == ListQuery("name", descending=True, page=1)
    assert query.sorted_by("team") == ListQuery("team", descending=False, page=1)
