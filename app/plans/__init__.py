from flask import Blueprint

bp = Blueprint("plans", __name__)

from app.plans import imports, manage, routes  # noqa: E402,F401
