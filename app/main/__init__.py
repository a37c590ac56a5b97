from flask import Blueprint

# no url_prefix: /, /my-work (linked from e-mails and calendar feeds) and /health sit at the root
bp = Blueprint("main", __name__, url_prefix="")

from app.main import routes  # noqa: E402,F401
