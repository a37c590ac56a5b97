"""The audit form, built for each audit from its own version of the tool.

Labels come verbatim from the tool's JSON. Each version may have a different number of key standards, so the
form class is made per tool version, with fields named standard_<standard id>, grade_<element id> and
comment_<element id>. Drafts keep whatever is typed: the only checks here are of format (a real date, a whole
number, a length the database can hold); what a submitted audit needs is the service's rule.
"""

from dataclasses import dataclass

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import GovDateField, VersionedForm, WholeNumberField
from app.models import Answer, Audit, AuditElement, Grade, PartyKind
from app.services.audits.work import (
    AuditDraft,
    ElementEntry,
    Learning,
    Party,
    Recommendation,
    Sharing,
    open_learning_points,
)

PARTY_ROWS = 6  # rows for household members, and again for significant people
RECOMMENDATION_ROWS = 6  # the paper tool's table has six rows
LEARNING_ROWS = 4
SHARING_ROWS = 3  # rows for the other parties the audit was shared with

ANSWER_CHOICES = [(Answer.YES.value, "Yes"), (Answer.NO.value, "No"), (Answer.NOT_APPLICABLE.value, "Not applicable")]
GRADE_CHOICES = [(grade.value, grade.label) for grade in Grade]
YES_NO = [("yes", "Yes"), ("no", "No")]
NOT_CHOSEN = ""

# Record columns, in the order of the tool's fields in sections 2 and 3 (section 3's first field, the ID number,
# is the case reference and is not typed).
SERVICE_COLUMNS = [("allocated_worker", 200), ("team_manager", 200), ("service_team", 200), ("cp_chair_iro", 200)]
CHILD_COLUMNS = {"child_name": 1, "gender": 2, "age": 3, "child_date_of_birth": 4, "ethnicity": 5,
                 "primary_language": 6}
CHILD_TEXT_LENGTHS = {"child_name": 200, "gender": 60, "ethnicity": 100, "primary_language": 100}
IDENTITY_COLUMNS = {"child_name", "child_date_of_birth"}
REASON_COLUMNS = ["summary", "good_practice", "learning", "immediate_actions", "worker_reflections"]
SHARING_COLUMNS = ["sent_to_team_manager_on", "sent_to_service_manager_on", "sent_to_cp_coordinator_on"]
PARTY_COLUMNS = [("relationship_to_child", 100), ("name", 200), ("age", None), ("gender", 60), ("ethnicity", 100),
                 ("language", 100)]
PARTY_KINDS = {PartyKind.HOUSEHOLD: ("household", "other_household_members", "household member"),
               PartyKind.SIGNIFICANT: ("significant", "non_household_significant_people", "significant person")}
TEXT_COLUMNS = [name for name, _ in SERVICE_COLUMNS] + [*CHILD_TEXT_LENGTHS, "disability_nature", "disability_impact",
                                                        "case_overview", *REASON_COLUMNS]


# --- Fields with messages that say which box is wrong ----------------------------------------------


class DayFirstDateInput(GovDateInput):
    """A GOV.UK date input whose error-summary link lands on the day box (the field's id is "<name>-day")."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["id"] = field.name
        return params


class AuditDateField(GovDateField):
    """A date that may be left empty; an impossible date is an error that names the field."""

    def __init__(self, label: str, *, what: str | None = None, name: str | None = None, **kwargs):
        # WTForms gives the field its name when binding it to the form
        super().__init__(label, id=f"{name}-day", name=name, widget=DayFirstDateInput(), **kwargs)
        self.what = what or label

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(f"{self.what}: {error}") from error

    def parts(self) -> list:
        """Day, month and year as typed (even if impossible), else as saved; as GovDateInput shows them."""
        if self.raw_data is not None:
            return ([*self.raw_data] + [None] * 3)[:3]
        if self.data:
            return self.data.strftime("%d %m %Y").split(" ")
        return [None, None, None]


def _text(label: str, *, what: str | None = None, max_length: int | None = None, description: str = "") -> StringField:
    validators = [Optional()]
    if max_length:
        validators.append(Length(max=max_length, message=f"{what or label} must be {max_length} characters or fewer"))
    return StringField(label, widget=GovTextInput(), validators=validators, description=description)


def _long_text(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), validators=[Optional()], description=description)


def _radios(label: str, choices, description: str = "", what: str | None = None) -> RadioField:
    return RadioField(label, widget=GovRadioInput(), choices=choices, validators=[Optional()], description=description,
                      invalid_choice_message=f"Choose one of the options for {what or label}")


def _owner_id(value):
    return int(value) if value not in (None, "", NOT_CHOSEN) else None


# --- The form ---------------------------------------------------------------------------------------


class AuditForm(VersionedForm):
    """The fields every version has; audit_form_class adds the tool's own."""

    submit = None  # two buttons instead of VersionedForm's one
    save_draft = SubmitField("Save draft", widget=GovSubmitInput())
    submit_audit = SubmitField("Submit audit", widget=GovSubmitInput())

    definition: dict = {}
    elements: list = []  # the tool version's elements, with their standards
    learning_label = ""
    collect_identity = True
    party_rows = PARTY_ROWS
    recommendation_rows = RECOMMENDATION_ROWS
    learning_rows = LEARNING_ROWS
    sharing_rows = SHARING_ROWS

    @property
    def submitting(self) -> bool:
        return bool(self.submit_audit.data)

    # Fields by what they are for, for the template
    def standard(self, standard):
        return self[f"standard_{standard.id}"]

    def grade(self, element):
        return self[f"grade_{element.id}"]

    def comment(self, element):
        return self[f"comment_{element.id}"]

    def party_row(self, kind: PartyKind, index: int) -> list:
        prefix = PARTY_KINDS[kind][0]
        return [self[f"{prefix}_{index}_{column}"] for column, _ in PARTY_COLUMNS]

    def recommendation_row(self, index: int) -> dict:
        return {part: self[f"rec_{index}_{part}"] for part in ("what", "how", "who", "owner", "when")}

    def learning_row(self, index: int) -> dict:
        return {part: self[f"learning_{index}_{part}"] for part in ("what", "how", "who", "when")}

    def sharing_row(self, index: int) -> dict:
        return {part: self[f"share_{index}_{part}"] for part in ("name", "role", "when")}

    def set_people(self, people: list[tuple[int, str]]) -> None:
        choices = [(NOT_CHOSEN, "Not chosen")] + [(str(person_id), name) for person_id, name in people]
        for index in range(self.recommendation_rows):
            self[f"rec_{index}_owner"].choices = choices

    def show_version(self, version: int) -> None:
        """After a save the audit's version has moved on: the form carries the new one."""
        self.version.data, self.version.raw_data = version, [str(version)]

    def add_error(self, name: str, message: str) -> None:
        field = self[name]
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


@dataclass(frozen=True)
class ToolLabels:
    """The tool's labels, looked up once, with the sections by number."""

    definition: dict

    def section(self, number: str) -> dict:
        return next((s for s in self.definition.get("sections", []) if s.get("number") == number), {})

    def field(self, number: str, index: int, default: str) -> str:
        fields = self.section(number).get("fields", [])
        return fields[index]["label"] if index < len(fields) else default


def audit_form_class(definition: dict, elements: list[AuditElement], *, collect_identity: bool,
                     recommendation_rows: int = RECOMMENDATION_ROWS, learning_rows: int = LEARNING_ROWS,
                     sharing_rows: int = SHARING_ROWS) -> type:
    """A form class for this version of the tool (its elements and standards as loaded for the audit)."""
    labels = ToolLabels(definition)
    child = labels.section("3")
    fields: dict = {"definition": definition, "elements": elements, "collect_identity": collect_identity,
                    "recommendation_rows": recommendation_rows, "learning_rows": learning_rows,
                    "sharing_rows": sharing_rows}

    # 1 Audit details
    fields["completed_on"] = AuditDateField(labels.field("1", 1, "Date audit completed"))
    # 2 Service details
    for index, (column, length) in enumerate(SERVICE_COLUMNS):
        fields[column] = _text(labels.field("2", index, column), max_length=length)
    # 3 The child or young person
    for column, index in CHILD_COLUMNS.items():
        if column in IDENTITY_COLUMNS and not collect_identity:
            continue
        label = labels.field("3", index, column)
        if column == "age":
            fields[column] = WholeNumberField(label, what=f"{label} of the child", maximum=30,
                                              description="In years")
        elif column == "child_date_of_birth":
            fields[column] = AuditDateField(label, what="Date of birth", description="For example, 27 3 2015")
        else:
            fields[column] = _text(label, max_length=CHILD_TEXT_LENGTHS[column])
    plan_type = child.get("plan_type", {})
    fields["plan_types"] = SelectMultipleField("Plan type", widget=GovCheckboxesInput(), validators=[Optional()],
                                               choices=[(option, option) for option in plan_type.get("options", [])],
                                               description="Select all that apply.")
    disability = child.get("disability", {})
    columns = disability.get("columns", ["Date identified", "Nature of Disability", "Impact/severity"])
    fields["has_disability"] = _radios(disability.get("question", "Disability"), YES_NO)
    fields["disability_identified_on"] = AuditDateField(columns[0], what="Date the disability was identified",
                                                        description="For example, 27 3 2019")
    fields["disability_nature"] = _long_text(columns[1])
    fields["disability_impact"] = _long_text(columns[2])
    for prefix, key, noun in PARTY_KINDS.values():
        headings = child.get(key, {}).get("columns", [])
        for row in range(PARTY_ROWS):
            for position, (column, length) in enumerate(PARTY_COLUMNS):
                label = headings[position] if position < len(headings) else column
                what = f"{label} of {noun} {row + 1}"
                name = f"{prefix}_{row}_{column}"
                fields[name] = (WholeNumberField(what, what=what, maximum=130) if column == "age"
                                else _text(what, max_length=length))
    # 4 Case overview
    fields["case_overview"] = _long_text(labels.field("4", 0, "Case overview"))
    # 5 The practice elements: every standard Yes / No / Not applicable, a grade and a comment
    for element in elements:
        for standard in element.standards:
            fields[f"standard_{standard.id}"] = _radios(
                standard.text, ANSWER_CHOICES, what=f"key standard {element.number}.{standard.position + 1}")
        fields[f"grade_{element.id}"] = _radios(f"Grade for {element.number}", GRADE_CHOICES)
        fields[f"comment_{element.id}"] = _long_text(f"Comment on {element.number}", element.comment_prompt)
    # 6 Overall judgement
    overall = definition.get("overall", {})
    fields["overall_grade"] = _radios(overall.get("grade_heading", "Overall grade"), GRADE_CHOICES,
                                      overall.get("guidance", ""))
    reasons = overall.get("reasons_fields", [])
    for index, column in enumerate(REASON_COLUMNS):
        fields[column] = _long_text(reasons[index] if index < len(reasons) else column)
    fields["completed_with_worker"] = _radios("Was the audit completed alongside the social worker?", YES_NO)
    # 7 SMART recommendations and organisational learning
    prompts = definition.get("smart_recommendations_column_prompts", {})
    for row in range(recommendation_rows):
        number = row + 1
        fields[f"rec_{row}_what"] = _long_text("What", prompts.get("What", ""))
        fields[f"rec_{row}_how"] = _long_text("How", prompts.get("How", ""))
        fields[f"rec_{row}_who"] = _text("Who", what=f"Who (recommendation {number})", max_length=200,
                                         description=prompts.get("Who", ""))
        fields[f"rec_{row}_owner"] = SelectField(
            "Owner in People (optional)", widget=GovSelect(), coerce=_owner_id, validators=[Optional()],
            description="Choose someone to track the recommendation to done: it appears on their My work",
            invalid_choice_message=f"Choose an owner for recommendation {number} from the list")
        fields[f"rec_{row}_when"] = AuditDateField("When", what=f"When (recommendation {number})",
                                                   description=f"{prompts.get('When', 'Deadline')}. "
                                                               "For example, 27 3 2026")
    learning = definition.get("organisational_learning", {})
    fields["learning_label"] = learning.get("label", "Organisational learning")
    what, how, who, when = learning.get("columns", ["What", "How", "Who", "When"])
    for row in range(learning_rows):
        number = row + 1
        fields[f"learning_{row}_what"] = _long_text(what)
        fields[f"learning_{row}_how"] = _long_text(how)
        fields[f"learning_{row}_who"] = _text(who, what=f"{who} (learning point {number})", max_length=200)
        fields[f"learning_{row}_when"] = AuditDateField(when, what=f"{when} (learning point {number})",
                                                        description="For example, 27 3 2026")
    # 8 Sharing the audit
    sharing = definition.get("sharing", [])
    for index, column in enumerate(SHARING_COLUMNS):
        label = sharing[index] if index < len(sharing) else column
        fields[column] = AuditDateField(label)
    others = definition.get("sharing_other_parties", {})
    fields["sharing_label"] = others.get("label", "Other parties:")
    name, role, when = others.get("columns", ["Name", "Role", "When"])
    for row in range(sharing_rows):
        number = row + 1
        fields[f"share_{row}_name"] = _text(name, what=f"{name} (other party {number})", max_length=200)
        fields[f"share_{row}_role"] = _text(role, what=f"{role} (other party {number})", max_length=200)
        fields[f"share_{row}_when"] = AuditDateField(when, what=f"{when} (other party {number})",
                                                     description="For example, 27 3 2026")
    return type("ToolAuditForm", (AuditForm,), fields)


# --- From the audit to the form, and from the form to a draft ---------------------------------------


def initial_data(audit: Audit, form_class: type[AuditForm]) -> dict:
    """The saved audit as form data, to resume where the auditor left off."""
    data: dict = {"version": audit.version, "completed_on": audit.completed_on}
    record = audit.record
    if record is not None:
        for column in [*TEXT_COLUMNS, "age", "child_date_of_birth", "disability_identified_on", *SHARING_COLUMNS]:
            data[column] = getattr(record, column)
        data["plan_types"] = [option for option in (record.plan_types or "").split("|") if option]
        data["has_disability"] = _yes_no(record.has_disability)
        data["completed_with_worker"] = _yes_no(record.completed_with_worker)
        data["overall_grade"] = Grade(record.overall_grade).value if record.overall_grade else None
    for answer in audit.answers:
        data[f"standard_{answer.standard_id}"] = Answer(answer.answer).value
    for entry in audit.element_grades:
        data[f"grade_{entry.element_id}"] = Grade(entry.grade).value if entry.grade else None
        data[f"comment_{entry.element_id}"] = entry.comment
    positions = {PartyKind.HOUSEHOLD: 0, PartyKind.SIGNIFICANT: 0}
    for party in audit.parties:
        kind = PartyKind(party.kind)
        row, positions[kind] = positions[kind], positions[kind] + 1
        if row < PARTY_ROWS:
            for column, _ in PARTY_COLUMNS:
                data[f"{PARTY_KINDS[kind][0]}_{row}_{column}"] = getattr(party, column)
    for row, item in enumerate(audit.recommendations[: form_class.recommendation_rows]):
        data.update({f"rec_{row}_what": item.what, f"rec_{row}_how": item.how, f"rec_{row}_who": item.who,
                     f"rec_{row}_owner": item.owner_id, f"rec_{row}_when": item.due_on})
    for row, point in enumerate(open_learning_points(audit)[: form_class.learning_rows]):
        data.update({f"learning_{row}_what": point.text, f"learning_{row}_how": point.how,
                     f"learning_{row}_who": point.who, f"learning_{row}_when": point.due_on})
    for row, party in enumerate(audit.shared_with[: form_class.sharing_rows]):
        data.update({f"share_{row}_name": party.name, f"share_{row}_role": party.role,
                     f"share_{row}_when": party.shared_on})
    return data


def draft_from(form: AuditForm, audit: Audit) -> AuditDraft:
    """Everything typed, as a draft. Empty boxes left empty are not sent (no empty change is recorded)."""
    record = audit.record
    values: dict = {}
    for column in TEXT_COLUMNS:
        if column in form:
            values[column] = _clean(form[column])
    for column in ["age", "child_date_of_birth", "disability_identified_on", *SHARING_COLUMNS]:
        if column in form:
            values[column] = form[column].data
    options = [option for option, _ in form.plan_types.choices]
    values["plan_types"] = "|".join(option for option in options if option in (form.plan_types.data or []))
    values["has_disability"] = _from_yes_no(form.has_disability.data)
    values["completed_with_worker"] = _from_yes_no(form.completed_with_worker.data)
    values["overall_grade"] = Grade(form.overall_grade.data) if form.overall_grade.data else None
    values = {name: value for name, value in values.items()
              if value not in ("", None) or (record is not None and getattr(record, name) not in ("", None))}

    answers = {}
    existing_grades = {entry.element_id for entry in audit.element_grades}
    elements = {}
    for element in form.elements:
        for standard in element.standards:
            answer = form.standard(standard).data
            if answer:
                answers[standard.id] = Answer(answer)
        grade, comment = form.grade(element).data, _clean(form.comment(element))
        if grade or comment or element.id in existing_grades:
            elements[element.id] = ElementEntry(Grade(grade) if grade else None, comment)

    parties = []
    for kind in PARTY_KINDS:
        for row in range(PARTY_ROWS):
            cells = dict(zip([column for column, _ in PARTY_COLUMNS],
                             [_clean(field) for field in form.party_row(kind, row)], strict=True))
            if any(value not in ("", None) for value in cells.values()):
                parties.append(Party(kind=kind, **cells))

    recommendations = [Recommendation(what=parts["what"], how=parts["how"], owner_id=parts["owner"], who=parts["who"],
                                      due_on=parts["when"])
                       for parts in _filled_rows(form.recommendation_row, form.recommendation_rows)]

    learning = [Learning(what=parts["what"], how=parts["how"], who=parts["who"], due_on=parts["when"])
                for parts in _filled_rows(form.learning_row, form.learning_rows)]
    shared_with = [Sharing(name=parts["name"], role=parts["role"], shared_on=parts["when"])
                   for parts in _filled_rows(form.sharing_row, form.sharing_rows)]
    return AuditDraft(record=values, completed_on=form.completed_on.data, answers=answers, elements=elements,
                      parties=parties, recommendations=recommendations, learning_points=learning,
                      shared_with=shared_with)


def _filled_rows(row_fields, rows: int) -> list[dict]:
    """The rows of a table of fields with something in them, each as its values by part."""
    filled = []
    for row in range(rows):
        parts = {part: _clean(field) for part, field in row_fields(row).items()}
        if any(value not in ("", None) for value in parts.values()):
            filled.append(parts)
    return filled


def _clean(field):
    """A text box's text (empty, never None, even if not posted); other fields' data as it is."""
    return (field.data or "").strip() if isinstance(field, StringField) else field.data


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _from_yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def place_missing(form: AuditForm, audit: Audit, missing: list[str]) -> list[str]:
    """Put each thing still missing before submission next to its field; returns any that have no field."""
    answered = {answer.standard_id for answer in audit.answers}
    places = {"Enter the date the audit was completed": "completed_on",
              "Choose the overall grade": "overall_grade",
              "Write the summary of the reasons for the overall grade": "summary",
              "Say whether the audit was completed alongside the social worker": "completed_with_worker"}
    for row in range(form.recommendation_rows):
        places[f"Say what recommendation {row + 1} is to achieve"] = f"rec_{row}_what"
    for row in range(form.learning_rows):
        places[f"Say what learning point {row + 1} is"] = f"learning_{row}_what"
    for element in form.elements:
        places[f"Grade element {element.number}"] = f"grade_{element.id}"
        unanswered = next((standard for standard in element.standards if standard.id not in answered), None)
        if unanswered is not None:
            places[f"Answer every key standard in {element.number} "] = f"standard_{unanswered.id}"
    unplaced = []
    for message in missing:
        name = places.get(message) or next((name for start, name in places.items()
                                            if start.endswith(" ") and message.startswith(start)), None)
        if name is not None and name in form:
            form.add_error(name, message)
        else:
            unplaced.append(message)
    return unplaced
