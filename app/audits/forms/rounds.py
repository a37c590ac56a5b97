"""Forms for QA leads: rounds, the case pool and allocation."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.models import RoundKind
from app.services.audits.rounds import CASE_FLAGS

PLAN_TYPES = ["Child in Need", "Child Protection", "Child in Care", "Pathway Plan", "No current Plan", "Closed"]


class RoundForm(FlaskForm):
    kind = RadioField("Type of audit", widget=GovRadioInput(), default=RoundKind.ROUTINE.value,
                      choices=[(RoundKind.ROUTINE.value, "Monthly routine audit"), (RoundKind.THEMED.value, "Themed audit")],
                      validators=[InputRequired("Select the type of audit")])
    month = StringField("Month", widget=GovTextInput(), description="For example, March 2021",
                        validators=[InputRequired("Enter the month the audits are for")])
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired("Enter a title"), Length(max=200)])
    theme = StringField("Theme", widget=GovTextInput(), description="For a themed audit: the process or group, "
                        "for example strategy meetings", validators=[Optional(), Length(max=200)])
    teams = SelectMultipleField("Teams", coerce=int, widget=GovCheckboxesInput(), validators=[Optional()],
                                description="Leave all unticked to choose from every team")
    plan_types = SelectMultipleField("Plan types", widget=GovCheckboxesInput(), validators=[Optional()],
                                     choices=[(plan, plan) for plan in PLAN_TYPES],
                                     description="Leave all unticked for any plan type")
    flags = SelectMultipleField("Cases must be", widget=GovCheckboxesInput(), validators=[Optional()],
                                choices=list(CASE_FLAGS.items()))
    sample_size = IntegerField("Number of cases", widget=GovTextInput(),
                               validators=[InputRequired("Enter how many cases to choose"),
                                           NumberRange(min=1, max=500, message="Choose between 1 and 500 cases")])
    seed = IntegerField("Random seed (optional)", widget=GovTextInput(), validators=[Optional(), NumberRange(min=0)],
                        description="Leave blank for a new random draw. Enter an earlier round's seed to repeat its draw.")
    submit = SubmitField("Choose cases", widget=GovSubmitInput())


class PoolCaseForm(FlaskForm):
    reference = StringField("Case ID number", widget=GovTextInput(),
                            validators=[InputRequired("Enter the case ID number"), Length(max=40)])
    team_id = SelectField("Team", coerce=int, widget=GovSelect())
    allocated_worker = StringField("Allocated worker", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    team_manager_id = SelectField("Team manager", coerce=int, widget=GovSelect())
    service_manager_id = SelectField("Service manager", coerce=int, widget=GovSelect())
    plan_type = SelectField("Plan type", widget=GovSelect(), choices=[("", "Not known")] + [(p, p) for p in PLAN_TYPES])
    closed_recently = BooleanField(CASE_FLAGS["closed_recently"], widget=GovCheckboxInput())
    step_up = BooleanField(CASE_FLAGS["step_up"], widget=GovCheckboxInput())
    neglect = BooleanField(CASE_FLAGS["neglect"], widget=GovCheckboxInput())
    under_two = BooleanField(CASE_FLAGS["under_two"], widget=GovCheckboxInput())
    domestic_abuse = BooleanField(CASE_FLAGS["domestic_abuse"], widget=GovCheckboxInput())
    submit = SubmitField("Add case", widget=GovSubmitInput())


class AllocationForm(FlaskForm):
    case_id = IntegerField(validators=[InputRequired()])
    auditor_id = SelectField("Auditor", coerce=int, widget=GovSelect(),
                             validators=[InputRequired("Choose an auditor")])
    override_reason = TextAreaField("Reason, if the auditor works in the case's own team", widget=GovTextArea(),
                                    validators=[Optional()])
    submit = SubmitField("Allocate", widget=GovSubmitInput())


class PoolImportForm(FlaskForm):
    csv_text = TextAreaField("Cases as CSV", widget=GovTextArea(),
                             description="Columns: reference, team, allocated_worker, team_manager, service_manager, "
                                         "plan_type, closed_recently, step_up, neglect, under_two, domestic_abuse. "
                                         "Flags are yes or no.",
                             validators=[InputRequired("Paste the cases, with the column names on the first line")])
    confirm = SubmitField("Import these cases", widget=GovSubmitInput())
    preview = SubmitField("Check the cases", widget=GovSubmitInput())
