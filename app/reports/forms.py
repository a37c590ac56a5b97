"""Report forms: what a programme manager fills in once per plan report, generating a monthly audit report, and
releasing a report."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import SubmittedOnce, chosen_id, version_field
from app.services.reports.plan_report import ALL_FIELDS, DOES_NOT_APPLY, Field


def _field(field: Field):
    if field.required:
        hint = " ".join(filter(None, [field.hint, "Needed before the report can be released."]))
    else:
        hint = field.hint or f"Leave it blank to say “{DOES_NOT_APPLY}”"
    if field.long:
        return TextAreaField(field.label, widget=GovTextArea(), description=hint,
                             validators=[Optional(), Length(max=20_000)])
    return StringField(field.label, widget=GovTextInput(), description=hint, validators=[Optional(), Length(max=300)])


class PlanReportForm(SubmittedOnce):
    """The front block and sections 1–12. Everything is optional here: what is missing shows in the report as a
    placeholder that the checks report, so a draft can be generated at any time."""

    plan_id = SelectField("Plan", widget=GovSelect(), coerce=chosen_id, validators=[InputRequired("Select the plan")])
    submit = SubmitField("Generate the report", widget=GovSubmitInput())

    @property
    def details(self) -> dict:
        return {field.key: (getattr(self, field.key).data or "").strip() for field in ALL_FIELDS}


for _each in ALL_FIELDS:
    setattr(PlanReportForm, _each.key, _field(_each))


class AuditReportForm(SubmittedOnce):
    month = SelectField("Month of the audit round", widget=GovSelect(),
                        validators=[InputRequired("Select the month")])
    submit = SubmitField("Generate the report", widget=GovSubmitInput())


class ReleaseForm(SubmittedOnce):
    version = version_field()
    checked_warnings = BooleanField("I have looked at each warning and the report can be released as it is",
                                    widget=GovCheckboxInput())
    submit = SubmitField("Release this report", widget=GovSubmitInput())
