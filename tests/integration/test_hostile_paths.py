"""Ids in addresses that no database holds (beyond 64 bits, signed, in other scripts' digits) are "Page not found"
for everyone, on every route that takes one, never an error; for visitors, the sign-in page as any unknown
address."""

import re

import pytest

from app.services.numbers import LARGEST_ID
from tests.integration.test_permissions import WHO, world  # noqa: F401  (world: a record of every kind)

BEYOND = [str(2**31), str(2**63), str(2**64), str(10**30), "9" * 400]
NOT_IDS = ["-1", "+1", "%2B1", "1.0", "١", "１"]  # signed, a decimal, Arabic-Indic and full-width digits
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def addresses_with(app, number: str) -> list[tuple[str, str, str]]:
    """(endpoint, method, address) for every route with an int in its path, each int given as `number`."""
    found = []
    for rule in app.url_map.iter_rules():
        if not any(converter == "int" for converter, _ in ARGUMENT.findall(rule.rule)):
            continue
        path = ARGUMENT.sub(lambda part: number if part.group(1) == "int" else "x", rule.rule)
        found.append((rule.endpoint, "GET" if "GET" in rule.methods else "POST", path))
    return found


def test_every_route_with_an_id_is_covered(app):
    assert len(addresses_with(app, "1")) >= 30, "the routes' ids are no longer written <int:…>"


def test_the_largest_id_a_database_holds_is_still_looked_up(app, client, login, world):  # noqa: F811
    people, _ = world
    login(people[WHO[1]])
    assert client.get(f"/milestones/{LARGEST_ID}").status_code == 404
    assert client.get(f"/milestones/{LARGEST_ID + 1}").status_code == 404


@pytest.mark.parametrize("who", WHO, ids=lambda who: getattr(who, "value", who) or "signed-out")
def test_ids_no_database_holds_are_not_found(app, client, login, world, who):  # noqa: F811
    people, _ = world
    if who is not None:
        login(people[who])
    for number in [*BEYOND, *NOT_IDS]:
        for endpoint, method, address in addresses_with(app, number):
            response = client.open(address, method=method)
            if who is None and address.startswith("/api/"):  # the API never sends anyone to sign in
                assert response.status_code == 404 and response.is_json, f"{endpoint} {address[:60]}"
            elif who is None:
                assert response.status_code == 302 and "/login" in response.location, f"{endpoint} {address[:60]}"
            else:
                assert response.status_code == 404, f"{endpoint} {method} {address[:60]} as {who}"

