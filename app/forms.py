"""Form pieces shared by several features."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from wtforms import DateField, HiddenField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation
from wtforms.widgets import HiddenInput

from app.services import submissions
from app.services.numbers import LARGEST_ID, whole_number
from app.services.plans.due_dates import read_date


def chosen_id(value) -> int:
    """A choice of person, team, plan … as sent by a select or checkboxes, read as an id (the `coerce` of those
    fields). Anything no database id can be ("-1", "²", a number larger than an id can be) is not a valid choice, said next to
    the field, rather than an error from the database."""
    if isinstance(value, int):
        return value  # a default or a choice's own value
    number = whole_number(str(value))
    if number is None:
        raise ValueError("Not a valid choice")
    return number


class GovDateField(DateField):
    """A GOV.UK date input (day, month, year). An impossible date gets a clear error, never a guess."""

    widget = GovDateInput()

    def __init__(self, label: str, *, required: str | None = None, description: str = "For example, 27 3 2026",
                 **kwargs):
        kwargs.setdefault("validators", [_RequiredDate(required)] if required else [Optional()])
        super().__init__(label, format="%d %m %Y", description=description, **kwargs)

    def process_formdata(self, valuelist):
        # not posted at all: render empty; otherwise the widget shows three boxes, whatever number was sent
        self.raw_data = [*valuelist, "", ""][:3] if valuelist else None
        if not valuelist or not any(part.strip() for part in valuelist):
            self.data = None
            return
        parts = [part.strip() for part in valuelist]
        if len(parts) != 3 or not all(parts):
            self.data = None
            raise ValueError("Enter the day, month and year, for example 30 9 2026")
        reading = read_date("/".join(parts))
        self.data = reading.on
        if reading.problem:
            raise ValueError(reading.problem[0].upper() + reading.problem[1:])


class _RequiredDate(InputRequired):
    def __call__(self, form, field):
        if not any((part or "").strip() for part in (field.raw_data or [])):
            field.errors[:] = []
            raise StopValidation(self.message)


class WholeNumberField(IntegerField):
    """A whole number typed in a box (or sent by a page, like a record's version), read by whole_number: digits only,
    no more than a database integer holds. Anything else gets `invalid` next to the field, never an error from the
    database; `minimum` and `maximum` are checked with `out_of_range` (both may use {what}, {minimum}, {maximum})."""

    widget = GovTextInput()

    def __init__(self, label: str | None = None, validators=None, *, what: str = "The number", minimum: int = 0,
                 maximum: int = LARGEST_ID, invalid: str = "{what} must be a whole number, like 7",
                 out_of_range: str = "{what} must be between {minimum} and {maximum}", **kwargs):
        words = {"what": what, "minimum": minimum, "maximum": f"{maximum:,}" if maximum > 9999 else maximum}
        self.invalid, self.out_of_range = invalid.format(**words), out_of_range.format(**words)
        validators = [*(validators or [Optional()]), NumberRange(minimum, maximum, self.out_of_range)]
        if "widget" not in kwargs:
            kwargs.setdefault("render_kw", {"inputmode": "numeric", "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            self.data = whole_number(text)
            if self.data is None:
                raise ValueError(self.out_of_range if text.isascii() and text.isdigit() else self.invalid)


class SubmissionIdField(HiddenField):
    """The form page's own random id (app.services.submissions): a new one each time the page is served, the one
    sent back when the form is shown again with its errors, and a new one again once it has been saved."""

    def __init__(self, **kwargs):
        super().__init__(default=submissions.new_id, **kwargs)

    def _value(self) -> str:
        from app.form_posts import just_saved  # the web side: whether this request saved it

        if not submissions.usable(self.data) or just_saved(self.data):
            self.data = submissions.new_id()
        return self.data


class SubmittedOnce(FlaskForm):
    """A form whose post changes something: saved once, however often it is sent (a retry, a double click). Its
    buttons also ignore a second click within a second (GOV.UK Frontend's "prevent double click")."""

    submission_id = SubmissionIdField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field.widget, GovSubmitInput):
                field.render_kw = {**(field.render_kw or {}), "data-prevent-double-click": "true"}


def version_field() -> WholeNumberField:
    """The hidden version a form was opened at (VersionedForm), to catch concurrent edits."""
    return WholeNumberField(widget=HiddenInput(), validators=[Optional()])


class VersionedForm(SubmittedOnce):
    """A form that edits a record: carries the version it was opened at, to catch concurrent edits."""

    version = version_field()
    submit = SubmitField("Save", widget=GovSubmitInput())
