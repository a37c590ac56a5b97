"""Before signing in: "Forgotten your password?", and the page an e-mailed link (reset or set-up) opens."""

from flask import flash, redirect, render_template, url_for

from app.auth import bp
from app.auth.forms import ForgottenPasswordForm, NewPasswordForm
from app.clock import now
from app.models import TokenPurpose
from app.services import password_links, passwords
from app.web import after_the_response, applied


@bp.route("/password/forgotten", methods=["GET", "POST"])
def forgotten_password():
    """The same answer, in the same time, whether or not the address is known: the link is made and e-mailed once
    the answer has been sent."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        email, asked_at = form.email.data, now()
        after_the_response(lambda: password_links.request_reset(email, now=asked_at))
        return render_template("auth/link_sent.html", email=form.email.data,
                               minutes=int(password_links.lifetime(TokenPurpose.RESET).total_seconds() // 60))
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/password/new/<token>", methods=["GET", "POST"])
def new_password(token: str):
    """Choose a password with a link: it works once, until it expires. (Every page is sent `no-store`, and links
    to other sites are sent no referrer: app/security_headers.py.)"""
    link, form = password_links.open_link(token, now=now()), NewPasswordForm()
    if link is None:
        return render_template("auth/link_not_working.html", message=password_links.LINK_NOT_WORKING), 404
    if form.validate_on_submit() and applied(form, lambda: password_links.choose_password(
            token, form.password.data, now=now())):
        flash("Your password is saved. Sign in with it.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/new_password.html", form=form, link=link, min_length=passwords.MIN_LENGTH)
