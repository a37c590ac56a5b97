"""The plan dashboard in Chromium, as a programme manager, at 1280 and 320 px: the areas' RAG bars with their figures
in words, the key, days slipped, changes since the last report and the coverage, with no sideways scroll. The two
screenshots are kept in test-results/e2e/ (CI keeps that folder as an artefact)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR

pytestmark = pytest.mark.browser

MANAGER_EMAIL = "phil.hayden@council.example"
PASSWORD = "demo-password"


def sign_in_as_manager(page: Page) -> None:
    page.goto("/plan")
    page.get_by_label("Email address").fill(MANAGER_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_plan_dashboard_fits_and_reads_at_any_width(page: Page, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_as_manager(page)
    page.goto("/plan")
    expect(page.get_by_role("heading", name="Areas", level=2)).to_be_visible()

    first_area = page.locator("#area-summary [data-area]").first
    expect(first_area.locator(".app-rag-bar")).to_have_attribute("aria-hidden", "true")
    expect(first_area.locator('[data-figure="RED"]')).to_have_text(re.compile(r"^Red \d+"))
    expect(page.locator("#rag-key")).to_be_visible()  # the key is not hidden in a details
    expect(page.get_by_role("heading", name="Days slipped")).to_be_visible()
    expect(page.get_by_role("heading", name="Changed since the last released report")).to_be_visible()
    expect(page.get_by_role("table", name="Recommendations")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scroll"
    if width == 1280:
        bar = first_area.locator(".app-rag-bar").bounding_box()
        assert bar["width"] > 250, "a bar wide enough to read at a glance"
        areas = page.locator("#area-summary [data-area]")
        assert areas.nth(0).bounding_box()["y"] == areas.nth(1).bounding_box()["y"], "areas side by side"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"plan-dashboard-{width}.png"), full_page=True)
