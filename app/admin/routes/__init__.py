"""Administrators' pages: people (including groups and placeholders), teams, and the reminders."""

from app.admin import bp
from app.auth.decorators import admin_required


@bp.before_request
@admin_required
def only_admins():
    return None


from app.admin.routes import handover, people, reminders, set_up_links  # noqa: E402,F401
