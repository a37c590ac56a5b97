"""Forms for QA leads: rounds, the case pool and allocation; and the findings' filter, read from the address."""

from datetime import date, timedelta

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.forms import SubmittedOnce, WholeNumberField, chosen_id, version_field
from app.models import RoundKind
from app.services.audits.findings import FindingsFilter
from app.services.audits.rounds import CASE_FLAGS, ProposalRow, SelectionCriteria, row_field
from app.services.numbers import whole_number
from app.services.plans.due_dates import read_month

PLAN_TYPES = ["Child in Need", "Child Protection", "Child in Care", "Pathway Plan", "No current Plan", "Closed"]


class RoundForm(SubmittedOnce):
    kind = RadioField("Type of audit", widget=GovRadioInput(), default=RoundKind.ROUTINE.value,
                      choices=[(RoundKind.ROUTINE.value, "Monthly routine audit"), (RoundKind.THEMED.value, "Themed audit")],
                      validators=[InputRequired("Select the type of audit")])
    month = StringField("Month", widget=GovTextInput(), description="For example, March 2021",
                        validators=[InputRequired("Enter the month the audits are for")])
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired("Enter a title"), Length(max=200)])
    theme = StringField("Theme", widget=GovTextInput(), description="For a themed audit: the process or group, "
                        "for example strategy meetings", validators=[Optional(), Length(max=200)])
    teams = SelectMultipleField("Teams", coerce=chosen_id, widget=GovCheckboxesInput(), validators=[Optional()],
                                description="Leave all unticked to choose from every team")
    plan_types = SelectMultipleField("Plan types", widget=GovCheckboxesInput(), validators=[Optional()],
                                     choices=[(plan, plan) for plan in PLAN_TYPES],
                                     description="Leave all unticked for any plan type")
    flags = SelectMultipleField("Cases must be", widget=GovCheckboxesInput(), validators=[Optional()],
                                choices=list(CASE_FLAGS.items()))
    sample_size = WholeNumberField("Number of cases", validators=[InputRequired("Enter how many cases to choose")],
                                   minimum=1, maximum=500, invalid="Enter how many cases as a whole number, like 20",
                                   out_of_range="Choose between 1 and 500 cases")
    seed = WholeNumberField("Random seed (optional)", what="The random seed",
                            description="Leave blank for a new random draw. Enter an earlier round's seed to repeat its draw.")
    submit = SubmitField("Choose cases", widget=GovSubmitInput())

    def validate_month(self, field) -> None:
        problem = read_month(field.data).problem
        if problem:
            raise ValidationError(sentence(problem))

    def round_values(self) -> dict:
        """The round asked for, as create_round() takes it."""
        criteria = SelectionCriteria(tuple(self.teams.data or ()), tuple(self.plan_types.data or ()),
                                     tuple(self.flags.data or ()))
        return {"kind": RoundKind(self.kind.data), "month": read_month(self.month.data).on, "title": self.title.data,
                "theme": self.theme.data, "criteria": criteria, "criteria_text": criteria.describe(dict(self.teams.choices)),
                "sample_size": self.sample_size.data, "seed": self.seed.data}


class PoolCaseForm(SubmittedOnce):
    reference = StringField("Case ID number", widget=GovTextInput(),
                            validators=[InputRequired("Enter the case ID number"), Length(max=40)])
    team_id = SelectField("Team", coerce=chosen_id, widget=GovSelect())
    allocated_worker = StringField("Allocated worker", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    team_manager_id = SelectField("Team manager", coerce=chosen_id, widget=GovSelect())
    service_manager_id = SelectField("Service manager", coerce=chosen_id, widget=GovSelect())
    plan_type = SelectField("Plan type", widget=GovSelect(), choices=[("", "Not known")] + [(p, p) for p in PLAN_TYPES])
    closed_recently = BooleanField(CASE_FLAGS["closed_recently"], widget=GovCheckboxInput())
    step_up = BooleanField(CASE_FLAGS["step_up"], widget=GovCheckboxInput())
    neglect = BooleanField(CASE_FLAGS["neglect"], widget=GovCheckboxInput())
    under_two = BooleanField(CASE_FLAGS["under_two"], widget=GovCheckboxInput())
    domestic_abuse = BooleanField(CASE_FLAGS["domestic_abuse"], widget=GovCheckboxInput())
    submit = SubmitField("Add case", widget=GovSubmitInput())

    def case_values(self) -> dict:
        """The case as add_case() takes it; a manager not known is None."""
        values = {name: getattr(self, name).data
                  for name in ("reference", "team_id", "allocated_worker", "plan_type", *CASE_FLAGS)}
        return {**values, "team_manager_id": self.team_manager_id.data or None,
                "service_manager_id": self.service_manager_id.data or None}


class CorrectCaseForm(PoolCaseForm):
    """The case form opened on a case already in the pool, carrying the version it was opened at."""

    version = version_field()
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    @classmethod
    def opened_on(cls, case) -> "CorrectCaseForm":
        """The form filled from the case (a manager not known is the "Not known" choice)."""
        names = ("reference", "team_id", "allocated_worker", "plan_type", "version", *CASE_FLAGS)
        return cls(data={**{name: getattr(case, name) for name in names},
                         "team_manager_id": case.team_manager_id or 0, "service_manager_id": case.service_manager_id or 0})


class RemoveCaseForm(SubmittedOnce):
    version = version_field()
    submit = SubmitField("Yes, remove this case", widget=GovSubmitInput())


class AllocationForm(SubmittedOnce):
    case_id = WholeNumberField(validators=[InputRequired()], minimum=1)
    auditor_id = SelectField("Auditor", coerce=chosen_id, widget=GovSelect(),
                             validators=[InputRequired("Choose an auditor")])
    override_reason = TextAreaField("Reason, if the auditor works in the case's own team", widget=GovTextArea(),
                                    validators=[Optional()])
    submit = SubmitField("Allocate", widget=GovSubmitInput())


class ProposalForm(SubmittedOnce):
    """A round's proposed allocations, one select a case, confirmed once. Built for the cases the page offers."""

    submit = SubmitField("Allocate these cases", widget=GovSubmitInput())

    def chosen(self, case_ids: list[int]) -> dict[int, int | None]:
        """Each case whose row was sent, with the auditor chosen for it (None: left for later)."""
        return {case_id: self[row_field(case_id)].data or None for case_id in case_ids
                if row_field(case_id) in self and self[row_field(case_id)].raw_data}


def proposal_form(rows: list[ProposalRow], case_ids: list[int]) -> ProposalForm:
    """The form for the proposal page: a select for each case of the round (`case_ids`), filled with the auditors
    offered on its row (`rows`: the cases still to allocate) and the one proposed. A case allocated by someone else
    since the page was opened still reads what was sent for it, so that the service can say so."""
    offered = {row.case.id: row for row in rows}

    class Form(ProposalForm):
        pass

    for case_id in case_ids:
        row = offered.get(case_id)
        setattr(Form, row_field(case_id), SelectField(
            f"Auditor for case {row.case.reference}" if row else "Auditor", coerce=chosen_id, widget=GovSelect(),
            validate_choice=False, default=(row.proposed or 0) if row else 0,  # the service refuses a wrong choice
            choices=[(0, "Leave it for now"), *(row.choices if row else [])]))
    return Form()


class PoolImportForm(SubmittedOnce):
    csv_text = TextAreaField("Cases as CSV", widget=GovTextArea(),
                             description="Columns: reference, team, allocated_worker, team_manager, service_manager, "
                                         "plan_type, closed_recently, step_up, neglect, under_two, domestic_abuse. "
                                         "Flags are yes or no.",
                             validators=[InputRequired("Paste the cases, with the column names on the first line")])
    confirm = SubmitField("Import these cases", widget=GovSubmitInput())
    preview = SubmitField("Check the cases", widget=GovSubmitInput())


def sentence(problem: str) -> str:
    return problem[0].upper() + problem[1:]


def findings_filter(args, today: date) -> tuple[FindingsFilter, list[str]]:
    """The period, team and type asked for; bad months are reported, never guessed (the default is used instead)."""
    problems = []
    this_month = today.replace(day=1)
    default_first = (this_month - timedelta(days=150)).replace(day=1)
    months = []
    for name, default in (("from", default_first), ("to", this_month)):
        text = args.get(name, "").strip()
        reading = read_month(text) if text else None
        if reading and reading.problem:
            problems.append(sentence(reading.problem))
        months.append(reading.on.replace(day=1) if reading and reading.on else default)
    team = args.get("team", "")
    kind = args.get("kind", "")
    return FindingsFilter(months[0], months[1], team_id=whole_number(team),
                          kind=RoundKind(kind) if kind in {k.value for k in RoundKind} else None), problems
