"""Forms for what owners do: updates, completion, revised dates, ratings and evidence; and the decision on a
revised date."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.forms import GovDateField, SubmittedOnce, VersionedForm, chosen_id
from app.models import DueDateRevision, Milestone, Rating, RevisionReason
from app.plans.forms.due_date import DueDateFieldsMixin
from app.services.plans.changes import NONE_CHOSEN
from app.web import rating_label


class UpdateForm(SubmittedOnce):
    written_on = GovDateField("Date of the update", required="Enter the date of the update")
    body = TextAreaField("Progress update", widget=GovTextArea(),
                         description="What has happened since the last update, and what happens next.",
                         validators=[InputRequired("Enter the progress update")])
    submit = SubmitField("Add update", widget=GovSubmitInput())


class CompleteForm(VersionedForm):
    completed_on = GovDateField("Date completed", required="Enter the date the milestone was completed")
    submit = SubmitField("Mark as complete", widget=GovSubmitInput())


class RevisionForm(DueDateFieldsMixin, VersionedForm):
    reason = RadioField("Main reason for the change", widget=GovRadioInput(),
                        choices=[(reason.value, reason.label) for reason in RevisionReason],
                        validators=[InputRequired("Select the main reason for the change")])
    reason_text = TextAreaField("Explain the change", widget=GovTextArea(),
                                validators=[InputRequired("Explain why the date needs to change")])
    submit = SubmitField("Propose revised date", widget=GovSubmitInput())


class DecisionForm(SubmittedOnce):
    decision = RadioField("Decision", widget=GovRadioInput(),
                          choices=[("accept", "Accept the revised date"), ("reject", "Reject it: the old date stands")],
                          validators=[InputRequired("Select accept or reject")])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional()],
                         description="Needed when you reject a revised date.")
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class DecideSeveralForm(SubmittedOnce):
    """Several revised dates decided together, with one note. A revised date chosen on the page but decided by
    someone else since is not "an invalid choice": the service says which one it is and why it cannot be decided."""
    revisions = SelectMultipleField("Revised dates", coerce=chosen_id, widget=GovCheckboxesInput(), validate_choice=False,
                                    validators=[InputRequired(NONE_CHOSEN)])
    decision = RadioField("Decision", widget=GovRadioInput(),
                          choices=[("accept", "Accept the selected revised dates"),
                                   ("reject", "Reject them: the old dates stand")],
                          validators=[InputRequired("Select accept or reject")])
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Optional()],
                         description="Needed when you reject. The same note is recorded on each revised date.")
    submit = SubmitField("Record decisions", widget=GovSubmitInput())

    def offer(self, revisions: list[DueDateRevision]) -> None:
        self.revisions.choices = [(revision.id, f"Action {revision.milestone.action.number}: "
                                                f"{revision.milestone.deliverable}") for revision in revisions]

    @property
    def accepting(self) -> bool:
        return self.decision.data == "accept"


class RatingForm(VersionedForm):
    rating = RadioField("RAG rating", widget=GovRadioInput(), validators=[InputRequired("Select a rating")])
    reason = TextAreaField("Why is the rating different from the suggestion?", widget=GovTextArea(),
                           validators=[Optional()])
    submit = SubmitField("Save rating", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        """The ratings are offered in the words of the plan's RAG key."""
        super().__init__(*args, **kwargs)
        self.rating.choices = [("suggested", "Use the suggested rating")] + [(r.value, rating_label(r)) for r in Rating]

    def show(self, milestone: Milestone) -> None:
        self.version.data, self.reason.data = milestone.version, milestone.rag_set_reason
        self.rating.data = milestone.rag_set or "suggested"

    @property
    def chosen_rating(self) -> Rating | None:
        """The rating set, or None to use the suggestion."""
        return None if self.rating.data == "suggested" else Rating(self.rating.data)


class EvidenceForm(SubmittedOnce):
    file = FileField("Upload a file", widget=GovFileInput())
    description = StringField("Description", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    submit = SubmitField("Upload evidence", widget=GovSubmitInput())

    def validate_file(self, field) -> None:
        if not field.data or not field.data.filename:
            raise ValidationError("Select a file to upload")
