"""A person's notices, their choice of e-mails and their calendar link. Every form carries a CSRF token."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from app.forms import SubmittedOnce
from app.models import EmailPreference


class EmailPreferenceForm(SubmittedOnce):
    email_preference = RadioField(
        "How do you want to get e-mails about your reminders?", widget=GovRadioInput(),
        choices=[(preference.value, preference.label) for preference in EmailPreference],
        description="Escalations and safeguarding alerts are always e-mailed to you at once, whatever you choose.",
        validators=[InputRequired("Select how you want to get e-mails")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class MarkAllReadForm(SubmittedOnce):
    mark_all_read = SubmitField("Mark all as read", widget=GovSubmitInput())


# Each button has its own name, so that the buttons sharing the account page have their own ids.
class CreateCalendarLinkForm(SubmittedOnce):
    create_link = SubmitField("Create a calendar link", widget=GovSubmitInput())


class RevokeCalendarLinkForm(SubmittedOnce):
    revoke_link = SubmitField("Revoke the calendar link", widget=GovSubmitInput())
