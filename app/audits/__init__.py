from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort

from app.services.errors import NotAllowedError

bp = Blueprint("audits", __name__, url_prefix="/audits")
Result = TypeVar("Result")


def allowed_or_403(change: Callable[[], Result]) -> Result:
    """Run a service call that checks who may see or do this; someone it refuses gets 403 Forbidden."""
    try:
        return change()
    except NotAllowedError:
        abort(403)


from app.audits import routes  # noqa: E402,F401
