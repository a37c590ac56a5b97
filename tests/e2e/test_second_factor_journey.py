"""A person sets up their second factor in Chromium (reading the key from the page, as someone who cannot scan
would), signs out, and signs in again with a code; every new page is checked by axe-core on the way."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import PASSWORD, check, new_page, sign_in

pytestmark = pytest.mark.browser
VIEWER = "viewer@council.example"


def test_set_up_and_sign_in_with_a_code(browser, fresh_server):
    page = new_page(browser, fresh_server)
    checked = {}
    try:
        sign_in(page, VIEWER)
        page.goto("/account/notifications")
        page.get_by_role("link", name=re.compile("Your second factor")).click()
        expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
        checked["set up"] = check(page)
        totp = pyotp.TOTP(page.locator("#key").inner_text().replace(" ", ""))
        page.get_by_label("Code from your authenticator app").fill(totp.now())
        page.get_by_role("button", name="Turn on the second factor").click()
        expect(page.get_by_role("heading", name="Your second factor is on")).to_be_visible()
        checked["recovery codes"] = check(page)
        page.get_by_role("button", name=re.compile(r"^Sign out")).click()
        page.goto("/login")
        page.get_by_label("Email address").fill(VIEWER)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
        checked["code"] = check(page)
        page.get_by_role("link", name=re.compile("use a recovery code")).click()
        checked["recovery code"] = check(page)
        page.go_back()
        page.get_by_label("Code from your authenticator app").fill(totp.at(time.time() + 30))
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_be_visible()
        page.goto("/account/password")
        checked["change password"] = check(page)
    finally:
        page.context.close()
    failures = {name: result["violations"] for name, result in checked.items() if result["violations"]}
    assert failures == {}, failures
