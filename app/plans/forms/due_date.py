"""The typed due date as a form asks for it: a kind, plus the details that kind needs."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.forms import GovDateField
from app.models import DueKind
from app.services.plans.due_dates import DueDate, Phase, read_date, read_month

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
