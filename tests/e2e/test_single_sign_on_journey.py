"""Single sign-on in Chromium: the sign-in page's button, the real OpenID provider's own sign-in page (tests/oidc),
back signed in; signing out goes through the provider's sign-out page and back. Nothing the Content-Security-Policy
refuses (the sign-out form is sent on to the provider: form-action allows the issuer)."""

import subprocess

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import FLASK, ROOT, LiveServer, _flask, _free_port, _server_env, _stop, _wait_until_up
from tests.oidc import CLIENT_ID, CLIENT_SECRET, PEOPLE, Provider

pytestmark = pytest.mark.browser
BUTTON = "Sign in with Example Council account"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo on its own server, with single sign-on to a provider that knows its address."""
    workdir = tmp_path_factory.mktemp("e2e-sso-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    provider = Provider([f"{url}/sso/callback"], [f"{url}/login"]).start()
    env = _server_env(f"sqlite:///{workdir / 'tracker.sqlite'}", workdir / "evidence")
    env.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
               OIDC_SCOPES="openid email profile groups", OIDC_DISPLAY_NAME=BUTTON, OIDC_PROVISION_ROLE="viewer")
    _flask(env, "db", "upgrade")
    log = workdir / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen([*FLASK, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload",
                                    "--no-debugger"], cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        assert _wait_until_up(process, url, log), log.read_text()
        yield LiveServer(url=url, database_url="", log=log)
    finally:
        _stop(process)
        provider.stop()


def test_signing_in_and_out_through_the_providers_pages(page):
    page.goto("/login")
    page.get_by_role("button", name=BUTTON).click()
    page.locator("input[name=login]").fill(PEOPLE["newton"]["sub"])  # the provider's page, not ours
    page.locator("input[name=password]").fill("any password: the test provider takes the login")
    page.get_by_role("button", name="Sign-in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's sign-out page
    expect(page.get_by_text("You have signed out")).to_be_visible()
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
