from flask import Blueprint

bp = Blueprint("audits", __name__, url_prefix="/audits")

from app.audits import routes  # noqa: E402,F401
