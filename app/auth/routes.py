from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from app.auth import bp, second_step
from app.auth.forms import LoginForm
from app.auth.sso import provider_sign_out_url
from app.clock import now
from app.services import sign_in

PUBLIC_ENDPOINTS = {
    "auth.login", "main.health", "assets.static", "auth.sso_start", "auth.sso_callback",
    # before signing in: a forgotten password, an e-mailed link, and the second step (app/auth/second_step.py)
    "auth.forgotten_password", "auth.new_password", "auth.sign_in_code", "auth.sign_in_recovery_code",
    # calendar programs cannot sign in: the feed's secret token is its key, and an unknown or revoked one gets 404
    "notifications.calendar_feed",
    # what anyone may need before signing in: how accessible the service is, how it uses personal data, who to ask
    "help.accessibility", "help.privacy", "help.contact",
}


@bp.before_app_request
def require_login():
    """Every page needs a signed-in person, except signing in, the health check and the styles."""
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with an e-mail address and password; too many failures are answered 429 with how long to wait."""
    form = LoginForm()
    if form.validate_on_submit():
        outcome = sign_in.attempt(form.email.data, form.password.data, client=request.remote_addr, now=now())
        if outcome.person:
            return second_step.after_password(outcome.person, _safe_next(request.args.get("next")))
        form.password.errors.append(outcome.message)
        return render_template("auth/login.html", form=form), 429 if outcome.wait else 200
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.my_work")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    at_provider = provider_sign_out_url()  # signed in with single sign-on: sign out there too
    logout_user()
    flash("You have signed out.", "success")
    return redirect(at_provider or url_for("auth.login"))
