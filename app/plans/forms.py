"""Forms for owners (updates, completion, revised dates, ratings, evidence) and programme managers."""

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.forms import GovDateField, VersionedForm
from app.models import DeliveryType, DueKind, RevisionReason
from app.services.plans.due_dates import DueDate, Phase, read_date, read_month


class UpdateForm(FlaskForm):
    written_on = GovDateField("Date of the update", required="Enter the date of the update")
    body = TextAreaField("Progress update", widget=GovTextArea(),
                         description="What has happened since the last update, and what happens next.",
                         validators=[InputRequired("Enter the progress update")])
    submit = SubmitField("Add update", widget=GovSubmitInput())


class CompleteForm(VersionedForm):
    completed_on = GovDateField("Date completed", required="Enter the date the milestone was completed")
    submit = SubmitField("Mark as complete", widget=GovSubmitInput())


DETAIL_FIELDS = {DueKind.DATE: "due_date", DueKind.MONTH: "due_month", DueKind.TBD: "due_reason",
                 DueKind.ONGOING: "review_date", DueKind.PHASED: "phases"}


class DueDateFieldsMixin:
    """The typed due date: a kind, plus the details that kind needs."""

    due_kind = RadioField("When will it be done?", widget=GovRadioInput(),
                          choices=[(kind.value, kind.label) for kind in DueKind],
                          validators=[InputRequired("Select when it will be done")])
    due_date = GovDateField("Due date", description="For example, 30 9 2026")
    review_date = GovDateField("Review date (optional)", description="When to look at this ongoing work again")
    due_month = StringField("Month", widget=GovTextInput(), description="For example, July 2026",
                            validators=[Optional()])
    due_reason = StringField("Why is the date to be decided?", widget=GovTextInput(), validators=[Optional()])
    phases = TextAreaField("Phases", widget=GovTextArea(), validators=[Optional()],
                           description="One phase per line, a name then its date. For example, Phase 1 30/09/2026")

    due_value: DueDate | None = None

    def validate(self, extra_validators=None) -> bool:
        """Check every field, then the due date's details, so all problems are shown at once. Boxes that belong
        to a choice not taken are ignored, whatever was left in them."""
        super().validate(extra_validators)
        chosen = self.due_kind.data if self.due_kind.data in {kind.value for kind in DueKind} else None
        for kind, name in DETAIL_FIELDS.items():
            if kind != chosen:
                getattr(self, name).errors = []
        self.due_value = self.due() if chosen else None
        return not self.errors and self.due_value is not None

    def due(self) -> DueDate | None:
        """The due date described by the fields, or None after adding errors next to the fields."""
        kind = DueKind(self.due_kind.data)
        if kind == DueKind.DATE:
            return self._needs(self.due_date, "Enter the due date") and DueDate(
                kind, on=self.due_date.data, raw=self.due_date.data.strftime("%d/%m/%Y"))
        if kind == DueKind.MONTH:
            reading = read_month(self.due_month.data or "")
            if reading.problem:
                self.due_month.errors.append(reading.problem[0].upper() + reading.problem[1:])
                return None
            return DueDate(kind, on=reading.on, raw=self.due_month.data.strip())
        if kind == DueKind.TBD:
            reason = (self.due_reason.data or "").strip()
            return self._needs_text(self.due_reason, reason, "Say why the date is to be decided") and DueDate(
                kind, raw=f"TBD: {reason}", note=reason)
        if kind == DueKind.ONGOING:
            on = self.review_date.data
            return DueDate(kind, on=on, raw=f"{on:%d/%m/%Y} and ongoing" if on else "Ongoing")
        return self._phased()

    def _phased(self) -> DueDate | None:
        lines = [line.strip() for line in (self.phases.data or "").splitlines() if line.strip()]
        phases = []
        for number, line in enumerate(lines, start=1):
            label, _, date_text = line.rpartition(" ")
            reading = read_date(date_text)
            if reading.problem:
                self.phases.errors.append(f"Line {number}: {reading.problem}")
                continue
            phases.append(Phase(label.strip() or f"Phase {number}", reading.on))
        if not lines:
            self.phases.errors.append("Enter at least one phase and its date")
        if self.phases.errors:
            return None
        return DueDate(DueKind.PHASED, on=phases[-1].on, raw="\n".join(lines), phases=tuple(phases))

    @staticmethod
    def _needs(field, message: str) -> bool:
        if field.data is None and not field.errors:
            field.errors.append(message)
        return field.data is not None

    @staticmethod
    def _needs_text(field, value: str, message: str) -> bool:
        if not value:
            field.errors.append(message)
        return bool(value)


class RevisionForm(DueDateFieldsMixin, VersionedForm):
    reason = RadioField("Main reason for the change", widget=GovRadioInput(),
                        choices=[(reason.value, reason.label) for reason in RevisionReason],
                        validators=[InputRequired("Select the main reason for the change")])
    reason_text = TextAreaField("Explain the change", widget=GovTextArea(),
                                validators=[InputRequired("Explain why the date needs to change")])
    submit = SubmitField("Propose revised date", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", widget=GovRadioInput(),
                          choices=[("accept", "Accept the revised date"), ("reject", "Reject it: the old date stands")],
                          validators=[InputRequired("Select accept or reject")])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional()],
                         description="Needed when you reject a revised date.")
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class RatingForm(VersionedForm):
    rating = RadioField("RAG rating", widget=GovRadioInput(), validators=[InputRequired("Select a rating")])
    # choices are set per request from the plan's RAG key
    reason = TextAreaField("Why is the rating different from the suggestion?", widget=GovTextArea(),
                           validators=[Optional()])
    submit = SubmitField("Save rating", widget=GovSubmitInput())


class EvidenceForm(FlaskForm):
    file = FileField("Upload a file", widget=GovFileInput())
    description = StringField("Description", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    submit = SubmitField("Upload evidence", widget=GovSubmitInput())


class AreaForm(VersionedForm):
    number = StringField("Number", widget=GovTextInput(), description="For example, 6.0",
                         validators=[InputRequired("Enter the area's number"), Length(max=20)])
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired("Enter the area's title"),
                                                                     Length(max=300)])
    summary = TextAreaField("Aim", widget=GovTextArea(), validators=[Optional()])


class RecommendationForm(VersionedForm):
    code = StringField("Code", widget=GovTextInput(), description="For example, R6a",
                       validators=[InputRequired("Enter the recommendation's code"), Length(max=20)])
    text = TextAreaField("Recommendation", widget=GovTextArea(),
                         validators=[InputRequired("Enter the recommendation's text")])


class ImprovementAreaForm(VersionedForm):
    text = TextAreaField("Area for Improvement", widget=GovTextArea(),
                         validators=[InputRequired("Enter the Area for Improvement as Ofsted wrote it")])
    identified = TextAreaField("When Ofsted identified it", widget=GovTextArea(),
                               description="One month per line, for example September 2018",
                               validators=[InputRequired("Enter at least one month Ofsted identified it")])

    month_values: list[date] | None = None

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if not self.identified.errors:
            self.month_values = self.months()
        return not self.errors

    def months(self) -> list[date] | None:
        """The first day of each month listed, or None after putting each bad line's problem next to the field."""
        months = []
        for number, line in enumerate((self.identified.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            reading = read_month(line)
            if reading.problem:
                self.identified.errors.append(f"Line {number}: {reading.problem}")
            else:
                months.append(reading.on.replace(day=1))
        if not months and not self.identified.errors:
            self.identified.errors.append("Enter at least one month Ofsted identified it")
        return None if self.identified.errors else sorted(set(months))


class PlanForm(VersionedForm):
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired("Enter the plan's title"),
                                                                     Length(max=300)])
    organisation = StringField("Organisation", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    revision = StringField("Revision", widget=GovTextInput(), description="For example, April 2020",
                           validators=[Optional(), Length(max=100)])
    lead_author = StringField("Lead author", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    progress_label = StringField("Progress update label", widget=GovTextInput(),
                                 description="For example, Progress update July 2020",
                                 validators=[Optional(), Length(max=200)])


class ActionForm(VersionedForm):
    number = StringField("Action number", widget=GovTextInput(), description="For example, 1.17",
                         validators=[InputRequired("Enter the action number"), Length(max=20)])
    what = TextAreaField("What we are doing", widget=GovTextArea(),
                         validators=[InputRequired("Enter what the action is")])
    how = StringField("How we do it", widget=GovTextInput(), description="As written in the plan",
                      validators=[Optional()])
    delivery_type = SelectField("Delivery type", widget=GovSelect(),
                                choices=[(kind.value, kind.label) for kind in DeliveryType])
    project_code = StringField("Project code", widget=GovTextInput(), description="For example, PEH01",
                               validators=[Optional(), Length(max=30)])
    recommendations = SelectMultipleField("Ofsted recommendations this action answers", coerce=int,
                                          widget=GovCheckboxesInput(), validators=[Optional()])
    improvement_areas = SelectMultipleField("Areas for Improvement this action answers", coerce=int,
                                            widget=GovCheckboxesInput(), validators=[Optional()])


class MilestoneForm(VersionedForm):
    """Edit a milestone. Its due date changes only through a revision, so the old date is never lost."""

    sub_action = StringField("Sub-action", widget=GovTextInput(), validators=[Optional()])
    deliverable = TextAreaField("Expected milestone or deliverable", widget=GovTextArea(),
                                validators=[InputRequired("Enter the milestone or deliverable")])
    responsible_id = SelectField("Responsible person", widget=GovSelect(), coerce=int)
    leads = TextAreaField("Who will lead this", widget=GovTextArea(), validators=[Optional()],
                          description="One name per line: people, groups or placeholders already in People.")

    def __init__(self, *args, people: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.name.lower(): person for person in people or []}
        self.lead_people: list = []

    def validate_leads(self, field) -> None:
        names = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        unknown = [name for name in names if name.lower() not in self.people]
        if unknown:
            raise ValidationError(f"No one called {', '.join(unknown)} is in People. Check the spelling, or ask an "
                                  "administrator to add them")
        self.lead_people = list(dict.fromkeys(self.people[name.lower()] for name in names))


class NewMilestoneForm(DueDateFieldsMixin, MilestoneForm):
    submit = SubmitField("Add milestone", widget=GovSubmitInput())


class PlanUploadForm(FlaskForm):
    file = FileField("Upload the plan", widget=GovFileInput(),
                     description="A Word document (.docx) laid out like the council's improvement plan, or a "
                                 "spreadsheet (.xlsx or .csv): the plan's own download, or the template")
    title = StringField("Plan title (spreadsheets only)", widget=GovTextInput(), validators=[Length(max=300)],
                        description="A spreadsheet has no title of its own. Leave this empty to update the plan "
                                    "already in the service; give a title for a new plan")
    submit = SubmitField("Upload and check", widget=GovSubmitInput())


class ConfirmImportForm(FlaskForm):
    """The near matches ticked as the person the service already knows (choices: the names as written)."""

    same = SelectMultipleField("Names that are probably people the service knows", choices=[], validate_choice=True)
    submit = SubmitField("Confirm and import", widget=GovSubmitInput())
