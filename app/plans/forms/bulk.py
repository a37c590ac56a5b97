"""Forms for changing several milestones at once: a person (responsible or lead), or a revised due date."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import NumberRange

from app.forms import SubmittedOnce, chosen_id
from app.plans.forms.updates import RevisionForm
from app.services.plans.bulk import ADD_LEAD, DUE, REPLACE_LEADS, RESPONSIBLE, BulkChange

CHANGES = {RESPONSIBLE: "The responsible person", ADD_LEAD: "Add a lead", REPLACE_LEADS: "Replace the leads",
           DUE: "The due date"}
DETAIL_TITLES = {RESPONSIBLE: "Change the responsible person", ADD_LEAD: "Add a lead",
                 REPLACE_LEADS: "Replace the leads", DUE: "Change the due date"}
CHANGE_HINTS = {ADD_LEAD: "The person is added to each milestone's leads, keeping the others.",
                REPLACE_LEADS: "The person becomes each milestone's only lead.",
                DUE: "Recorded as a revised date for each milestone, with your reason."}


class PersonChangeForm(SubmittedOnce):
    """The responsible person, or a lead to add or to replace the leads with: anyone in People."""

    person_id = SelectField("Person", widget=GovSelect(), coerce=chosen_id,
                            validators=[NumberRange(min=1, message="Select a person")])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, kind: str, *args, people: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.people = kind, {person.id: person for person in people}
        self.person_id.label.text = "New responsible person" if kind == RESPONSIBLE else "Lead"
        self.person_id.choices = [(0, "Choose a person")] + [
            (p.id, f"{p.name} ({p.kind.label})" if not p.is_individual else p.name) for p in people]

    def change(self) -> BulkChange:
        return BulkChange(self.kind, person=self.people[self.person_id.data])


class DueChangeForm(RevisionForm):
    """A new due date for each milestone, with the reason for the revised date (as on the single revise page)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())

    def change(self) -> BulkChange:
        return BulkChange(DUE, due=self.due_value, reason=self.reason.data, reason_text=self.reason_text.data)


def change_form(kind: str, people: list) -> PersonChangeForm | DueChangeForm:
    return DueChangeForm() if kind == DUE else PersonChangeForm(kind, people=people)
