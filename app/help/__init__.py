from flask import Blueprint

# The user guides, the accessibility statement, the privacy notice and contact (decision 0008)
bp = Blueprint("help", __name__, url_prefix="/help")

from app.help import routes  # noqa: E402,F401
