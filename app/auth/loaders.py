from flask import flash, g
from flask import session as cookie
from flask_login import LoginManager

from app.clock import now
from app.models import Person
from app.services import sessions


def configure_login_manager(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_person(person_id: str) -> Person | None:
        """The person whose server-side session this browser holds (docs/security.md, "Sessions"). Also what any
        "remember me" cookie would be loaded through: without a live session in the Flask session, none is honoured."""
        limits = sessions.Limits.configured()
        check = sessions.current(person_id, now=now(), limits=limits)
        if check.person is None:
            cookie.clear()
            if check.timed_out:
                flash(sessions.timed_out_message(check.timed_out, limits), "info")
        g.session_time_left = check.time_left
        return check.person
