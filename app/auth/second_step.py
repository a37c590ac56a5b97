"""Signing in, second step: after the right password, a person with a second factor types a code from their
authenticator app (or a recovery code) before they are signed in. And the one place a sign-in is completed.

The password step keeps only the person's id, where they were going and until when (SECOND_FACTOR_PENDING_MINUTES)
in the session; nobody is signed in until the code is right. An administrator who must have a second factor and
has none is sent to set one up before any other page.
"""

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.forms import CodeForm, RecoveryCodeForm
from app.clock import now
from app.models import Person
from app.services import second_factor, sessions
from app.services.people import find_person
from app.services.wording import plural

PENDING = "pending_sign_in"
# What an administrator who must set up a second factor may still open: setting it up, signing out, the styles
SETTING_UP = {"auth.second_factor_page", "auth.set_up_second_factor", "auth.logout", "assets.static", "main.health",
              "help.accessibility", "help.privacy", "help.contact"}


def after_password(person: Person, target: str) -> Response:
    """The password was right: sign in now, or ask for a code first."""
    if not second_factor.is_on(person):
        return finish_sign_in(person, target, method="password")
    until = now() + timedelta(minutes=current_app.config["SECOND_FACTOR_PENDING_MINUTES"])
    session[PENDING] = {"person": person.id, "until": until.timestamp(), "next": target}
    return redirect(url_for("auth.sign_in_code"))


def finish_sign_in(person: Person, target: str, *, method: str) -> Response:
    """The one place a password sign-in is completed (the password, and the second factor where there is one, were
    right): a new session begins (app/services/sessions.py)."""
    session.pop(PENDING, None)
    sessions.begin(person, method=method, now=now())
    return redirect(target)


def _pending() -> Person | None:
    """The person who gave the right password and has still to give a code, while there is time."""
    pending = session.get(PENDING)
    if not pending or now().timestamp() > pending["until"]:
        session.pop(PENDING, None)
        return None
    return find_person(pending["person"])


@bp.route("/login/code", methods=["GET", "POST"])
def sign_in_code():
    return _second_step(CodeForm(), "auth/sign_in_code.html", second_factor.check_code,
                        second_factor.CODE_NOT_RIGHT)


@bp.route("/login/recovery-code", methods=["GET", "POST"])
def sign_in_recovery_code():
    def used(person, code, *, now):
        left = second_factor.use_recovery_code(person, code, now=now)
        if left is not None:
            flash(f"You signed in with a recovery code: it cannot be used again. You have {plural(left, 'recovery code')}"
                  f" left.{' Set up your second factor again to get new ones.' if left < 4 else ''}", "info")
        return left is not None

    return _second_step(RecoveryCodeForm(), "auth/sign_in_recovery_code.html", used, second_factor.RECOVERY_NOT_RIGHT)


def _second_step(form, template: str, accepted, wrong: str):
    """A code page: on the right code, signed in; a wrong one is counted, and after too many, refused for a while."""
    person = _pending()
    if person is None:
        flash("Sign in again: too long passed since you entered your password.", "info")
        return redirect(url_for("auth.login"))
    if form.validate_on_submit():
        wait = second_factor.wait(person, now=now())
        if wait:
            form.code.errors.append(second_factor.too_many_message(wait))
            return render_template(template, form=form), 429
        if accepted(person, form.code.data, now=now()):
            return finish_sign_in(person, session[PENDING]["next"], method="password and second factor")
        form.code.errors.append(wrong)
    return render_template(template, form=form)


@bp.before_app_request
def require_second_factor():
    """An administrator who must have a second factor and has none sets it up before anything else."""
    if (request.endpoint not in SETTING_UP and current_user.is_authenticated  # the styles never look at the session
            and second_factor.must_set_up(current_user)):
        return redirect(url_for("auth.set_up_second_factor"))
    return None
