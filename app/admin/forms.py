from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.forms import VersionedForm
from app.models import PersonKind, Role


class PersonForm(VersionedForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Enter the name"), Length(max=200)])
    kind = RadioField("This is", widget=GovRadioInput(), choices=[(k.value, k.label) for k in PersonKind],
                      default=PersonKind.INDIVIDUAL.value, validators=[InputRequired("Select what this is")],
                      description="Groups and placeholders can be named as owners or leads, but their work "
                                  "counts as unassigned and they cannot sign in.")
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[Optional(), Email("Enter an email address like name@council.gov.uk")])
    job_title = StringField("Job title", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    organisation = StringField("Organisation", widget=GovTextInput(), validators=[Optional(), Length(max=200)],
                               description="For partner agencies, for example the CCG or the police")
    team_id = SelectField("Team", widget=GovSelect(), coerce=int)
    role = SelectField("Role", widget=GovSelect(), choices=[(r.value, r.label) for r in Role])
    active = BooleanField("Can sign in", widget=GovCheckboxInput())
    password = PasswordField("New password", widget=GovPasswordInput(), validators=[Optional(), Length(min=10,
                             message="The password must be at least 10 characters")],
                             description="Leave blank to keep the current password")


class TeamForm(VersionedForm):
    name = StringField("Team name", widget=GovTextInput(), validators=[InputRequired("Enter the team name"),
                                                                        Length(max=120)])
