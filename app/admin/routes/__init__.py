"""Administrators' pages: people (including groups and placeholders), teams, the reminders and the security events."""

from app.admin import bp
from app.auth.decorators import admin_required


@bp.before_request
@admin_required
def only_admins():
    return None


from app.admin.routes import handover, people, reminders, second_factors, security, set_up_links  # noqa: E402,F401
