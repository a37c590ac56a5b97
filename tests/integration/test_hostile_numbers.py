"""Numbers in addresses and forms that are not ids a database holds ("²", a sign, 5,000 digits, beyond 64 bits)
are ignored, never an error: the lists and filters answer as if they were not there."""

import pytest

from app.models import Role
from app.services.errors import DomainError
from app.services.numbers import whole_number
from app.services.reminders.admin import read_offsets
from app.services.wording import in_code_order

HOSTILE = ["²", "-1", "1e3", "9" * 19, "9" * 5000]


@pytest.mark.parametrize("text", [*HOSTILE, " 7", ""])
def test_anything_but_a_plain_whole_number_is_no_number(text):
    assert whole_number(text) is None


def test_plain_whole_numbers_are_read():
    assert whole_number("42") == 42 and whole_number("9" * 9) == 10**9 - 1 and whole_number(None) is None
    assert whole_number("9" * 10) is None  # beyond what an integer column holds


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
    login(make_person("Quinn QA", Role.QA_LEAD) if address.startswith("/audits/pool") else make_person("Ada Admin", Role.ADMIN))
    response = client.get(address.format(n=number))
    assert response.status_code == 200, f"{address.format(n=number)[:80]} answered {response.status_code}"


@pytest.mark.parametrize("number", HOSTILE)
def test_hostile_due_soon_days_are_refused_next_to_the_field(number):
    with pytest.raises(DomainError) as refused:
        read_offsets(f"14, {number}")
    assert refused.value.field == "due_soon_working_days"


def test_codes_with_odd_digits_still_sort():
    assert in_code_order(["R10", "²", "R2", "R" + "9" * 5000, "R1"])[:3] == ["R1", "R2", "R10"]
