"""The idle warning in Chromium: with a session that times out after 12 seconds without use, the warning opens 6
seconds before (half the limit, as it is shorter than 4 minutes), takes the focus, and "Stay signed in" keeps the
session; left alone, the page goes to the sign-in page, which says why. On a server of its own (its idle limit)."""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import serve
from tests.e2e.test_owner_journey import sign_in

pytestmark = pytest.mark.browser

IDLE_MINUTES = "0.2"  # 12 seconds


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e-timeout-server")
    before = os.environ.get("SESSION_IDLE_MINUTES")
    os.environ["SESSION_IDLE_MINUTES"] = IDLE_MINUTES
    try:
        yield from serve(workdir, f"sqlite:///{workdir / 'tracker.sqlite'}")
    finally:
        if before is None:
            os.environ.pop("SESSION_IDLE_MINUTES", None)
        else:
            os.environ["SESSION_IDLE_MINUTES"] = before


def test_the_idle_warning_keeps_the_session_or_signs_out(page: Page):
    sign_in(page)
    warning = page.get_by_role("dialog", name="You are about to be signed out")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=12_000)
    assert page.evaluate("document.getElementById('session-timeout').contains(document.activeElement)")
    expect(warning.get_by_role("status")).to_contain_text("You will be signed out in")
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=12_000)  # warned again, 6 seconds before the new end
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible(timeout=12_000)  # left alone
    expect(page.get_by_text(re.compile(r"You were signed out because you had not used the service for 12 seconds"))
           ).to_be_visible()
    assert "/login" in page.url
