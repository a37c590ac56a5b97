from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.api import is_api_request
from app.auth import bp, second_step
from app.auth.forms import LoginForm
from app.auth.sso import provider_sign_out_url
from app.clock import now
from app.models import SessionEnd
from app.services import sessions, sign_in

PUBLIC_ENDPOINTS = {
    "auth.login", "main.health", "assets.static", "auth.sso_start", "auth.sso_callback",
    # monitoring: readiness shows no data; the metrics need their own token (METRICS_TOKEN, app/main/routes.py)
    "main.ready", "main.metrics_page",
    # before signing in: a forgotten password, an e-mailed link, and the second step (app/auth/second_step.py)
    "auth.forgotten_password", "auth.new_password", "auth.sign_in_code", "auth.sign_in_recovery_code",
    # calendar programs cannot sign in: the feed's secret token is its key, and an unknown or revoked one gets 404
    "notifications.calendar_feed",
    # what anyone may need before signing in: how accessible the service is, how it uses personal data, who to ask
    "help.accessibility", "help.privacy", "help.contact",
}


@bp.before_app_request
def require_login():
    """Every page needs a signed-in person, except signing in, the health check and the styles. Being signed in is
    checked against the session held on the server (app.services.sessions), on every request."""
    if is_api_request():  # the read API: bearer tokens, never a browser session (app/api)
        return None
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
    at_provider = provider_sign_out_url()  # signed in with single sign-on: sign out there too (before the session ends)
    sessions.end(SessionEnd.SIGNED_OUT, now=now())
    flash("You have signed out.", "success")
    return redirect(at_provider or url_for("auth.login"))


@bp.route("/account/sessions")
def your_sessions():
    """Where this person is signed in, with a button to sign out everywhere."""
    return render_template("auth/sessions.html", person=current_user, rows=sessions.open_sessions(current_user, now=now()),
                           is_this_browser=sessions.is_this_browser, own=True)


@bp.route("/account/sessions/end", methods=["POST"])
def sign_out_everywhere():
    sessions.end_all(current_user, reason=SessionEnd.SIGNED_OUT_EVERYWHERE, now=now())
    sessions.end(SessionEnd.SIGNED_OUT_EVERYWHERE, now=now())
    flash("You have signed out everywhere: on this browser and every other browser and device.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/sessions/keep", methods=["POST"])
def stay_signed_in():
    """"Stay signed in" on the idle warning (app/static/session-timeout.js): the session was used now."""
    return jsonify(ends_in=round(sessions.touch(now=now(), limits=sessions.Limits.configured()).total_seconds()))
