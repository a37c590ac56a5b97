"""An owner works through My work in Chromium without leaving it: adds an update to one milestone from the list, marks
another complete from the list, and sees both on My work. Screenshots of the page at 1280 and 320 px are kept.

This changes the demo plan, so the module runs on a server of its own (`fresh_server`).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR
from tests.e2e.test_owner_journey import sign_in, success_banner

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(fresh_server):
    return fresh_server


def items(page: Page):
    return page.locator("#first + .app-work-list > li[data-milestone]")


def heading_of(item) -> str:
    return item.get_by_role("heading", level=3).inner_text()


def test_an_owner_updates_one_milestone_and_completes_another_from_my_work(page: Page):
    sign_in(page)
    expect(page.get_by_role("heading", name=re.compile(r"^Needs doing first \(\d+\)$"), level=2)).to_be_visible()
    listed = items(page)
    expect(listed.first).to_be_visible()
    total = listed.count()
    assert total >= 2
    first, second = listed.nth(0), listed.nth(1)
    first_name, second_name = heading_of(first), heading_of(second)
    # Each milestone once; the first is the most overdue, with its reason in words.
    ids = listed.evaluate_all("items => items.map(item => item.dataset.milestone)")
    assert len(ids) == len(set(ids))
    expect(first).to_contain_text(re.compile(r"Overdue by \d+ days"))

    # An update from the list.
    first.locator("summary", has_text="Add an update").click()
    group = first.get_by_role("group", name="Date of the update", exact=True)
    group.get_by_label("Day").fill("30")
    text = "Draft agreed with the Children in Care Council; sign-off at the August board."
    first.get_by_label("Progress update").fill(text)
    first.get_by_role("button", name="Add update").click()
    expect(page).to_have_url(re.compile(r"/my-work$"))
    expect(success_banner(page)).to_contain_text("Your update has been added")
    expect(success_banner(page)).to_contain_text(first_name.split(" ", 1)[1][:40])
    updated = page.locator(f'li[data-milestone="{ids[0]}"]')
    expect(updated.locator("dd").nth(1)).to_have_text("30/07/2020")

    # Another marked complete from the list: it leaves My work.
    other = page.locator(f'li[data-milestone="{ids[1]}"]')
    other.locator("summary", has_text="Mark complete").click()
    group = other.get_by_role("group", name="Date completed", exact=True)
    expect(group.get_by_label("Day")).to_have_value("31")
    other.get_by_role("button", name="Mark as complete").click()
    expect(page).to_have_url(re.compile(r"/my-work$"))
    expect(success_banner(page)).to_contain_text("The milestone is marked as complete")
    expect(success_banner(page)).to_contain_text(second_name.split(" ", 1)[1][:40])
    expect(page.locator(f'li[data-milestone="{ids[1]}"]')).to_have_count(0)
    expect(page.locator(f'li[data-milestone="{ids[0]}"]')).to_have_count(1)

    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(RESULTS_DIR / f"my-work-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_filters_work_without_javascript(page: Page):
    sign_in(page)
    page.get_by_label("Show", exact=True).select_option(label="Overdue")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"show=overdue"))
    heading = page.get_by_role("heading", name=re.compile(r"^Overdue \(\d+\)$"), level=2)
    expect(heading).to_be_visible()
    count = int(re.search(r"\((\d+)\)", heading.inner_text()).group(1))
    expect(page.locator(".app-work-list > li")).to_have_count(count)
    expect(page.locator(".app-work-list > li").filter(has_not_text="Overdue by")).to_have_count(0)
