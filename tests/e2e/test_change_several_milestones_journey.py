"""A programme manager changes the responsible person of two milestones at once, in Chromium: ticked on the
milestone list, what to change, who, a check of both changes, saved. And each page of the journey fits a 320 px
screen with no violation found by axe-core (WCAG 2.2 A and AA, and
best practice, as the accessibility test checks).

Changing milestones changes what other journeys see, so this module runs on a server of its own (`fresh_server`).
"""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR
from tests.e2e.test_accessibility import AXE, AXE_OPTIONS, AXE_RUN
from tests.e2e.test_audit_journey import sign_in

pytestmark = pytest.mark.browser

MANAGER = ("phil.hayden@council.example", "Phil Hayden")


@pytest.fixture(scope="module")
def live_server(fresh_server):
    return fresh_server


def responsible(page: Page, row: int) -> str:
    return page.locator("tbody tr").nth(row).locator("td[data-label=Responsible]").inner_text().strip()


def test_a_programme_manager_gives_two_milestones_a_new_responsible_person(page: Page):
    sign_in(page, MANAGER)
    page.goto("/plan/milestones")
    boxes = page.locator("tbody").get_by_role("checkbox")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Change selected milestones").click()

    expect(page.get_by_text("2 milestones selected")).to_be_visible()
    page.get_by_label("The responsible person").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Change the responsible person", level=1)).to_be_visible()
    page.get_by_label("New responsible person").select_option(label="Phil Hayden")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check the changes before saving them")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Save these changes").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("changed")
    assert [responsible(page, 0), responsible(page, 1)] == ["Phil Hayden", "Phil Hayden"]


def fits(page: Page, width: int, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width} px"
    page.evaluate(AXE.read_text())  # evaluated by Playwright: not an inline script for the page's policy to refuse
    violations = page.evaluate(AXE_RUN, AXE_OPTIONS)["violations"]
    assert [(v["id"], [node["target"] for node in v["nodes"]]) for v in violations] == [], name
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"change-several-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_each_step_fits_the_screen(page: Page, width: int):
    """Kept as CI artefacts: the list, what to change, the new due date (with an impossible one), the check."""
    sign_in(page, MANAGER)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/plan/milestones?sort=due")
    fits(page, width, "list")
    page.get_by_role("button", name="Change all").click()
    expect(page.get_by_role("heading", name="What do you want to change?", level=1)).to_be_visible()
    fits(page, width, "what")
    page.get_by_label("The due date").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Exact date", exact=True).check()
    due = page.get_by_role("group", name="Due date")
    due.get_by_label("Day").fill("31")
    due.get_by_label("Month").fill("2")
    due.get_by_label("Year").fill("2027")
    page.get_by_label("Capacity").check()
    page.get_by_label("Explain the change").fill("The work moves to next year's budget")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    fits(page, width, "due-date-errors")
    due.get_by_label("Day").fill("28")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check the changes before saving them")).to_be_visible()
    fits(page, width, "check")
