from flask_login import LoginManager

from app.models import Person
from app.services.people import find_person


def configure_login_manager(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_person(person_id: str) -> Person | None:
        person = find_person(int(person_id))
        return person if person and person.is_active else None
