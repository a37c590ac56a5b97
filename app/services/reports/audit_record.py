"""A single completed case-file audit as a Word document, laid out as the audit tool is (sections 1 to 8, the nine
practice elements as 5.1 … 5.9), for the auditor to share with the case's team manager and service manager.

Page 1 sums it up: the grades that stand (each element's and the overall grade) and the standards not met, before
the detail. Each key standard is numbered as comments cite it ("5.1.3": element 5.1's third standard), and each
SMART recommendation says where it stands (open, overdue, done, cancelled) and when it is due.

Every page is marked OFFICIAL-SENSITIVE: the document holds special-category personal data about a child. The
child's name and date of birth appear only when the audit holds them and the service collects them. Where the
audit was moderated, the moderator's grades stand beside the auditor's (which are never changed) and the
document says which one stands.
"""

import json
from datetime import date, datetime

from docx.document import Document as WordDocument

from app.metrics import timed_report
from app.models import (
    Answer,
    Audit,
    AuditElement,
    AuditState,
    Grade,
    Moderation,
    PartyKind,
    Person,
    RecommendationStatus,
    SmartRecommendation,
)
from app.models.audits import AuditElementGrade, ModerationGrade
from app.services.audits.queries import load_audit
from app.services.audits.work import EDITABLE, may_view, open_audit, overall_grade_warning
from app.services.errors import DomainError, NotAllowedError
from app.services.plans.due_dates import long_date
from app.services.reports.document import (
    bullets,
    heading,
    new_document,
    paragraphs,
    protective_marking,
    table,
    to_bytes,
)

HANDLING = "contains personal data about a child. Do not forward."
ANSWER_WORDS = {Answer.YES: "Yes", Answer.NO: "No", Answer.NOT_APPLICABLE: "Not applicable"}
NOT_ANSWERED, NOT_GRADED, NOT_RECORDED = "Not answered", "Not graded", "Not recorded"
DETAIL_HEADINGS = ["Detail", "Recorded"]
DETAIL_WIDTHS = [6.0, 11.0]
STANDARD_WIDTHS = [1.5, 12.5, 3.0]
PARTY_COLUMNS = ["Relationship", "Name", "Age", "Gender", "Ethnicity", "Language"]
REASON_COLUMNS = ["summary", "good_practice", "learning", "immediate_actions", "worker_reflections"]
REASON_LABELS = ["Summary", "Good practice", "Learning", "Immediate actions to safeguard the child",
                 "Key worker's reflections"]
SHARING_COLUMNS = ["sent_to_team_manager_on", "sent_to_service_manager_on", "sent_to_cp_coordinator_on"]
SHARING_LABELS = ["Date audit sent to Team Manager", "Date sent to Service Manager",
                  "Date audit sent to Child Protection Co-ordinator/Independent Reviewing Officer (where allocated)"]
STANDS = "this grade stands"


def document_title(audit: Audit) -> str:
    return f"Case-file audit: {audit.case.reference}, {audit.round.title}"


def filename(audit: Audit) -> str:
    """The case reference and the round's month; never the child's name."""
    reference = "".join(ch if ch.isalnum() else "-" for ch in audit.case.reference).strip("-")
    return f"case-file-audit-{reference}-{audit.round.month:%Y-%m}.docx"


NO_DOCUMENT_YET = "This audit can be downloaded as a Word document once it is submitted"


def has_document(audit: Audit) -> bool:
    """Submitted or later: only then is there an audit to share."""
    return AuditState(audit.state) not in EDITABLE


def export(audit: Audit, person: Person, *, now: datetime, include_identity: bool, today: date | None = None) -> bytes:
    """The completed audit as a .docx for a person who may read it, the export logged in the audit access log (the
    download page and `flask reports audit` both come here). NotAllowedError for anyone else; DomainError while the
    audit is still being written (or was returned to its auditor): it has no document yet."""
    if not may_view(person, audit):
        raise NotAllowedError("You cannot see this audit")
    if not has_document(audit):
        raise DomainError(NO_DOCUMENT_YET)
    content = write_audit(audit, generated_at=now, include_identity=include_identity, today=today)
    open_audit(audit, person, kind="export", now=now)
    return content


@timed_report("audit")
def write_audit(audit: Audit, *, generated_at: datetime, include_identity: bool = True,
                today: date | None = None) -> bytes:
    """The audit as a .docx. include_identity False leaves out the child's name and date of birth even where the
    audit holds them (the service no longer collects them). today (the service's today, the demo's date in a demo;
    the day of generated_at if not given) decides which open recommendations are overdue."""
    audit = load_audit(audit.id)
    tool = json.loads(audit.tool.definition)
    moderation = finished_moderation(audit)
    document = new_document(document_title(audit), generated_at=generated_at, dated=long_date(generated_at.date()),
                            marking=protective_marking(personal_data=True), handling=HANDLING)
    heading(document, document_title(audit), 0)
    _front(document, audit, moderation)
    _summary_of_grades(document, audit, moderation)
    _audit_details(document, audit, tool)
    _service_details(document, audit, tool)
    _child(document, audit, tool, include_identity=include_identity)
    _case_overview(document, audit, tool)
    _elements(document, audit, tool, moderation)
    _overall(document, audit, tool, moderation)
    _recommendations(document, audit, tool, today=today or generated_at.date())
    _sharing(document, audit, tool)
    if moderation:
        _moderation(document, audit, moderation)
    return to_bytes(document)


def finished_moderation(audit: Audit) -> Moderation | None:
    """The moderation once recorded: until then the auditor's grades stand."""
    moderation = audit.moderation
    return moderation if moderation and moderation.completed_at else None


# --- Pieces ---------------------------------------------------------------------------------------


def _field(document: WordDocument, label: str, value: str) -> None:
    """One short value after its label in bold: "Grade: Good"."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value or NOT_RECORDED)


def _text(document: WordDocument, text: str) -> None:
    """Free text as written, one paragraph per line, or "Not recorded"."""
    if text and text.strip():
        paragraphs(document, text)
    else:
        document.add_paragraph(NOT_RECORDED)


def _details(document: WordDocument, rows: list[list[str]]) -> None:
    table(document, DETAIL_HEADINGS, [[label, value or NOT_RECORDED] for label, value in rows], DETAIL_WIDTHS,
          keep_together=True)


def _label(document: WordDocument, text: str) -> None:
    """A label in bold, kept on the page of the text it introduces."""
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    paragraph.paragraph_format.keep_with_next = True


def _day(value) -> str:
    """A date as every date in the documents is written ("9 March 2021"), or nothing."""
    return long_date(value) if value else ""


def standard_number(element: AuditElement, index: int) -> str:
    """A key standard's number as comments cite it: "5.1.3" for element 5.1's third standard (index 2)."""
    return f"{element.number}.{index + 1}"


def _section(tool: dict, number: str) -> dict:
    return next((section for section in tool.get("sections", []) if section.get("number") == number), {})


def _section_title(tool: dict, number: str, default: str) -> str:
    return f"{number}. {_section(tool, number).get('title') or default}"


def _field_labels(section: dict, defaults: list[str]) -> list[str]:
    """The tool's own labels for a section's fields (the defaults where a tool version lacks them)."""
    labels = [field["label"] for field in section.get("fields", [])]
    return labels if len(labels) >= len(defaults) else defaults


def _grade(grade) -> str:
    return Grade(grade).label if grade else NOT_GRADED


def _answer(answer) -> str:
    return ANSWER_WORDS[Answer(answer)] if answer else NOT_ANSWERED


def _yes_no(value: bool | None) -> str:
    return NOT_RECORDED if value is None else "Yes" if value else "No"


def _grades(document: WordDocument, label: str, grade: Grade | None, after_moderation: str | None) -> None:
    """The grade; for a moderated audit, the auditor's grade and the one after moderation ("Grade" becomes
    "Auditor's grade" and "Grade after moderation"; "Overall grade", "Auditor's overall grade" …)."""
    if after_moderation is None:
        _field(document, label, _grade(grade))
        return
    _field(document, f"Auditor's {label[0].lower()}{label[1:]}", _grade(grade))
    _field(document, f"{label} after moderation", after_moderation)


def _moderated(grade: Grade, original: Grade | None, reason: str) -> str:
    """The moderator's grade, said in words to be agreed or changed (and why), and that it stands."""
    if grade == original:
        return f"{_grade(grade)} (agreed by the moderator; {STANDS})"
    return f"{_grade(grade)} (changed by the moderator; {STANDS}). Reason: {reason or NOT_RECORDED}"


# --- The document, section by section -------------------------------------------------------------


def _front(document: WordDocument, audit: Audit, moderation: Moderation | None) -> None:
    _field(document, "Case reference (ID number)", audit.case.reference)
    _field(document, "Audit tool", f"{audit.tool.title}, version {audit.tool.version}")
    submitted = f", submitted {_day(audit.submitted_at)}" if audit.submitted_at else ""
    _field(document, "State", f"{audit.state.label}{submitted}")
    _field(document, "Moderation", _moderation_summary(audit, moderation))


def _moderation_summary(audit: Audit, moderation: Moderation | None) -> str:
    if moderation:
        return (f"moderated by {moderation.moderator.name} on {_day(moderation.completed_at)}. The moderator's "
                "grades stand; the auditor's are kept beside them (see Moderation at the end).")
    if audit.moderation:
        return "chosen for moderation, not yet recorded. Until it is, the auditor's grades stand."
    return "not moderated. The auditor's grades stand."


def _audit_details(document: WordDocument, audit: Audit, tool: dict) -> None:
    heading(document, _section_title(tool, "1", "Audit details"), 1)
    auditor, completed = _field_labels(_section(tool, "1"), ["Auditor Name", "Date audit completed"])[:2]
    audit_round = audit.round
    round_text = f"{audit_round.title} ({audit_round.month:%B %Y})"
    if audit_round.theme:
        round_text += f": themed audit of {audit_round.theme}"
    _details(document, [[auditor, audit.auditor.name], [completed, _day(audit.completed_on)],
                        ["Round", round_text]])


def _service_details(document: WordDocument, audit: Audit, tool: dict) -> None:
    heading(document, _section_title(tool, "2", "Service details"), 1)
    labels = _field_labels(_section(tool, "2"), ["Allocated Worker", "Team Manager", "Service/Team",
                                       "CP Chair/IRO (where applicable)"])
    record = audit.record
    values = [record.allocated_worker, record.team_manager, record.service_team, record.cp_chair_iro] if record \
        else [""] * 4
    _details(document, [[label, value] for label, value in zip(labels, values, strict=False)])


def _child(document: WordDocument, audit: Audit, tool: dict, *, include_identity: bool) -> None:
    """Only what the audit holds: a detail not recorded is left out, not shown empty."""
    heading(document, _section_title(tool, "3", "Child or young person's information"), 1)
    child = _section(tool, "3")
    _details(document, _child_rows(audit, child, include_identity=include_identity))
    for kind, key, default in [(PartyKind.HOUSEHOLD, "other_household_members", "Other Household Members"),
                               (PartyKind.SIGNIFICANT, "non_household_significant_people",
                                "Non-Household Significant Family Members & People")]:
        parties = [party for party in audit.parties if party.kind == kind]
        if parties:
            part = child.get(key, {})
            heading(document, part.get("heading") or default, 2)
            table(document, part.get("columns") or PARTY_COLUMNS,
                  [[p.relationship_to_child, p.name, "" if p.age is None else str(p.age), p.gender, p.ethnicity,
                    p.language] for p in parties], keep_together=True)


def _child_rows(audit: Audit, child: dict, *, include_identity: bool) -> list[list[str]]:
    labels = _field_labels(child, ["ID Number", "Child / Young Persons' Full Name", "Gender", "Age", "DOB",
                                   "Ethnicity", "Primary Language"])
    record = audit.record
    rows = [[labels[0], audit.case.reference]]
    if record is None:
        return rows
    identity = include_identity and record.child_name
    born = include_identity and record.child_date_of_birth
    disability = child.get("disability", {})
    columns = disability.get("columns") or ["Date identified", "Nature of Disability", "Impact/severity"]
    candidates = [
        [labels[1], record.child_name if identity else ""],
        [labels[2], record.gender],
        [labels[3], "" if record.age is None else str(record.age)],
        [labels[4], _day(record.child_date_of_birth) if born else ""],
        [labels[5], record.ethnicity],
        [labels[6], record.primary_language],
        ["Plan type", ", ".join(part for part in record.plan_types.split("|") if part)],
        [disability.get("question") or "Disability",
         "" if record.has_disability is None else _yes_no(record.has_disability)],
        [columns[0], _day(record.disability_identified_on)],
        [columns[1], record.disability_nature],
        [columns[2], record.disability_impact],
    ]
    return rows + [[label, value] for label, value in candidates if value and value.strip()]


def _case_overview(document: WordDocument, audit: Audit, tool: dict) -> None:
    heading(document, _section_title(tool, "4", "Case overview"), 1)
    _text(document, audit.record.case_overview if audit.record else "")


def _summary_of_grades(document: WordDocument, audit: Audit, moderation: Moderation | None) -> None:
    """Page 1: the grades that stand, each element's and the overall grade, with the standards each element did not
    meet, before the detail."""
    heading(document, "Summary of grades", 1)
    answers, entries, decisions = _answers_and_grades(audit, moderation)
    paragraph = document.add_paragraph(
        ("The grades that stand after moderation" if moderation else "The auditor's grades") + ", and the key "
        "standards answered No (numbered as in section 5, where each element is set out in full).")
    paragraph.paragraph_format.keep_with_next = True
    rows = []
    for element in audit.tool.elements:
        entry, decision = entries.get(element.id), decisions.get(element.id)
        grade = entry.grade if entry else None
        not_met = [standard_number(element, index) for index, standard in enumerate(element.standards)
                   if answers.get(standard.id) == Answer.NO]
        rows.append([f"{element.number} {element.report_label or element.title}",
                     _standing(decision.grade if decision else grade, grade, moderated=decision is not None),
                     ", ".join(not_met) or "None"])
    auditor_overall = audit.record.overall_grade if audit.record else None
    rows.append(["Overall grade", _standing(moderation.overall_grade if moderation else auditor_overall,
                                            auditor_overall, moderated=moderation is not None), ""])
    table(document, ["Practice element", "Grade", "Standards not met"], rows, [8.0, 5.0, 4.0], keep_together=True)


def _standing(grade: Grade | None, auditor_grade: Grade | None, *, moderated: bool) -> str:
    """The grade that stands, saying so when moderation changed the auditor's."""
    if moderated and grade != auditor_grade:
        return f"{_grade(grade)} (changed in moderation from {_grade(auditor_grade)})"
    return _grade(grade)


def _answers_and_grades(audit: Audit, moderation: Moderation | None) -> tuple[dict, dict, dict]:
    """Each standard's answer, each element's grade entry and each element's moderation decision, by id."""
    return ({answer.standard_id: answer.answer for answer in audit.answers},
            {entry.element_id: entry for entry in audit.element_grades},
            {grade.element_id: grade for grade in moderation.grades} if moderation else {})


def _elements(document: WordDocument, audit: Audit, tool: dict, moderation: Moderation | None) -> None:
    heading(document, _section_title(tool, "5", "Audit"), 1)
    answers, entries, decisions = _answers_and_grades(audit, moderation)
    for element in audit.tool.elements:
        _element(document, element, answers, entries.get(element.id), decisions.get(element.id), moderation)


def _element(document: WordDocument, element: AuditElement, answers: dict, entry: AuditElementGrade | None,
             decision: ModerationGrade | None, moderation: Moderation | None) -> None:
    heading(document, f"{element.number} {element.title}", 2)
    table(document, ["No.", "Key standards", "Answer"],
          [[standard_number(element, index), standard.text, _answer(answers.get(standard.id))]
           for index, standard in enumerate(element.standards)], STANDARD_WIDTHS)
    grade = entry.grade if entry else None
    after_moderation = (_moderated(decision.grade, grade, decision.reason) if decision
                        else f"{_grade(grade)} (not moderated)") if moderation else None
    _grades(document, "Grade", grade, after_moderation)
    _label(document, "Comment")
    _text(document, entry.comment if entry else "")


def _overall(document: WordDocument, audit: Audit, tool: dict, moderation: Moderation | None) -> None:
    heading(document, _section_title(tool, "6", "Overall Judgement"), 1)
    record = audit.record
    overall = record.overall_grade if record else None
    _grades(document, "Overall grade", overall,
            _moderated(moderation.overall_grade, overall, moderation.overall_reason) if moderation else None)
    warning = overall_grade_warning([entry.grade for entry in audit.element_grades], overall)
    if warning:
        document.add_paragraph(f"Note: {warning}. The overall grade is the auditor's judgement.")
    labels = (tool.get("overall") or {}).get("reasons_fields") or REASON_LABELS
    for label, column in zip(labels, REASON_COLUMNS, strict=False):
        heading(document, label.rstrip(". "), 2)
        _text(document, getattr(record, column) if record else "")
    _field(document, "Completed alongside the social worker", _yes_no(record.completed_with_worker if record else None))


def _recommendations(document: WordDocument, audit: Audit, tool: dict, *, today: date) -> None:
    heading(document, _section_title(tool, "7", "SMART Recommendations"), 1)
    columns = tool.get("smart_recommendations_columns") or ["What", "How", "Who", "When"]
    if audit.recommendations:
        table(document, [*columns, "Status"],
              [[item.what, item.how, _who(item), _day(item.due_on), recommendation_status(item, today)]
               for item in audit.recommendations], [4.2, 4.6, 3.0, 2.6, 2.6], keep_together=True)
    else:
        document.add_paragraph("None recorded.")
    learning = tool.get("organisational_learning") or {}
    heading(document, learning.get("label") or "Organisational learning points", 2)
    if audit.learning_points:
        table(document, learning.get("columns") or ["What", "How", "Who", "When"],
              [[point.text + (" (now an improvement plan action)" if point.action_id else ""), point.how, point.who,
                _day(point.due_on)] for point in audit.learning_points], keep_together=True)
    else:
        document.add_paragraph("None recorded.")


def recommendation_status(item: SmartRecommendation, today: date) -> str:
    """Where a recommendation stands on the day the document is made: "Open", "Overdue" (open after its due date),
    "Done on 3 March 2021" or "Cancelled"."""
    status = RecommendationStatus(item.status)
    if status == RecommendationStatus.DONE:
        return f"Done on {_day(item.done_on)}" if item.done_on else "Done"
    if status == RecommendationStatus.CANCELLED:
        return "Cancelled"
    return "Overdue" if item.due_on and item.due_on < today else "Open"


def _who(item: SmartRecommendation) -> str:
    owner = f"Owner: {item.owner.name}" if item.owner else ""
    return "\n".join(part for part in (item.who, owner) if part)


def _sharing(document: WordDocument, audit: Audit, tool: dict) -> None:
    heading(document, _section_title(tool, "8", "Sharing the audit"), 1)
    labels = tool.get("sharing") or SHARING_LABELS
    record = audit.record
    _details(document, [[label, _day(getattr(record, column)) if record else ""]
                        for label, column in zip(labels, SHARING_COLUMNS, strict=False)])
    others = tool.get("sharing_other_parties") or {}
    heading(document, (others.get("label") or "Other parties").rstrip(": "), 2)
    if audit.shared_with:
        table(document, others.get("columns") or ["Name", "Role", "When"],
              [[party.name, party.role, _day(party.shared_on)] for party in audit.shared_with], keep_together=True)
    else:
        document.add_paragraph("None recorded.")


def _moderation(document: WordDocument, audit: Audit, moderation: Moderation) -> None:
    """Each element's and the overall grade: the auditor's, the moderator's, agreed or changed, and why."""
    heading(document, "Moderation", 1)
    document.add_paragraph(f"Moderated by {moderation.moderator.name} on {_day(moderation.completed_at)}. The "
                           "moderator's grade stands for each element and overall; the auditor's grades are kept "
                           "as they were recorded.").paragraph_format.keep_with_next = True
    decisions = {grade.element_id: grade for grade in moderation.grades}
    rows = [[element.number, _grade(decision.original_grade), _grade(decision.grade),
             "Changed" if decision.changed else "Agreed", decision.reason]
            for element in audit.tool.elements if (decision := decisions.get(element.id))]
    auditor_overall = audit.record.overall_grade if audit.record else None
    overall_changed = moderation.overall_grade != auditor_overall
    rows.append(["Overall", _grade(auditor_overall), _grade(moderation.overall_grade),
                 "Changed" if overall_changed else "Agreed", moderation.overall_reason])
    table(document, ["Element", "Auditor's grade", "Moderator's grade (stands)", "Agreed or changed", "Reason"], rows,
          [2.0, 3.2, 3.6, 2.6, 5.6], keep_together=True)
    changed = sum(decision.changed for decision in moderation.grades)
    bullets(document, [f"{changed} of {len(moderation.grades)} element grades changed.",
                       f"The overall grade was {'changed' if overall_changed else 'agreed'}."])
