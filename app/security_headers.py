"""Security headers on every response (Flask-Talisman), `Cache-Control: no-store` on everything but the static
assets, and Werkzeug's ProxyFix when configured for a deployment behind a reverse proxy (docs/security.md,
"Headers")."""

from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

# GOV.UK Frontend's page template (govuk_frontend_jinja/template.html) starts <body> with this one inline script,
# `document.body.className += ' js-enabled' + ...`: allowed by its hash, as GOV.UK Frontend advises, so that no
# other inline script can run (tests/integration/test_security_headers.py checks the hash against the template).
GOVUK_FRONTEND_INLINE_SCRIPT_HASH = "'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='"

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": ["'self'", GOVUK_FRONTEND_INLINE_SCRIPT_HASH],
    "style-src": "'self'",
    "img-src": "'self'",  # the findings charts are PNGs from the app itself
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Nothing in the service needs the browser's devices or sensors.
PERMISSIONS_POLICY = {feature: "()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb")}

# Internal links keep their full address (back links, filters); other sites are told nothing.
REFERRER_POLICY = "same-origin"

PROXY_FIX_SETTINGS = {"x_for": "PROXY_FIX_X_FOR", "x_proto": "PROXY_FIX_X_PROTO", "x_host": "PROXY_FIX_X_HOST",
                      "x_port": "PROXY_FIX_X_PORT", "x_prefix": "PROXY_FIX_X_PREFIX"}

CACHEABLE_BLUEPRINTS = {"assets"}  # GOV.UK Frontend's and the app's CSS, JavaScript, fonts and images


def register(app: Flask) -> None:
    configure_proxy_fix(app)
    Talisman(
        app,
        content_security_policy=content_security_policy(app.config["OIDC_ISSUER"]),
        permissions_policy=PERMISSIONS_POLICY,
        referrer_policy=REFERRER_POLICY,
        frame_options="DENY",
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS"],
        # Talisman would otherwise overwrite the cookie settings of config.py with its own defaults.
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(forbid_storing)


def content_security_policy(oidc_issuer: str) -> dict:
    """The policy; with single sign-on on, the sign-out form may go on to the identity provider's sign-out page (a
    form's redirects are held to form-action too)."""
    if not oidc_issuer:
        return CONTENT_SECURITY_POLICY
    issuer = urlsplit(oidc_issuer)
    return {**CONTENT_SECURITY_POLICY, "form-action": ["'self'", f"{issuer.scheme}://{issuer.netloc}"]}


def configure_proxy_fix(app: Flask) -> None:
    """Trust the X-Forwarded-* headers of as many proxies as configured; none by default."""
    trusted = {argument: app.config[setting] for argument, setting in PROXY_FIX_SETTINGS.items()}
    if any(trusted.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **trusted)


def forbid_storing(response: Response) -> Response:
    """Every page and download may show audit or plan data, or a form's token: no browser or proxy keeps a copy.
    Only the static assets stay cacheable; a view's own "private, no-store" stands."""
    if request.blueprint not in CACHEABLE_BLUEPRINTS and not response.cache_control.no_store:
        response.headers["Cache-Control"] = "no-store"
    return response
