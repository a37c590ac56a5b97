"""A programme manager accepts three revised dates at once, in Chromium: from My work's queue to the page listing
every revised date waiting, three boxes ticked, one decision.

Accepting revised dates changes the plan's ratings, so this module runs on a server of its own (`fresh_server`)
and the other journeys never meet its decisions. The demo plan has 7 revised dates waiting, from the import.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR
from tests.e2e.test_audit_journey import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MANAGER = ("phil.hayden@council.example", "Phil Hayden")
WAITING = 7


@pytest.fixture(scope="module")
def live_server(fresh_server):
    return fresh_server


def waiting_group(page: Page, count: int):
    return page.get_by_role("group", name=f"Revised dates waiting for a decision ({count})")


def test_a_programme_manager_accepts_three_revised_dates_at_once(page: Page):
    sign_in(page, MANAGER)
    expect(page.get_by_role("heading", name=f"Revised dates to accept or reject: {WAITING}")).to_be_visible()
    page.get_by_role("link", name="Accept or reject several revised dates at once").click()
    expect(page.get_by_role("heading", name="Revised dates to decide", level=1)).to_be_visible()

    boxes = waiting_group(page, WAITING).get_by_role("checkbox")
    expect(boxes).to_have_count(WAITING)
    chosen = [boxes.nth(index) for index in range(3)]
    names = [box.evaluate("box => box.labels[0].textContent.trim()") for box in chosen]
    for box in chosen:
        box.check()
    page.get_by_role("group", name="Decision").get_by_label("Accept the selected revised dates").check()
    page.get_by_role("button", name="Record decisions").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You accepted 3 revised dates")
    left = waiting_group(page, WAITING - 3).get_by_role("checkbox")
    expect(left).to_have_count(WAITING - 3)
    for name in names:
        expect(page.get_by_label(name, exact=True)).to_have_count(0)
        expect(page.get_by_text(name, exact=True)).to_have_count(0)

    page.get_by_role("link", name="Back to My work").click()
    expect(page.get_by_role("heading", name=f"Revised dates to accept or reject: {WAITING - 3}")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_page_fits_the_screen(page: Page, width: int):
    """Kept as CI artefacts: the page, and the page with its errors, at a desktop and at the narrowest phone width:
    no sideways scroll, and no WCAG 2.2 A/AA violation found by axe-core."""
    sign_in(page, MANAGER)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/revisions")
    expect(page.get_by_role("heading", name="Revised dates to decide", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"revised-dates-to-decide-{width}.png"), full_page=True)
    page.get_by_role("button", name="Record decisions").click()  # nothing chosen: the page with its errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the revised dates to decide")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.evaluate(AXE.read_text())  # evaluated by Playwright: not an inline script for the page's policy to refuse
    violations = page.evaluate("async tags => (await axe.run(document, {runOnly: tags})).violations"
                               ".map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))", WCAG_AA)
    assert violations == []
    page.screenshot(path=str(RESULTS_DIR / f"revised-dates-to-decide-{width}-errors.png"), full_page=True)
