"""A programme manager brings a plan in from Word through the real app in Chromium: from the plan overview to the
upload, the preview with its problems, a near match confirmed, and the imported plan's overview.

The file is the July 2020 plan (tests/fixtures) with its title changed, so it is a new plan beside the demo plan,
and with one name misspelled ("Amandip Johall"), so the preview offers it as the known Amandip Johal. Importing
a new plan makes it the one every page shows, so this module runs on a server of its own (`fresh_server`: a new
database with the demo loaded), and the other journeys never meet it.
"""

import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "improvement-plan-2020-07.docx"
MANAGER = ("phil.hayden@council.example", "demo-password", "Phil Hayden")
TITLE = "Children's Services Improvement Plan (Word import journey)"
MISSPELLED, KNOWN = "Amandip Johall", "Amandip Johal"
AREAS = ["1.0", "2.0", "3.0", "4.0", "5.0"]


@pytest.fixture(scope="module")
def live_server(fresh_server):
    return fresh_server


@pytest.fixture
def plan_file(tmp_path) -> Path:
    document = docx.Document(str(FIXTURE))
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    title.text = TITLE
    cell = next(cell for table in document.tables for row in table.rows for cell in row.cells
                if cell.text.strip() == KNOWN)
    cell.paragraphs[0].text = MISSPELLED
    path = tmp_path / "improvement-plan-september.docx"
    document.save(str(path))
    return path


def sign_in(page: Page) -> None:
    email, password, name = MANAGER
    page.goto("/plan")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=f"Sign out {name}")).to_be_visible()


def test_a_programme_manager_imports_a_plan_from_word(page: Page, plan_file: Path):
    sign_in(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Plan overview", exact=True).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(TITLE)  # the demo plan, until the import
    page.get_by_role("link", name="Import a plan from Word").click()
    expect(page.get_by_role("heading", name="Import a plan", level=1)).to_be_visible()

    page.get_by_label("Upload the plan").set_input_files(str(plan_file))
    page.get_by_role("button", name="Upload and check").click()

    # The preview: a new plan (no plan has this title), everything new, the two impossible dates as problems.
    expect(page.get_by_role("heading", name="Check the import", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/plan/import/[0-9a-f]{64}$"))
    expect(page.get_by_text("Nothing has been imported yet.")).to_be_visible()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("A new plan")
    milestones = page.locator('#import-counts tr[data-items="milestones"]')
    expect(milestones.locator('[data-outcome="create"]')).to_have_text("176")
    expect(page.locator('#import-counts tr[data-items="areas"] [data-outcome="create"]')).to_have_text("5")
    expect(page.locator(".govuk-warning-text")).to_contain_text("2 cells the service could not read")
    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("Table 7, row 33")
    expect(problems.nth(1)).to_contain_text("Table 7, row 34")
    expect(problems.nth(0)).to_contain_text("31/09/20 is not a calendar date")

    # The misspelled name is offered as the person the service knows; ticked, no one new is added for it.
    same = page.get_by_label(f"Same person as {KNOWN}")
    expect(same).not_to_be_checked()
    same.check()
    page.get_by_role("button", name="Confirm and import").click()

    # The overview now shows the imported plan with its five areas.
    expect(page).to_have_url(re.compile(r"/plan$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Imported: 176 new milestones, 0 changed")
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    for number in AREAS:
        expect(page.locator(f'#area-summary [data-area="{number}"]')).to_be_visible()
    expect(page.locator('#area-summary [data-area="total"] [data-figure="milestones"]')).to_have_text("176 milestones")

    # Going back to the preview after the import: nothing is waiting, and it says so.
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", name="This import is not waiting", level=1)).to_be_visible()
