"""Help in Chromium: from My work to the right part of the owners' guide; the statement, the notice and contact
before signing in; and no help page wider than a 320 px screen (WCAG 1.4.10). Screenshots of every help page at
1280 and 320 px are kept in test-results/e2e/help/ to look at."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR
from tests.e2e.test_owner_journey import sign_in

pytestmark = pytest.mark.browser

PUBLIC_PAGES = {"accessibility": "Accessibility statement for Improvement Tracker", "privacy": "Privacy notice",
                "contact": "Contact us"}
GUIDES = ["owners", "programme-managers", "auditors", "qa-leads", "reminders"]
SCREENSHOTS = RESULTS_DIR / "help"


def footer_link(page: Page, name: str):
    return page.get_by_role("contentinfo").get_by_role("link", name=name, exact=True)


def document_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_footer_and_my_work_lead_to_help(page: Page):
    page.goto("/login")
    footer_link(page, "Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PUBLIC_PAGES["accessibility"])
    sign_in(page)
    footer_link(page, "Help with this page").click()
    expect(page).to_have_url(f"{page.url.split('#')[0].split('/help')[0]}/help/owners#my-work")
    expect(page.locator("#my-work")).to_have_text("My work")
    expect(page.locator("#my-work")).to_be_in_viewport()
    footer_link(page, "Help").click()
    page.get_by_role("link", name="Auditors of case files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("User guide: auditors")


@pytest.mark.parametrize("width", [1280, 320])
def test_help_pages_fit_the_screen(page: Page, width: int):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for name, heading in PUBLIC_PAGES.items():  # signed out
        page.goto(f"/help/{name}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        assert document_width(page) <= width, f"/help/{name} is wider than {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})  # signing in checks the header, folded into a menu at 320
    sign_in(page)
    page.set_viewport_size({"width": width, "height": 900})
    for name in ["", *GUIDES]:
        page.goto(f"/help/{name}")
        page.screenshot(path=str(SCREENSHOTS / f"{name or 'index'}-{width}.png"), full_page=True)
        assert document_width(page) <= width, f"/help/{name} is wider than {width} px"
