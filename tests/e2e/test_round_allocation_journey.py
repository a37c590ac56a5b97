"""A QA lead allocates a whole audit round in one step, in Chromium: a round of 8 cases, the proposal
(checked with axe-core and for sideways scroll at 320 px, kept as screenshots), confirmed once, every case
allocated. Allocating makes cases "recently audited", so this module runs on a server of its own."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RESULTS_DIR
from tests.e2e.test_accessibility import AXE, check
from tests.e2e.test_audit_journey import MONTH, QA_LEAD, expect_success, go_to, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(fresh_server):
    return fresh_server


def test_a_qa_lead_allocates_a_round_in_one_step(page: Page):
    round_title = f"Browser test round {uuid.uuid4().hex[:8].upper()}"
    sign_in(page, QA_LEAD)
    go_to(page, "Audits")
    page.get_by_role("link", name="Start an audit round").click()
    page.get_by_role("group", name="Type of audit").get_by_label("Monthly routine audit").check()
    page.get_by_label("Month", exact=True).fill(MONTH)
    page.get_by_label("Title").fill(round_title)
    page.get_by_label("Number of cases").fill("8")
    page.get_by_role("button", name="Choose cases").click()
    expect(page.get_by_role("heading", name=round_title, level=1)).to_be_visible()
    cases = page.get_by_role("main").get_by_role("table", name="Cases and auditors")
    drawn = cases.get_by_role("row").count() - 1
    assert drawn >= 2
    expect(cases).to_contain_text("Not allocated")

    page.get_by_role("button", name="Propose allocations").click()
    expect(page.get_by_role("heading", name="Allocate the round's cases", level=1)).to_be_visible()
    proposal = page.get_by_role("table", name=f"Cases to allocate ({drawn})")
    expect(proposal.get_by_role("combobox")).to_have_count(drawn)
    page.evaluate(AXE.read_text())  # evaluated by Playwright: not an inline script for the page's policy to refuse
    checked = check(page)
    assert checked == {"violations": {}, "width": 320}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(RESULTS_DIR / f"round-allocation-proposal-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Allocate these cases").click()
    expect_success(page, re.compile(rf"\b{drawn} cases were allocated\s*$"))
    expect(page.get_by_role("heading", name=round_title, level=1)).to_be_visible()
    expect(cases).not_to_contain_text("Not allocated")
    expect(cases.get_by_role("link", name="Allocated")).to_have_count(drawn)
    expect(page.get_by_role("button", name="Propose allocations")).to_have_count(0)
