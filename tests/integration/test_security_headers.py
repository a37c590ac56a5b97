"""Security headers on every response, as a browser (or an attacker's proxy) sees them: the Content-Security-Policy
and its companions on a public page, a signed-in page and a download; HSTS and the HTTPS redirect in production
only; no copy kept of pages and downloads, while the static assets stay cacheable; ProxyFix only when configured;
and no inline script, event handler or style attribute left for the policy to refuse."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from flask import request

from app import create_app
from app.auth import routes as auth_routes
from app.models import Role
from config import BASE_DIR, TestingConfig
from tests.integration.audit_setting import allocated_audit

PUBLIC_PAGE = "/login"
SIGNED_IN_PAGE = "/audits/findings"
DOWNLOADS = ("/audits/export.csv", "/audits/findings/elements.png")
STATIC_ASSET = "/assets/app.js"
TEMPLATES = BASE_DIR / "templates"
E_MAILS = TEMPLATES / "emails"  # read in mail programs, never under the service's policy

CSP_DIRECTIVES = {
    "default-src": "'self'", "style-src": "'self'", "img-src": "'self'", "object-src": "'none'",
    "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
}


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def assert_security_headers(response, *, hsts: bool = False) -> None:
    policy = csp(response)
    for directive, value in CSP_DIRECTIVES.items():
        assert policy[directive] == value, directive
    assert policy["script-src"].split()[0] == "'self'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert ("Strict-Transport-Security" in response.headers) == hsts


@pytest.fixture
def qa_lead_client(db, make_person, client, login):
    setting = allocated_audit(db, make_person)
    assert setting["qa_lead"].role == Role.QA_LEAD
    return login(setting["qa_lead"])


def test_a_public_page_has_every_header_and_is_not_stored(client):
    response = client.get(PUBLIC_PAGE)
    assert response.status_code == 200
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_signed_in_page_and_its_downloads_have_every_header_and_are_not_stored(qa_lead_client):
    for url in (SIGNED_IN_PAGE, *DOWNLOADS):
        response = qa_lead_client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert "no-store" in response.headers["Cache-Control"].split(", "), url


def test_an_error_page_is_not_stored_either(qa_lead_client):
    response = qa_lead_client.get("/audits/999999")
    assert response.status_code == 404
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_static_assets_stay_cacheable(client):
    response = client.get(STATIC_ASSET)
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]
    assert "max-age=3600" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_hsts_and_no_https_redirect_in_testing_or_development(client):
    assert "Strict-Transport-Security" not in client.get(PUBLIC_PAGE, base_url="https://localhost").headers
    assert client.get(PUBLIC_PAGE).status_code == 200  # plain HTTP stays plain HTTP
    development = create_app("development")
    assert not development.config["HSTS"] and not development.config["FORCE_HTTPS"]
    assert not development.config.get("SESSION_COOKIE_SECURE")  # the demo signs in over http://localhost


@pytest.fixture
def production(monkeypatch):
    monkeypatch.delenv("AS_OF_DATE", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    return create_app("production")


def test_production_sends_hsts_over_https_and_redirects_plain_http(production):
    client = production.test_client()
    secure = client.get(PUBLIC_PAGE, base_url="https://tracker.council.example")
    max_age, subdomains = secure.headers["Strict-Transport-Security"].split("; ")
    assert int(max_age.removeprefix("max-age=")) >= 365 * 24 * 3600 and subdomains == "includeSubDomains"
    assert_security_headers(secure, hsts=True)
    behind_proxy = client.get(PUBLIC_PAGE, base_url="http://tracker.council.example",
                              headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200 and "Strict-Transport-Security" in behind_proxy.headers
    plain = client.get(PUBLIC_PAGE, base_url="http://tracker.council.example")
    assert plain.status_code == 302
    assert plain.headers["Location"] == "https://tracker.council.example/login"
    assert production.config["SESSION_COOKIE_SECURE"]  # Talisman keeps config.py's cookie settings


def test_production_can_leave_the_redirect_to_the_proxy(monkeypatch):
    monkeypatch.setattr("config.ProductionConfig.FORCE_HTTPS", False)  # FORCE_HTTPS=false, read as config.py loads
    monkeypatch.delenv("AS_OF_DATE", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    client = create_app("production").test_client()
    assert client.get(PUBLIC_PAGE, base_url="http://tracker.council.example").status_code == 200


def remote_address_client(monkeypatch, forwarded_for: int):
    """The app with one more page, open to all, that says the address the request came from."""
    monkeypatch.setattr(TestingConfig, "PROXY_FIX_X_FOR", forwarded_for)
    monkeypatch.setattr(auth_routes, "PUBLIC_ENDPOINTS", auth_routes.PUBLIC_ENDPOINTS | {"remote_address"})
    app = create_app("testing")
    app.add_url_rule("/test-only/remote-address", "remote_address", lambda: request.remote_addr)
    return app.test_client()


def test_proxy_headers_are_trusted_only_when_configured(monkeypatch):
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    unconfigured = remote_address_client(monkeypatch, forwarded_for=0)
    assert unconfigured.get("/test-only/remote-address", headers=forwarded).text == "127.0.0.1"
    behind_one_proxy = remote_address_client(monkeypatch, forwarded_for=1)
    assert behind_one_proxy.get("/test-only/remote-address", headers=forwarded).text == "203.0.113.9"


# --- No inline script or style for the policy to refuse -------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def page_templates() -> list[Path]:
    return [path for path in TEMPLATES.rglob("*.html") if E_MAILS not in path.parents]


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, JAVASCRIPT_URL],
                         ids=["inline script", "event handler", "style attribute", "javascript: URL"])
def test_no_template_has_what_the_policy_refuses(pattern):
    assert len(page_templates()) > 50
    found = [f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}"
             for path in page_templates() for match in pattern.finditer(path.read_text())]
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script type="module">initAll()</script>')
    assert not INLINE_SCRIPT.search('<script type="module" src="/assets/app.js"></script>')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert STYLE_ATTRIBUTE.search('<span class="x" style="width: 3%">')
    assert not STYLE_ATTRIBUTE.search('<p class="govuk-body">A style="quoted" in words</p>')


def test_the_one_inline_script_on_a_page_is_govuk_frontends_allowed_by_its_hash(qa_lead_client):
    for url in (PUBLIC_PAGE, SIGNED_IN_PAGE, "/plan"):
        response = qa_lead_client.get(url)
        scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, re.DOTALL)
        assert len(scripts) == 1, url
        digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp(response)["script-src"].split(), url
        assert 'src="/assets/app.js"' in response.text
