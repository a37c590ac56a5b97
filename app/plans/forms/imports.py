"""Forms for importing a plan: the upload, and the confirm of what the preview showed."""

from typing import BinaryIO

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length

from app.forms import SubmittedOnce


class PlanUploadForm(SubmittedOnce):
    file = FileField("Upload the plan", widget=GovFileInput(),
                     description="A Word document (.docx) laid out like the council's improvement plan, or a "
                                 "spreadsheet (.xlsx or .csv): the plan's own download, or the template")
    title = StringField("Plan title (spreadsheets only)", widget=GovTextInput(), validators=[Length(max=300)],
                        description="A spreadsheet has no title of its own. Leave this empty to update the plan "
                                    "already in the service; give a title for a new plan")
    submit = SubmitField("Upload and check", widget=GovSubmitInput())

    @property
    def chosen_file(self) -> tuple[BinaryIO | None, str]:
        """The uploaded file's content and name; (None, "") when no file was chosen."""
        file = self.file.data
        return (file.stream, file.filename) if file else (None, "")


class ConfirmImportForm(SubmittedOnce):
    """The near matches ticked as the person the service already knows (choices: the names as written)."""

    same = SelectMultipleField("Names that are probably people the service knows", choices=[], validate_choice=True)
    submit = SubmitField("Confirm and import", widget=GovSubmitInput())
