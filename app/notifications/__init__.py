from flask import Blueprint

# no url_prefix: its addresses are in e-mails, stored notices and calendar subscriptions, so must not change
bp = Blueprint("notifications", __name__, url_prefix="")

from app.notifications import routes  # noqa: E402,F401
