"""Numbers in addresses and forms that are not ids a database holds ("²", a sign, 5,000 digits, beyond 64 bits)
are ignored, never an error: the lists and filters answer as if they were not there."""

import pytest

from app.models import Role
from app.services.numbers import whole_number

HOSTILE = ["²", "-1", "1e3", " 7", "9" * 19, "9" * 5000]


@pytest.mark.parametrize("text", HOSTILE)
def test_anything_but_a_plain_whole_number_is_no_number(text):
    assert whole_number(text) is None


def test_plain_whole_numbers_are_read():
    assert whole_number("42") == 42 and whole_number("9" * 18) == 10**18 - 1 and whole_number(None) is None


@pytest.mark.parametrize("address", [
    "/plan/milestones?page={n}&owner={n}&lead={n}&area={n}",
    "/my-work?area={n}",
    "/admin/people?page={n}",
    "/audits/pool?page={n}",
    "/audits/findings?team={n}",
    "/reports?page={n}",
])
@pytest.mark.parametrize("number", HOSTILE)
def test_lists_and_filters_ignore_hostile_numbers(client, login, make_person, plan_tree, address, number):
    login(make_person("Ada Admin", Role.ADMIN))
    response = client.get(address.format(n=number))
    assert response.status_code == 200, f"{address.format(n=number)[:80]} answered {response.status_code}"
