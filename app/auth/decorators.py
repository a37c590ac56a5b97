"""Role checks for routes. Object-level rules (who may update a milestone) live in services/permissions.py."""

from functools import wraps

from flask import abort
from flask_login import current_user

from app.models import Role
from app.services.permissions import AUDIT_CONTENT_ROLES


def roles_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


programme_manager_required = roles_required(Role.ADMIN, Role.PROGRAMME_MANAGER)
admin_required = roles_required(Role.ADMIN)
qa_lead_required = roles_required(*AUDIT_CONTENT_ROLES)  # audit contents: not administrators (least privilege)
audit_report_managers_required = roles_required(Role.QA_LEAD, Role.ADMIN)  # the monthly reports: aggregated figures
