"""Forms for programme managers keeping the plan: its details, areas, recommendations, Areas for Improvement,
actions and milestones."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.forms import VersionedForm, chosen_id
from app.models import Action, DeliveryType, ImprovementArea, ImprovementAreaIdentification, Milestone
from app.plans.forms.due_date import DueDateFieldsMixin
from app.services.plans.changes import due_phases, due_values
from app.services.plans.due_dates import read_month


class AreaForm(VersionedForm):
    number = StringField("Number", widget=GovTextInput(), description="For example, 6.0",
                         validators=[InputRequired("Enter the area's number"), Length(max=20)])
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired("Enter the area's title"),
                                                                     Length(max=300)])
    summary = TextAreaField("Aim", widget=GovTextArea(), validators=[Optional()])

    def values(self) -> dict:
        return {"number": self.number.data.strip(), "title": self.title.data.strip(),
                "summary": (self.summary.data or "").strip()}


class RecommendationForm(VersionedForm):
    code = StringField("Code", widget=GovTextInput(), description="For example, R6a",
                       validators=[InputRequired("Enter the recommendation's code"), Length(max=20)])
    text = TextAreaField("Recommendation", widget=GovTextArea(),
                         validators=[InputRequired("Enter the recommendation's text")])

    def values(self) -> dict:
        return {"code": self.code.data.strip(), "text": self.text.data.strip()}


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

    def values(self, improvement_area: ImprovementArea) -> dict:
        """The text, and a record of each month listed: those already recorded stay as they are."""
        kept = {ident.identified_in: ident for ident in improvement_area.identifications}
        return {"text": self.text.data.strip(),
                "identifications": [kept.get(month) or ImprovementAreaIdentification(identified_in=month)
                                    for month in self.month_values]}


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

    def values(self) -> dict:
        return {name: (getattr(self, name).data or "").strip() or None
                for name in ("title", "organisation", "revision", "lead_author", "progress_label")}


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

    def values(self) -> dict:
        return {
            "number": self.number.data.strip(), "what": self.what.data.strip(), "how": (self.how.data or "").strip(),
            "delivery_type": self.delivery_type.data, "project_code": (self.project_code.data or "").strip() or None,
        }


class ActionFindingsForm(VersionedForm):
    """Which Ofsted recommendations and Areas for Improvement an action answers."""

    recommendations = SelectMultipleField("Ofsted recommendations this action answers", coerce=chosen_id,
                                          widget=GovCheckboxesInput(), validators=[Optional()])
    improvement_areas = SelectMultipleField("Areas for Improvement this action answers", coerce=chosen_id,
                                            widget=GovCheckboxesInput(), validators=[Optional()])

    def __init__(self, *args, offered: tuple[list, list], **kwargs):
        """Offer the plan's recommendations and Areas for Improvement (`offered`, each in code order)."""
        super().__init__(*args, **kwargs)
        self.offered_recommendations, self.offered_improvement_areas = recommendations, improvement_areas = offered
        self.recommendations.choices = [(r.id, f"{r.code} (area {r.area.number}): {r.text}") for r in recommendations]
        self.improvement_areas.choices = [(a.id, f"{a.code} (area {a.area.number}): {a.short_text}")
                                          for a in improvement_areas]

    def show(self, action: Action) -> None:
        """Fill the form with the action's links as they are."""
        self.version.data = action.version
        self.recommendations.data = [r.id for r in action.recommendations]
        self.improvement_areas.data = [a.id for a in action.improvement_areas]

    def values(self) -> dict:
        chosen_recommendations = set(self.recommendations.data or [])
        chosen_improvement_areas = set(self.improvement_areas.data or [])
        return {
            "recommendations": [r for r in self.offered_recommendations if r.id in chosen_recommendations],
            "improvement_areas": [a for a in self.offered_improvement_areas if a.id in chosen_improvement_areas],
        }


class MilestoneForm(VersionedForm):
    """Edit a milestone. Its due date changes only through a revision, so the old date is never lost."""

    sub_action = StringField("Sub-action", widget=GovTextInput(), validators=[Optional()])
    deliverable = TextAreaField("Expected milestone or deliverable", widget=GovTextArea(),
                                validators=[InputRequired("Enter the milestone or deliverable")])
    responsible_id = SelectField("Responsible person", widget=GovSelect(), coerce=chosen_id)
    leads = TextAreaField("Who will lead this", widget=GovTextArea(), validators=[Optional()],
                          description="One name per line: people, groups or placeholders already in People.")

    def __init__(self, *args, people: list | None = None, **kwargs):
        """Offer everyone in People (`people`) as the responsible person and as leads."""
        super().__init__(*args, **kwargs)
        self.people = {person.name.lower(): person for person in people or []}
        self.people_by_id = {person.id: person for person in people or []}
        self.responsible_id.choices = [(0, "Not yet assigned")] + [
            (p.id, f"{p.name} ({p.kind.label})" if not p.is_individual else p.name) for p in people or []]
        self.lead_people: list = []

    def show(self, milestone: Milestone) -> None:
        """Fill the form with the milestone as it is. (Given `obj`, WTForms takes each field from the record's
        attribute of the same name, so the leads, a list of people on the record, are written as names after.)"""
        self.process(obj=milestone)
        self.responsible_id.data = milestone.responsible_id or 0
        self.leads.data = "\n".join(lead.name for lead in milestone.leads)

    def validate_leads(self, field) -> None:
        names = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        unknown = [name for name in names if name.lower() not in self.people]
        if unknown:
            raise ValidationError(f"No one called {', '.join(unknown)} is in People. Check the spelling, or ask an "
                                  "administrator to add them")
        self.lead_people = list(dict.fromkeys(self.people[name.lower()] for name in names))

    def values(self) -> dict:
        return {"sub_action": (self.sub_action.data or "").strip() or None,
                "deliverable": self.deliverable.data.strip(),
                "responsible": self.people_by_id.get(self.responsible_id.data),
                "leads": self.lead_people}


class NewMilestoneForm(DueDateFieldsMixin, MilestoneForm):
    submit = SubmitField("Add milestone", widget=GovSubmitInput())

    def values(self) -> dict:
        return {**super().values(), **due_values(self.due_value), "phases": due_phases(self.due_value)}
