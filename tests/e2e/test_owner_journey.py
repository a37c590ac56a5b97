"""An owner's journey through the real app in Chromium: sign in, find their work, update, re-plan, complete.

The demo plan is rated as at 31/07/2020 (AS_OF_DATE in conftest.py). Locators are accessible ones
(labels, roles, names), so a form field that loses its label fails here.
"""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

OWNER_EMAIL = "amandip.johal@council.example"
OWNER_PASSWORD = "demo-password"
AREA = "1.0"
ACTION = "1.1"


def sign_in(page: Page, email: str = OWNER_EMAIL, password: str = OWNER_PASSWORD) -> None:
    page.goto("/my-work")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out Amandip Johal")).to_be_visible()


def fill_date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    """Fill a GOV.UK date input, found by its legend then each part by its label."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def choose(page: Page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend, exact=True).get_by_label(option, exact=True).check()


def go_to(page: Page, link: str) -> None:
    """Follow a link in the service navigation at the top of every page."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=link, exact=True).click()


def green_count(page: Page, area: str) -> int:
    go_to(page, "Plan overview")
    expect(page).to_have_url(re.compile(r"/plan$"))
    figure = page.locator(f'#area-summary [data-area="{area}"] [data-figure="GREEN"]')
    expect(figure).to_have_text(re.compile(r"^Green \d+"))
    return int(re.match(r"Green (\d+)", figure.inner_text()).group(1))


def success_banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def open_milestones(page: Page):
    """Every milestone listed on My work, with the ones collapsed under "Show N other open milestones" shown."""
    rest = page.locator("#rest")
    if rest.count() and rest.get_attribute("open") is None:
        rest.locator("> summary").click()
    return page.locator("li[data-milestone]")


def test_owner_updates_replans_and_completes_a_milestone(page: Page):
    sign_in(page)
    greens_before = green_count(page, AREA)

    # My work: the first of the owner's open milestones in action 1.1 that is on track (Amber) by the rules.
    go_to(page, "My work")
    row = (open_milestones(page)
           .filter(has=page.get_by_role("link", name=re.compile(rf"^{re.escape(ACTION)} ")))
           .filter(has=page.locator(".app-rag", has_text=re.compile(r"^Amber$")))
           .filter(has_not_text="Set by a person")
           .filter(has_not_text="(you lead it)")  # Amandip is responsible for it
           .first)
    expect(row).to_be_visible()
    milestone_link = row.get_by_role("heading", level=3).get_by_role("link")
    milestone_path = milestone_link.get_attribute("href")
    assert milestone_path and re.fullmatch(r"/milestones/\d+", milestone_path), milestone_path
    milestone_link.click()

    expect(page).to_have_url(re.compile(re.escape(milestone_path) + "$"))
    expect(page.get_by_role("link", name=f"Action {ACTION}", exact=True)).to_be_visible()  # in the breadcrumbs
    rag = page.locator("#rag")
    expect(rag.locator(".app-rag").first).to_have_text("Amber")
    expect(page.get_by_text("Latest update", exact=True)).to_be_visible()

    # A progress update, dated the day before "today".
    update_text = "Children in Care Council restructure agreed at the July board; Leaving Care Council meets in August."
    page.get_by_role("link", name="Add an update").click()
    expect(page.get_by_role("heading", name="Add a progress update", level=1)).to_be_visible()
    group = page.get_by_role("group", name="Date of the update", exact=True)
    expect(group.get_by_label("Day")).to_have_value("31")  # prefilled with today, as at 31/07/2020
    fill_date(page, "Date of the update", 30, 7, 2020)
    page.get_by_label("Progress update").fill(update_text)
    page.get_by_role("button", name="Add update").click()
    expect(success_banner(page)).to_contain_text("Your update has been added")
    expect(page).to_have_url(re.compile(re.escape(milestone_path) + "$"))
    expect(page.get_by_text(update_text)).to_be_visible()
    expect(page.locator("time[datetime='2020-07-30']")).to_be_visible()

    # A revised date: Red until a programme manager accepts it.
    page.get_by_role("link", name="Propose a revised date").click()
    expect(page.get_by_role("heading", name="Propose a revised date", level=1)).to_be_visible()
    choose(page, "When will it be done?", "Exact date")
    fill_date(page, "Due date", 30, 10, 2020)
    choose(page, "Main reason for the change", "Capacity")
    page.get_by_label("Explain the change").fill("The participation lead post was vacant until July.")
    page.get_by_role("button", name="Propose revised date").click()
    expect(success_banner(page)).to_contain_text("Your revised date is recorded")
    expect(rag.locator(".app-rag").first).to_have_text("Red")
    expect(rag).to_contain_text("not yet accepted")
    expect(page.get_by_role("row", name=re.compile("Awaiting decision"))).to_be_visible()
    expect(page.get_by_text("30 October 2020").or_(page.get_by_text("30/10/2020")).first).to_be_visible()

    # Complete: Green.
    page.get_by_role("link", name="Mark as complete").click()
    expect(page.get_by_role("heading", name="Mark as complete", level=1)).to_be_visible()
    fill_date(page, "Date completed", 31, 7, 2020)
    page.get_by_role("button", name="Mark as complete").click()
    expect(success_banner(page)).to_contain_text("The milestone is marked as complete")
    expect(rag.locator(".app-rag").first).to_have_text("Green")
    expect(page.get_by_role("link", name="Mark as complete")).to_have_count(0)
    expect(page.get_by_role("button", name="Reopen this milestone")).to_be_visible()

    # The plan overview counts one more Green milestone in the area.
    assert green_count(page, AREA) == greens_before + 1

    page.goto(milestone_path)
    expect(rag.locator(".app-rag").first).to_have_text("Green")
    expect(rag).to_contain_text("Green")
    expect(page.get_by_text("Complete on 31/07/2020")).to_be_visible()


def test_bad_input_keeps_what_was_typed(page: Page):
    sign_in(page)
    go_to(page, "My work")
    open_milestones(page).first.get_by_role("heading", level=3).get_by_role("link").click()
    page.get_by_role("link", name="Add an update").click()
    expect(page.get_by_role("heading", name="Add a progress update", level=1)).to_be_visible()

    typed = "Met the Viewpoint supplier.\nNext: agree the questions with the Children in Care Council."
    fill_date(page, "Date of the update", 31, 9, 2020)
    page.get_by_label("Progress update").fill(typed)
    page.get_by_role("button", name="Add update").click()

    problem = re.compile(r"September 2020 has 30 days")
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=problem)).to_be_visible()
    date_group = page.get_by_role("group", name="Date of the update", exact=True)
    expect(date_group.locator(".govuk-error-message")).to_contain_text(problem)
    expect(date_group.get_by_label("Day")).to_have_value("31")
    expect(date_group.get_by_label("Month")).to_have_value(re.compile(r"^0?9$"))
    expect(date_group.get_by_label("Year")).to_have_value("2020")
    expect(page.get_by_label("Progress update")).to_have_value(typed)
    expect(success_banner(page)).to_have_count(0)
