from flask import Blueprint

bp = Blueprint("audits", __name__, url_prefix="/audits")

from app.audits import audit_routes, followup_routes, moderation_routes, routes  # noqa: E402,F401
