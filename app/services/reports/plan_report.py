"""The plan progress report for a board or committee meeting, as Word, in the council committee template's layout:
the front block and numbered sections 1–12 (what a programme manager fills in once per report), where section 3
holds the figures (where the plan stands, changes since the previous report, Ofsted findings and the actions
answering them, charts), then the plan itself as Appendix A in the council's nine-column layout.

Every figure is worked out from the frozen data (app.services.reports.plan_data), never queried here.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from docx.document import Document as WordDocument
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from app.metrics import timed_report
from app.models import Rating, RevisionDecision
from app.services.plans.due_dates import long_date
from app.services.plans.rag import RATING_WORDS
from app.services.reports import contents
from app.services.reports import document as word
from app.services.reports.plan_charts import describe_counts, stacked_ratings_png
from app.services.reports.plan_data import FLAGS, RATINGS, coverage, number_ranges, summary
from app.services.wording import in_code_order, plural

PLACEHOLDER = "[To be completed: {label}]"
DOES_NOT_APPLY = "Not applicable to this report."
TEXT_WIDTH_CM = 17.0  # A4 portrait with 2 cm margins
CONFIRM_HINT = ("Left empty, the report says “[To be completed]” here and its checks ask you to confirm. If nothing "
                "applies, write so, for example “None.” or “Not applicable.”")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False  # left empty, the report shows a placeholder, and the checks stop its release
    confirm: bool = False  # left empty, the report shows a placeholder, and the checks warn (sections 4–6)
    hint: str = ""
    long: bool = False  # several lines


FRONT_BLOCK = [
    Field("report_of", "Report of the", True, "The author's role, for example Strategic Director, Children's Services."),
    Field("committee", "To the meeting of", True, "The committee or board, for example Children's Services Overview "
                                                  "and Scrutiny Committee."),
    Field("subject", "Subject", True),
    Field("summary_statement", "Summary statement", True, long=True),
    Field("signatory", "Signatory", True, "The name of the person signing the report."),
    Field("portfolio", "Portfolio", True, "For example Children and Families."),
    Field("contact_name", "Report contact: name", True),
    Field("contact_role", "Report contact: role", True),
    Field("contact_phone", "Report contact: phone", True),
    Field("contact_email", "Report contact: e-mail", True),
    Field("scrutiny_area", "Overview and Scrutiny Area", True, "For example Children's Services."),
]

OTHER_IMPLICATIONS = [
    ("equality", "7.1", "Equality and diversity issues"),
    ("sustainability", "7.2", "Sustainability implications"),
    ("greenhouse_gas", "7.3", "Greenhouse gas emissions impacts"),
    ("community_safety", "7.4", "Community safety implications"),
    ("human_rights", "7.5", "Human Rights Act"),
    ("trade_union", "7.6", "Trade union"),
    ("ward", "7.7", "Ward implications"),
    ("corporate_parenting", "7.8", "Implications for corporate parenting"),
    ("privacy", "7.9", "Issues arising from privacy impact assessment"),
]

SUMMARY = Field("summary", "1. Summary", hint="Opens section 1; the report adds the plan's key figures after it.",
                long=True)
BACKGROUND = Field("background", "2. Background", True, long=True)
OTHER_CONSIDERATIONS = Field("other_considerations", "3. Other considerations",
                             hint="Opens section 3; the report adds where the plan stands, the changes since the "
                                  "previous report and the Ofsted findings after it.", long=True)
APPRAISALS = [  # sections 4–6: never assumed not to apply
    Field("financial", "4. Financial and resource appraisal", confirm=True, hint=CONFIRM_HINT, long=True),
    Field("risk", "5. Risk management and governance issues", confirm=True, hint=CONFIRM_HINT, long=True),
    Field("legal", "6. Legal appraisal", confirm=True, hint=CONFIRM_HINT, long=True),
]
TO_CONFIRM = {PLACEHOLDER.format(label=field.label): field.label for field in APPRAISALS}  # for the checks
IMPLICATIONS = [Field(key, f"{number} {title}", long=True) for key, number, title in OTHER_IMPLICATIONS]  # 7.1–7.9
DECISIONS = [  # sections 8–10
    Field("not_for_publication", "8. Not for publication documents", long=True),
    Field("options", "9. Options", long=True),
    Field("recommendations", "10. Recommendations", True, long=True),
]
BACKGROUND_DOCUMENTS = Field("background_documents", "12. Background documents", long=True)
SECTIONS = [SUMMARY, BACKGROUND, OTHER_CONSIDERATIONS, *APPRAISALS, *IMPLICATIONS, *DECISIONS, BACKGROUND_DOCUMENTS]

ALL_FIELDS = [*FRONT_BLOCK, *SECTIONS]
APPENDIX_A = "Appendix A: The improvement plan, progress as at {as_at}"
PLAN_COLUMNS = ["Action No.", "What we are doing", "How we do it", "Responsible Person", "Who will lead this",
                "Expected Milestones / Deliverables", "When will it be done?", "Date & Progress Summary",
                "Current RAG Rating"]
PLAN_WIDTHS = [1.4, 3.0, 1.7, 2.3, 2.1, 5.3, 1.9, 6.4, 1.6]  # landscape A4, 2 cm margins: 25.7 cm; the progress widest
SUMMARY_COLUMNS = ["Area", "Milestones", *(RATING_WORDS[r] for r in RATINGS), "Overdue", "Date revised",
                   "Unassigned", "Update older than {days} days"]
# Wide enough for each heading's longest word in bold 8 pt Arial (the heading row's size here), 17 cm in all.
SUMMARY_WIDTHS = [4.0, 1.9, 0.95, 1.35, 1.25, 1.1, 1.6, 1.4, 2.05, 1.4]
SUMMARY_HEADING_POINTS = 8


@timed_report("plan")
def write(data: dict, details: dict, *, title: str, generated_at: datetime) -> bytes:
    document = word.new_document(title, generated_at=generated_at,
                                 marking=word.protective_marking(), dated=long_date(data["as_at"]))
    figures = summary(data)
    _front_block(document, data, details)
    place = contents.start(document)
    _section_one(document, data, details, figures)
    _text_section(document, details, BACKGROUND)
    _section_three(document, data, details, figures)
    for field in APPRAISALS:
        _text_section(document, details, field)
    word.heading(document, "7. Other implications", 1)
    for field in IMPLICATIONS:
        _text_section(document, details, field, level=2)
    for field in DECISIONS:
        _text_section(document, details, field)
    word.heading(document, "11. Appendices", 1)
    document.add_paragraph(APPENDIX_A.format(as_at=long_date(data["as_at"])))
    _text_section(document, details, BACKGROUND_DOCUMENTS)
    _appendix(document, data)
    contents.fill(document, place, width_cm=TEXT_WIDTH_CM)
    return word.to_bytes(document)


def _value(details: dict, field: Field) -> str:
    text = (details.get(field.key) or "").strip()
    if text:
        return text
    return PLACEHOLDER.format(label=field.label) if field.required or field.confirm else DOES_NOT_APPLY


# --- Front block and the numbered sections ------------------------------------------------------------------


def _front_block(document: WordDocument, data: dict, details: dict) -> None:
    fields = {field.key: _value(details, field) for field in FRONT_BLOCK}
    meeting = data.get("meeting") or {}
    held_on = long_date(meeting["held_on"]) if meeting.get("held_on") else PLACEHOLDER.format(label="meeting date")
    word.heading(document, fields["subject"], level=0)
    document.add_paragraph(f"Report of the {fields['report_of']} to the meeting of {fields['committee']} to be held "
                           f"on {held_on}.")
    for label, key in (("Subject", "subject"), ("Summary statement", "summary_statement"),
                       ("Signatory", "signatory"), ("Portfolio", "portfolio")):
        _labelled(document, label, fields[key])
    _labelled(document, "Report contact", f"{fields['contact_name']}, {fields['contact_role']}\n"
                                          f"Phone: {fields['contact_phone']}\nE-mail: {fields['contact_email']}")
    _labelled(document, "Overview and Scrutiny Area", fields["scrutiny_area"])


def _labelled(document: WordDocument, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(text)


def _text_section(document: WordDocument, details: dict, field: Field, level: int = 1) -> None:
    word.heading(document, field.label, level)
    word.paragraphs(document, _value(details, field))


def _section_one(document: WordDocument, data: dict, details: dict, figures: dict) -> None:
    word.heading(document, SUMMARY.label, 1)
    if (details.get("summary") or "").strip():
        word.paragraphs(document, details["summary"])
    document.add_paragraph(key_figures(data, figures["total"]))


def key_figures(data: dict, total: dict) -> str:
    """The plan's headline figures in one paragraph (the checks compare them with the tables)."""
    ratings = ", ".join(f"{total['ratings'][r.value]} {RATING_WORDS[r]}" for r in RATINGS)
    return (f"As at {long_date(data['as_at'])}, the plan has {total['milestones']} milestones in {total['actions']} "
            f"actions: {ratings}. {total['overdue']} milestones are overdue, {total['slipped']} have had their date "
            f"revised, {total['unassigned']} have no named person responsible and {total['stale']} have had no "
            f"progress update for more than {data['stale_after_days']} days.")


def _section_three(document: WordDocument, data: dict, details: dict, figures: dict) -> None:
    word.heading(document, OTHER_CONSIDERATIONS.label, 1)
    if (details.get("other_considerations") or "").strip():
        word.paragraphs(document, details["other_considerations"])
    charts = Figures()
    _where_the_plan_stands(document, data, figures, charts)
    _changes(document, data)
    _coverage(document, data)
    _trend(document, data, figures, charts)


class Figures:
    """Numbers the charts of one report in order: "Figure 1: …", "Figure 2: …"."""

    def __init__(self):
        self.count = 0

    def chart(self, document: WordDocument, png: bytes, *, caption: str, alt_text: str) -> None:
        """The chart and, under it, its numbered caption (the chart kept on the caption's page)."""
        self.count += 1
        word.picture(document, png, alt_text=alt_text)
        _last_paragraph(document).paragraph_format.keep_with_next = True
        word.caption(document, f"Figure {self.count}: {caption}")


def _last_paragraph(document: WordDocument) -> Paragraph:
    return Paragraph(document.element.body[-2], document._body)


def _where_the_plan_stands(document: WordDocument, data: dict, figures: dict, charts: Figures) -> None:
    word.heading(document, "3.1 Where the plan stands", 2)
    document.add_paragraph("Milestones by area and RAG rating:")
    headings = [column.format(days=data["stale_after_days"]) for column in SUMMARY_COLUMNS]
    rows = [_summary_row(part, "milestones") + [str(part[flag]) for flag in FLAGS]
            for part in (*figures["areas"], figures["total"])]
    _smaller_headings(word.table(document, headings, rows, SUMMARY_WIDTHS, keep_together=True))
    labels = [f"{part['number']} {part['title']}".strip() for part in figures["areas"]]
    counts = [part["ratings"] for part in figures["areas"]]
    charts.chart(document, stacked_ratings_png(labels, counts, axis_label="Milestones"),
                 caption=f"Milestones by RAG rating in each area, as at {long_date(data['as_at'])}",
                 alt_text=f"Chart: milestones by RAG rating in each area. {describe_counts(labels, counts)} "
                          "The same figures are in the table above.")
    document.add_paragraph("Actions by area and RAG rating (an action is rated from its milestones: any Red makes "
                           "it Red, then any Amber, Amber):")
    rows = [_summary_row(part, "actions", "action_ratings") for part in (*figures["areas"], figures["total"])]
    word.table(document, ["Area", "Actions", *(RATING_WORDS[r] for r in RATINGS)], rows, [7] + [2] * 5,
               keep_together=True)


def _smaller_headings(result) -> None:
    """The summary's heading row in a smaller size, so that each heading's words fit their narrow columns whole."""
    for cell in result.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(SUMMARY_HEADING_POINTS)


def _summary_row(part: dict, count_key: str, ratings_key: str = "ratings") -> list[str]:
    name = f"{part['number']} {part['title']}".strip()
    return [name, str(part[count_key]), *(str(part[ratings_key][r.value]) for r in RATINGS)]


def _changes(document: WordDocument, data: dict) -> None:
    word.heading(document, "3.2 Changes since the previous report", 2)
    changes, previous = data.get("changes"), data.get("previous")
    if changes is None:
        document.add_paragraph("This is the first report on this plan from Improvement Tracker, so there is no "
                               "earlier report to compare with.")
        return
    document.add_paragraph(f"Compared with {previous['title']} (figures as at {long_date(previous['as_at'])}).")
    _change_table(document, "Milestones completed", changes["completed"],
                  {"Action": 1.5, "Milestone": 11, "Responsible": 4.5},
                  lambda c: [c["action"], c["deliverable"], c["responsible"]])
    _change_table(document, "Milestones newly Red", changes["newly_red"],
                  {"Action": 1.5, "Milestone": 7, "Was": 1.8, "Now": 1.8, "Why": 4.9},
                  lambda c: [c["action"], c["deliverable"], _word(c["rating_before"]), _word(c["rating_now"]),
                             c["why"]])
    _change_table(document, "Milestones recovered from Red", changes["recovered"],
                  {"Action": 1.5, "Milestone": 9.5, "Now": 1.8, "Why": 4.2},
                  lambda c: [c["action"], c["deliverable"], _word(c["rating_now"]), c["why"]])
    _change_table(document, "Revised dates", changes["revised"],
                  {"Action": 1.5, "Milestone": 5.5, "From": 2, "To": 2, "Reason": 3.8, "Decision": 2.2},
                  lambda c: [c["action"], c["deliverable"], c["old"], c["new"],
                             f"{c['reason']}: {c['reason_text']}", _decision(c)])
    _change_table(document, "Milestones added to actions already in the plan", changes["new_milestones"],
                  {"Action": 1.5, "Milestone": 9, "Responsible": 4, "RAG": 2.5},
                  lambda c: [c["action"], c["deliverable"], c["responsible"], _word(c["rating_now"])])
    _change_table(document, "New actions", changes["new_actions"], {"Action": 1.5, "What we are doing": 13, "RAG": 2.5},
                  lambda a: [a["number"], a["what"], _word(a["rating"])])
    _change_table(document, "Actions no longer in the plan", changes["dropped_actions"],
                  {"Action": 1.5, "What we are doing": 12, "RAG at the previous report": 3.5},
                  lambda a: [a["number"], a["what"], _word(a["rating"])])


def _change_table(document: WordDocument, heading: str, items: list, columns: dict[str, float], row) -> None:
    word.heading(document, f"{heading}: {len(items)}", 3)
    if items:
        word.table(document, list(columns), [row(item) for item in items], list(columns.values()))
    else:
        document.add_paragraph("None.")


def _word(rating: str | None) -> str:
    return RATING_WORDS[Rating(rating)] if rating else "Not in the plan"


def _decision(revision: dict) -> str:
    if revision["decision"] == RevisionDecision.PROPOSED:
        return "Awaiting a decision"
    decided = revision["decision"].capitalize()
    return f"{decided} {long_date(revision['decided_on'])}" if revision["decided_on"] else decided


def _coverage(document: WordDocument, data: dict) -> None:
    """Each finding an action answers, with the actions and their ratings; the rest listed as gaps. When no action is
    linked to any finding, one line says so (the appendix lists the findings under the area that covers them)."""
    word.heading(document, "3.3 Ofsted recommendations and Areas for Improvement", 2)
    findings = coverage(data)
    entries = [*findings["recommendations"], *findings["improvement_areas"]]
    if not entries:
        document.add_paragraph("The plan lists no Ofsted recommendations or Areas for Improvement.")
        return
    if not any(entry["actions"] for entry in entries):
        document.add_paragraph(
            f"No action has been linked yet to any of the {_counted(findings)}. Appendix A lists them under the "
            "area that covers them.")
        return
    for heading, kind in (("Recommendations", findings["recommendations"]),
                          ("Areas for Improvement", findings["improvement_areas"])):
        word.heading(document, heading, 3)
        linked, gaps = [e for e in kind if e["actions"]], [e for e in kind if not e["actions"]]
        document.add_paragraph(f"{len(kind)} in all: {len(linked)} answered by linked actions, "
                               f"{len(gaps)} with no action linked (gaps)." if kind else "None recorded in the plan.")
        if linked:
            result = word.table(document, ["Ofsted finding", "Text", "Actions answering it", "RAG"],
                                [[e["label"], e["text"], _answering(e), ""] for e in linked], [2.2, 9.3, 3.2, 2.3])
            for entry, cell in zip(linked, word.column_cells(result, 3), strict=True):
                word.rag_cell(cell, Rating(entry["rating"]))
        if gaps:
            word.paragraphs(document, "Gaps, no action linked yet: " + ", ".join(
                f"{e['label']} (area {e['area']})" for e in gaps) + ".")


def _counted(findings: dict) -> str:
    return (f"{plural(len(findings['recommendations']), 'Ofsted recommendation')} or "
            f"{plural(len(findings['improvement_areas']), 'Area for Improvement', 'Areas for Improvement')}")


def _answering(entry: dict) -> str:
    """Up to three actions each with its rating; more as their numbers (runs shortened) and a count per rating."""
    actions = entry["actions"]
    if len(actions) <= 3:
        return "\n".join(f"{a['number']} ({RATING_WORDS[Rating(a['rating'])]})" for a in actions)
    counted = Counter(a["rating"] for a in actions)
    return number_ranges([a["number"] for a in actions]) + "\n" + ", ".join(
        f"{counted[r.value]} {RATING_WORDS[r]}" for r in RATINGS if counted[r.value])


def _trend(document: WordDocument, data: dict, figures: dict, charts: Figures) -> None:
    word.heading(document, "3.4 RAG ratings over the last reports", 2)
    history = [*data.get("history", []), {"as_at": data["as_at"], "ratings": figures["total"]["ratings"]}]
    labels = [_as_at_label(entry) for entry in history]
    labels[-1] += " (this report)"
    counts = [entry["ratings"] for entry in history]
    word.table(document, ["Report", *(RATING_WORDS[r] for r in RATINGS), "Milestones"],
               [[label, *(str(part.get(r.value, 0)) for r in RATINGS), str(sum(part.values()))]
                for label, part in zip(labels, counts, strict=True)], [5.5] + [2.3] * 5, keep_together=True)
    charts.chart(document, stacked_ratings_png(labels, counts, axis_label="Milestones"),
                 caption="Milestones by RAG rating at each report, by the date its figures are as at",
                 alt_text=f"Chart: milestones by RAG rating at each report. {describe_counts(labels, counts)} "
                          "The same figures are in the table above.")


def _as_at_label(report: dict) -> str:
    """A report named by the date its figures are as at (a report frozen before that date was kept: its label)."""
    return f"As at {long_date(report['as_at'])}" if report.get("as_at") else report["label"]


# --- Appendix A: the plan in the council's layout --------------------------------------------------------


def _appendix(document: WordDocument, data: dict) -> None:
    word.landscape_section(document)
    word.heading(document, APPENDIX_A.format(as_at=long_date(data["as_at"])), 1)
    _rag_key(document, data)
    for area in data["areas"]:
        word.heading(document, f"{area['number']} {area['title']}", 2)
        _last_paragraph(document).paragraph_format.page_break_before = True  # each area from the top of a page
        if area["summary"]:
            word.paragraphs(document, area["summary"])
        _findings_tables(document, area)
        word.heading(document, f"Actions and milestones in {area['number']}".strip(), 3)
        if area["actions"]:
            _plan_table(document, area["actions"])
        else:
            document.add_paragraph("No actions yet.")


def _rag_key(document: WordDocument, data: dict) -> None:
    word.heading(document, "RAG key", 3)
    key = data["rag_key"] or [{"rating": r.value, "label": RATING_WORDS[r], "definition": ""} for r in RATINGS[:3]]
    result = word.table(document, ["Rating", "Definition"], [["", entry["definition"]] for entry in key], [3, 20],
                        keep_together=True)
    for entry, cell in zip(key, word.column_cells(result, 0), strict=True):
        word.rag_cell(cell, Rating(entry["rating"]))


def _findings_tables(document: WordDocument, area: dict) -> None:
    """The area's findings in code order, each with its code and the actions linked to answer it."""
    numbers = {action["id"]: action["number"] for action in area["actions"]}

    def answered_by(finding: dict) -> str:
        return number_ranges([numbers[aid] for aid in finding["action_ids"] if aid in numbers]) or "None linked yet"

    if area["recommendations"]:
        word.heading(document, f"Ofsted recommendations covered by {area['number']}", 3)
        word.table(document, ["Code", "Recommendation", "Answered by"],
                   [[r["code"], r["text"], answered_by(r)] for r in in_code_order(area["recommendations"],
                                                                                  lambda r: r["code"])],
                   [2, 19.7, 4])
    if area["improvement_areas"]:
        word.heading(document, f"Areas for Improvement covered by {area['number']}", 3)
        word.table(document, ["Code", "Area for Improvement", "Identified by Ofsted", "Answered by"],
                   [[a.get("code") or "", a["text"], ", ".join(a["identified"]), answered_by(a)]
                    for a in in_code_order(area["improvement_areas"], lambda a: a.get("code"))], [2, 14.7, 5, 4])


def _plan_table(document: WordDocument, actions: list[dict]) -> None:
    """The nine columns, one row per milestone; an action's number and "How" cells merged down its rows, and its
    "What we are doing" cell down each run of rows with the same text (the action's or a sub-action's)."""
    rows, ratings, merges = [], [], []
    for action in actions:
        first = len(rows)
        for milestone in action["milestones"] or [None]:
            rows.append(_plan_row(action, milestone))
            ratings.append(milestone["rating"] if milestone else None)
        merges.append((first, len(rows) - 1, (0, 2)))
        merges.extend((first + start, first + end, (1,)) for start, end in _what_groups(action))
    for first, last, columns in merges:
        for row in rows[first + 1:last + 1]:
            for column in columns:
                row[column] = ""  # written once, in the merged cell
    result = word.table(document, PLAN_COLUMNS, rows, PLAN_WIDTHS)
    for rating, cell in zip(ratings, word.column_cells(result, 8), strict=True):
        if rating:
            word.rag_cell(cell, Rating(rating))
    for first, last, columns in merges:
        for column in columns:
            word.merge_down(result, column, first + 1, last + 1)


def _plan_row(action: dict, milestone: dict | None) -> list[str]:
    what = (milestone or {}).get("sub_action") or action["what"]
    if milestone is None:
        return [action["number"], what, action["how"], "", "", "No milestones yet.", "", "", ""]
    return [action["number"], what, action["how"], milestone["responsible"], ", ".join(milestone["leads"]),
            milestone["deliverable"], _when(milestone), _progress(milestone), ""]


def _when(milestone: dict) -> str:
    """The due date as read (in words), or, where it could not be read, the text as imported with why."""
    if milestone["due_problem"]:
        text = f"{milestone['due_raw']}\n(Not read as a date: {milestone['due_problem']})"
    else:
        text = milestone["due_text"] or milestone["due_raw"]
    if milestone["overdue"]:
        text += " (overdue)"
    if milestone["status"] == "complete" and milestone["completed_on"]:
        text += f"\nCompleted {long_date(milestone['completed_on'])}"
    return text


def _progress(milestone: dict) -> str:
    """The latest update, its date once at the start of its first line."""
    update = milestone["latest_update"]
    if update is None:
        return "No update yet"
    body = update["body"].strip()
    return f"{long_date(update['on'])}: {body}" if body else long_date(update["on"])


def _what_groups(action: dict) -> list[tuple[int, int]]:
    """Runs of the action's rows with the same "What we are doing" (the action's, or a sub-action's)."""
    groups, keys = [], [m.get("sub_action") or "" for m in action["milestones"]] or [""]
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            groups.append((start, index - 1))
            start = index
    return groups
