"""The read API for BI tools (/api/v1, docs/api.md): read-only JSON described by OpenAPI 3.1 at /api/v1/openapi.json,
generated from the code by flask-smorest (decision 0014). Bearer tokens, not browser sessions: no cookies, no CSRF,
never sent to the sign-in page; rate-limited per token by Flask-Limiter."""

import os

from flask import Flask, Response, current_app, jsonify, request
from flask_limiter import Limiter
from flask_smorest import Api, Blueprint

from app.extensions import csrf
from app.services.api_tokens import token_hash

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Read-only data for BI tools such as Power BI.")
BLUEPRINTS = {"api", "api-docs"}  # the resources, and the OpenAPI document (app/auth/routes.py lets both through)
PREFIX = "/api/"  # any address under it is the API's, even one that names nothing (a JSON 404, not the sign-in page)

ERRORS = {401: "No valid token", 403: "The token's role may not read this", 404: "There is no such record",
          422: "A parameter is not valid",
          429: "Too many requests for this token: wait and try again"}

SETTINGS = {
    "API_TITLE": "Improvement Tracker read API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_RATE_LIMIT": "600 per minute",  # per token (docs/api.md, "Rate limits")
    "API_RATE_LIMIT_STORAGE": "memory://",  # each worker counts alone; a shared store (redis://…) for one count
}

API_SPEC_OPTIONS = {
    "info": {"description": "Read-only data of the improvement plan and aggregated audit findings, for BI tools; "
                            "single audits (never the child's identity) for QA-lead tokens only, each read recorded "
                            "in the audit access log. See docs/api.md for tokens, paging, updated_since and a Power "
                            "BI recipe."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
}


class ApiOnly(Api):
    """flask-smorest's Api without its app-wide JSON error handler: the service's pages keep their HTML error pages;
    the API's JSON errors are the blueprint's own (app/api/routes.py)."""

    def _register_error_handlers(self):
        pass


def register(app: Flask) -> None:
    for name, value in SETTINGS.items():  # the rate limits may be set in the environment (docs/operations.md)
        app.config.setdefault(name, os.environ.get(name, value) if name.startswith("API_RATE") else value)
    app.config.setdefault("API_SPEC_OPTIONS", API_SPEC_OPTIONS)
    from . import routes  # noqa: F401  (the resources, on bp)

    csrf.exempt(bp)
    limiter = Limiter(key_func=_caller, storage_uri=app.config["API_RATE_LIMIT_STORAGE"], headers_enabled=True)
    limiter.init_app(app)
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)
    ApiOnly(app).register_blueprint(bp)


def is_api_request() -> bool:
    return request.blueprint in BLUEPRINTS or request.path.startswith(PREFIX)


def error_response(code: int, message: str, errors=None) -> Response:
    """The API's JSON error: its code, a status in words and a message (and the parameters' errors, if any)."""
    body = {"code": code, "status": ERRORS.get(code, "Error"), "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
    return response


def presented_token() -> str | None:
    """The bearer token in the Authorization header, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _caller() -> str:
    """Who a rate limit counts: the token presented (as its hash), or else the address."""
    token = presented_token()
    return "token:" + token_hash(token) if token else "address:" + (request.remote_addr or "unknown")
