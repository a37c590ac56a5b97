from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.forms import SubmittedOnce, VersionedForm, WholeNumberField, chosen_id
from app.models import PersonKind, Role
from app.services.errors import DomainError
from app.services.reminders.admin import HIGHEST, LOWEST, NUMBER_FIELDS, order_problems, read_offsets


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
    team_id = SelectField("Team", widget=GovSelect(), coerce=chosen_id)
    role = SelectField("Role", widget=GovSelect(), choices=[(r.value, r.label) for r in Role])
    line_manager_id = SelectField("Line manager (optional)", widget=GovSelect(), coerce=chosen_id, default=0,
                                  validate_choice=False,  # the service says what is wrong with a choice
                                  description="Told when this person's milestones are overdue long enough to be "
                                              "escalated")
    active = BooleanField("Can sign in", widget=GovCheckboxInput(),
                          description="Only a person signs in, never a group or placeholder. A new person who can "
                                      "sign in is e-mailed a link to choose their own password")

    @property
    def values(self) -> dict:
        """What people_service.save_person takes from the form."""
        return {name: getattr(self, name).data for name in ("name", "kind", "email", "job_title", "organisation",
                                                             "team_id", "line_manager_id", "role", "active")}


class TeamForm(VersionedForm):
    name = StringField("Team name", widget=GovTextInput(), validators=[InputRequired("Enter the team name"),
                                                                        Length(max=120)])


def _days(label: str, description: str) -> WholeNumberField:
    return WholeNumberField(label, description=description, invalid="Enter a whole number, for example 7",
                            validators=[InputRequired(f"Enter the {label[0].lower() + label[1:]}")])


class ReminderSettingsForm(VersionedForm):
    """Every reminder setting, with what it does. The limits are checked again by the service."""

    due_soon_working_days = StringField(
        "Due-soon reminders", widget=GovTextInput(),
        description="Working days before a milestone's due date, separated by commas, for example 14, 3. Each "
                    "number is a reminder to its owners. Audit recommendations use the same days.")
    remind_on_due_day = BooleanField(
        "Remind owners on the day a milestone is due", widget=GovCheckboxInput(),
        description="On the due date, or the last working day before it if it falls on a weekend or bank holiday.")
    overdue_repeat_days = _days(
        "Days between overdue reminders",
        "Calendar days. The first overdue reminder goes the working day after the due date, then another every so "
        "many days until the milestone is complete or re-dated. For example, 7 for weekly.")
    escalate_after_working_days = _days(
        "Working days overdue before escalating",
        "Then the responsible person's line manager and the programme managers are told, by e-mail whatever their "
        "e-mail choices.")
    update_deadline_days_before_meeting = _days(
        "Days before a meeting for its update deadline",
        "Calendar days. Used when a meeting is added without its own update deadline. At least as many as for "
        "the report deadline, so the report has the updates. For example, 18.")
    report_deadline_days_before_meeting = _days(
        "Days before a meeting for its report deadline",
        "Calendar days. Used when a meeting is added without its own report deadline. For example, 13.")
    draft_report_working_days = _days(
        "Working days before the report deadline to send the draft report",
        "The plan progress report is generated as a draft and e-mailed to the programme managers, to check and "
        "release. Never before the first working day after the update deadline, so the draft has the updates.")
    update_request_working_days = _days(
        "Working days before the update deadline to ask for updates",
        "Owners of open milestones are asked to add a progress update before the deadline.")
    nudge_working_days = _days(
        "Working days before the update deadline to send the nudge",
        "Only to owners with milestones not updated since the previous deadline. Fewer days than the request.")
    audit_due_soon_working_days = _days(
        "Working days before an audit is due to remind its auditor",
        "Audits are due by the end of their round's month.")
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    @property
    def settings(self) -> dict:
        """What reminder_admin.save_settings takes from the form."""
        return {name: getattr(self, name).data for name in ("due_soon_working_days", "remind_on_due_day",
                                                             *NUMBER_FIELDS)}

    def validate_due_soon_working_days(self, field) -> None:
        try:
            read_offsets(field.data)
        except DomainError as error:
            raise ValidationError(error.message) from error

    def validate(self, extra_validators=None) -> bool:
        """Each number from 1 to 60, the nudge after the request and the update deadline no later than the report
        deadline: all problems shown at once."""
        super().validate(extra_validators)
        for name in NUMBER_FIELDS:
            field = getattr(self, name)
            if field.data is not None and not field.errors and not LOWEST <= field.data <= HIGHEST:
                field.errors.append(f"Enter a number between {LOWEST} and {HIGHEST}")
        numbers = {name: getattr(self, name).data for name in NUMBER_FIELDS if not getattr(self, name).errors}
        for name, message in order_problems(numbers).items():
            getattr(self, name).errors.append(message)
        return not self.errors


class HandoverForm(SubmittedOnce):
    receiver_id = SelectField("Who will take over this work?", widget=GovSelect(), coerce=chosen_id, default=0,
                              validate_choice=False)  # the service says what is wrong with a choice
    submit = SubmitField("Hand over the work", widget=GovSubmitInput())
