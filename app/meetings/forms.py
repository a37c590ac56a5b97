"""The meeting form: its kind, title, date and update deadline."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import GovDateField, SubmittedOnce, VersionedForm, version_field
from app.models import MeetingKind


class MeetingForm(VersionedForm):
    kind = RadioField("What kind of meeting is it?", widget=GovRadioInput(),
                      choices=[(kind.value, kind.label) for kind in MeetingKind],
                      validators=[InputRequired("Select the kind of meeting")])
    title = StringField("Title (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)],
                        description="For example, Improvement Board, September. Leave it blank to use the kind of "
                                    "meeting.")
    held_on = GovDateField("Date of the meeting", required="Enter the date of the meeting")
    update_deadline = GovDateField("Update deadline (optional)")  # the hints, with the current defaults, are set per request
    report_deadline = GovDateField("Report deadline (optional)")
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    @property
    def values(self) -> dict:
        """What meeting_service.save_meeting takes from the form."""
        return {name: getattr(self, name).data for name in ("kind", "title", "held_on", "update_deadline",
                                                             "report_deadline")}

    def set_deadline_hints(self, chosen) -> None:
        self.update_deadline.description = (
            "The date owners' progress updates are needed by: a working day, not a weekend or bank holiday. Leave "
            f"it blank for {chosen.update_deadline_days_before_meeting} days before the meeting (an administrator "
            "sets this number), or the working day before if that is a weekend or bank holiday. For example, "
            "27 3 2026")
        self.report_deadline.description = (
            "The date the report is due to the committee or board: a working day, on or after the update deadline. "
            "The draft "
            f"report is e-mailed to programme managers {chosen.draft_report_working_days} working days before it, "
            "and not before the first working day after the update deadline. Leave it blank for "
            f"{chosen.report_deadline_days_before_meeting} days before the meeting, or the working day before. For "
            "example, 1 4 2026")


class DeleteMeetingForm(SubmittedOnce):
    version = version_field()
    submit = SubmitField("Yes, delete this meeting", widget=GovSubmitInput())
