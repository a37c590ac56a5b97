from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from app.services.passwords import MAX_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter your email address")])
    password = PasswordField("Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password(label: str) -> PasswordField:
    """A box for a new password: the rules themselves are checked by services/passwords.py."""
    return PasswordField(label, validators=[InputRequired("Enter a new password"), Length(
        max=MAX_LENGTH, message=f"Choose a password of {MAX_LENGTH} characters or fewer")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password")])
    new_password = _new_password("New password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ForgottenPasswordForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(), validators=[InputRequired("Enter your email address"),
                                                                           Length(max=254)])
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = _new_password("New password")
    submit = SubmitField("Save password", widget=GovSubmitInput())


def _code(label: str, message: str) -> StringField:
    return StringField(label, widget=GovTextInput(), validators=[InputRequired(message), Length(max=40)])


class CodeForm(FlaskForm):
    code = _code("Code from your authenticator app", "Enter the 6-digit code from your authenticator app")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = _code("Recovery code", "Enter one of your recovery codes")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpSecondFactorForm(FlaskForm):
    code = _code("Code from your authenticator app", "Enter the 6-digit code from your authenticator app")
    submit = SubmitField("Turn on the second factor", widget=GovSubmitInput())


class RemoveSecondFactorForm(FlaskForm):
    password = PasswordField("Your password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password")])
    submit = SubmitField("Remove the second factor", widget=GovSubmitInput())
