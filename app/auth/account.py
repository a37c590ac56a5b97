"""A person's own sign-in settings: changing their password, and setting up or removing their second factor."""

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from app.auth import bp
from app.auth.forms import ChangePasswordForm, RemoveSecondFactorForm, SetUpSecondFactorForm
from app.clock import now
from app.services import passwords, second_factor
from app.web import applied


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and applied(form, lambda: passwords.change_password(
            current_user, current=form.current_password.data, new=form.new_password.data, now=now())):
        flash("Your password is changed. Use it next time you sign in.", "success")
        return redirect(url_for("notifications.account"))
    return render_template("auth/change_password.html", form=form, min_length=passwords.MIN_LENGTH)


@bp.route("/account/second-factor")
def second_factor_page():
    """Whether the second factor is on; set it up, or remove it."""
    if not second_factor.is_on(current_user):
        return redirect(url_for("auth.set_up_second_factor"))
    return render_template("auth/second_factor.html", form=RemoveSecondFactorForm())


@bp.route("/account/second-factor/set-up", methods=["GET", "POST"])
def set_up_second_factor():
    """The QR code and key to scan or type, and a code from the app to confirm; then the recovery codes, once."""
    if second_factor.is_on(current_user):
        return redirect(url_for("auth.second_factor_page"))
    form, codes = SetUpSecondFactorForm(), []
    if form.validate_on_submit() and applied(form, lambda: codes.extend(second_factor.confirm(
            current_user, form.code.data, now=now()))):
        response = make_response(render_template("auth/recovery_codes.html", codes=codes))
        response.headers["Cache-Control"] = "private, no-store"  # shown once: never kept by a browser or a proxy
        return response
    return render_template("auth/set_up_second_factor.html", form=form, enrolment=second_factor.start(current_user),
                           required=second_factor.required(current_user))


@bp.route("/account/second-factor/remove", methods=["POST"])
def remove_second_factor():
    form = RemoveSecondFactorForm()
    if form.validate_on_submit() and applied(form, lambda: second_factor.remove(
            current_user, form.password.data, now=now())):
        flash("Your second factor is removed. Your recovery codes no longer work.", "success")
        return redirect(url_for("auth.second_factor_page"))
    return render_template("auth/second_factor.html", form=form)
