"""The monthly audit report to the Improvement Board: the findings of one month's audit rounds beside the five
months before, as plain data (gather) and as a Word document made from that data alone (write).

gather() takes its figures from the findings (app.services.audits.findings): those of the month, and those of the six
months shown, for the trend and the learning themes. It adds only what the findings do not count, in a fixed number
of queries: completion by round and month, the grades of the earlier months, and how many audits were moderated and
how many overall grades that changed. The data is JSON (dates as ISO strings, shares as {"n", "total"}), so that it
can be frozen with the report; its "totals" are the headline counts, for the checks to compare with each section.

The report is aggregated: it never names a child or a case. Learning themes are the auditors' own words, so a case
reference or a child's name found in one is replaced before it reaches the data.
"""

import re
from collections import defaultdict
from datetime import date, datetime

from docx.document import Document as WordDocument
from docx.shared import Pt
from sqlalchemy import case, func, or_, select

from app.extensions import db
from app.metrics import timed_report
from app.models import (
    Answer,
    Audit,
    AuditAnswer,
    AuditElement,
    AuditGradeTally,
    AuditRecord,
    AuditRound,
    AuditStandard,
    Grade,
    LearningPoint,
    Moderation,
    PoolCase,
    RecommendationStatus,
    RoundKind,
    SmartRecommendation,
)
from app.services.audits import charts as audit_charts
from app.services.audits.findings import Findings, FindingsFilter, Share, findings
from app.services.audits.tallies import DONE
from app.services.plans.due_dates import long_date
from app.services.reports import document
from app.services.wording import agrees, in_code_order, plural

TREND_MONTHS = 6  # the month reported and the five before it
GOOD_OR_BETTER = (Grade.OUTSTANDING, Grade.GOOD)
NO_SHARE = Share(0, 0)
CASE_REFERENCE_REMOVED = "[case reference removed]"
NAME_REMOVED = "[name removed]"
TOO_FEW_TO_COMPARE = 10  # audits (or grades): fewer than this, and percentages are shown but not compared
NO_ELEMENT = "No standard answered No"
RECOMMENDATION_STATES = ("open", "overdue", "done", "cancelled")


# --- The data -----------------------------------------------------------------------------------------------------

def gather(month: date, today: date) -> dict:
    """Everything the report shows about the audit rounds of the month (its first day), as at today."""
    months = trend_months(month)
    this_month = findings(FindingsFilter(month, month), today)
    period = findings(FindingsFilter(months[0], month), today)
    rounds = _rounds(months)
    earlier, labels = _earlier_grades(months[0], months[-2])
    grades = earlier | {month: _grades_from(this_month)}
    labels |= {number: label for number, label, _ in this_month.by_element}
    moderated, overall_changed = _moderation_outcome(month)
    data = {
        "month": month.isoformat(),
        "as_at": today.isoformat(),
        "months": [each.isoformat() for each in months],
        "rounds": [_round_json(row) for row in rounds if row.month == month],
        "completion": _share_json(this_month.completion),
        "overall": _grades_json(this_month.overall),
        "elements": [{"number": number, "label": label, "grades": _grades_json(shares)}
                     for number, label, shares in this_month.by_element],
        "trend": _trend(months, grades, rounds, dict(period.by_month)),
        "element_trend": _element_trend(months, grades, labels),
        "most_often_no": [{"element": number, "standard": text, "no": _share_json(share)}
                          for number, text, share in this_month.most_often_no],
        "moderation": _moderation(this_month, moderated, overall_changed, labels),
        "learning_themes": _learning_themes(period, months),
        "recommendations": {"open": this_month.recommendations_open,
                            "overdue": _share_json(Share(this_month.recommendations_overdue,
                                                         this_month.recommendations_open)),
                            "by_element": _recommendations_by_element(month, today, labels)},
    }
    data["totals"] = _totals(this_month, moderated, overall_changed, len(data["learning_themes"]["themes"]))
    return data


def trend_months(month: date) -> list[date]:
    """The first days of the five months before the month and of the month itself, oldest first."""
    index = month.year * 12 + month.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - TREND_MONTHS + 1, index + 1)]


def _share_json(share: Share) -> dict:
    return {"n": share.n, "total": share.total}


def _grades_json(shares: dict[Grade, Share]) -> dict:
    return {grade.value: _share_json(shares.get(grade, NO_SHARE)) for grade in Grade}


def _grade_shares(counts: dict[Grade, int]) -> dict[Grade, Share]:
    total = sum(counts.values())
    return {grade: Share(counts.get(grade, 0), total) for grade in Grade}


def _good_or_better(shares: dict[Grade, Share] | None) -> Share:
    if not shares:
        return NO_SHARE
    return Share(sum(shares[grade].n for grade in GOOD_OR_BETTER), next(iter(shares.values())).total)


def _rounds(months: list[date]) -> list:
    """Each round of the months with its audits allocated and completed (rounds with none allocated too)."""
    completed = func.sum(case((Audit.state.in_(DONE), 1), else_=0))
    query = (select(AuditRound.month, AuditRound.title, AuditRound.kind, AuditRound.theme,
                    func.count(Audit.id).label("allocated"), func.coalesce(completed, 0).label("completed"))
             .select_from(AuditRound).outerjoin(Audit, Audit.round_id == AuditRound.id)
             .where(AuditRound.month.between(months[0], months[-1]))
             .group_by(AuditRound.id, AuditRound.month, AuditRound.title, AuditRound.kind, AuditRound.theme)
             .order_by(AuditRound.month, AuditRound.id))
    return list(db.session.execute(query))


def _round_json(row) -> dict:
    return {"title": row.title, "kind": RoundKind(row.kind).value, "theme": row.theme,
            "completion": _share_json(Share(row.completed, row.allocated))}


def _earlier_grades(first: date, last: date) -> tuple[dict, dict[str, str]]:
    """The grades that stand in the months, from the running totals, as {month: {element number, or None for the
    overall grade: {Grade: Share}}}; and each element number's report label (the same element in other tool versions
    counts as one)."""
    query = (select(AuditRound.month, AuditElement.number, func.max(AuditElement.report_label), AuditGradeTally.grade,
                    func.sum(AuditGradeTally.audits))
             .select_from(AuditGradeTally).join(AuditRound, AuditGradeTally.round_id == AuditRound.id)
             .outerjoin(AuditElement, AuditGradeTally.element_id == AuditElement.id)
             .where(*FindingsFilter(first, last).conditions(AuditGradeTally.team_id))
             .group_by(AuditRound.month, AuditElement.number, AuditGradeTally.grade))
    counts: dict = defaultdict(lambda: defaultdict(dict))
    labels = {}
    for month, number, label, grade, audits in db.session.execute(query):
        counts[month][number][Grade(grade)] = audits
        if number:
            labels[number] = label
    return ({month: {number: _grade_shares(by_grade) for number, by_grade in by_number.items()}
             for month, by_number in counts.items()}, labels)


def _grades_from(result: Findings) -> dict:
    return {None: result.overall} | {number: shares for number, _, shares in result.by_element}


def _trend(months: list[date], grades: dict, rounds: list, good_by_month: dict) -> list[dict]:
    completion: dict = defaultdict(lambda: [0, 0])
    for row in rounds:
        completion[row.month][0] += row.completed
        completion[row.month][1] += row.allocated
    return [{"month": month.isoformat(),
             "completion": _share_json(Share(*completion[month])),
             "overall": _grades_json(grades.get(month, {}).get(None, {})),
             "good_or_better": _share_json(good_by_month.get(month, NO_SHARE))} for month in months]


def _element_trend(months: list[date], grades: dict, labels: dict[str, str]) -> list[dict]:
    numbers = in_code_order({number for by_number in grades.values() for number in by_number if number})
    return [{"number": number, "label": labels.get(number, ""),
             "good_or_better": [_share_json(_good_or_better(grades.get(month, {}).get(number))) for month in months]}
            for number in numbers]


def _moderation_outcome(month: date) -> tuple[int, int]:
    """How many of the month's completed audits were moderated, and in how many of those the overall grade changed."""
    original = AuditRecord.overall_grade
    changed = func.sum(case((Moderation.overall_grade.is_distinct_from(original), 1), else_=0))
    query = (select(func.count(), func.coalesce(changed, 0)).select_from(Moderation)
             .join(Audit, Moderation.audit_id == Audit.id).join(AuditRound, Audit.round_id == AuditRound.id)
             .outerjoin(AuditRecord, AuditRecord.audit_id == Audit.id)
             .where(*FindingsFilter(month, month).conditions(), Audit.state.in_(DONE),
                    Moderation.completed_at.is_not(None)))
    moderated, overall_changed = db.session.execute(query).one()
    return moderated, overall_changed


def _moderation(result: Findings, moderated: int, overall_changed: int, labels: dict[str, str]) -> dict:
    return {
        "moderated": _share_json(Share(moderated, result.completed)),
        "overall_changed": _share_json(Share(overall_changed, moderated)),
        "element_grades_changed": _share_json(_sum_shares(share for _, share in result.changed_by_element)),
        "by_element": [{"number": number, "label": labels.get(number, ""), "changed": _share_json(share)}
                       for number, share in result.changed_by_element],
        "by_auditor": _anonymised(result.changed_by_auditor),
    }


def _anonymised(by_auditor: list[tuple[str, Share]]) -> list[dict]:
    """Each auditor's changed grades under a letter (Auditor A, B, …), never a name: the report goes to the board,
    and the per-auditor figures by name stay on the QA lead's findings page. The letters follow how many grades were
    moderated (most first), not the names, so a letter cannot be read back to a name, and are given afresh each
    month."""
    ordered = sorted(by_auditor, key=lambda pair: (-pair[1].total, -pair[1].n))
    return [{"auditor": f"Auditor {_letter(index)}", "changed": _share_json(share)}
            for index, (_, share) in enumerate(ordered)]


def _letter(index: int) -> str:
    """A, B, … Z, then AA, AB, …"""
    return ("" if index < 26 else _letter(index // 26 - 1)) + chr(ord("A") + index % 26)


def _recommendations_by_element(month: date, today: date, labels: dict[str, str]) -> list[dict]:
    """The SMART recommendations of the month's completed audits, counted by status (open and not yet due, open and
    overdue, done, cancelled) under a practice element. A recommendation is not recorded against an element, so each
    is counted under the element of its audit with the most standards answered No (the weakest, which the auditor's
    recommendations address); an audit without a No counts under NO_ELEMENT."""
    recommendations = db.session.execute(_completed_in(
        select(SmartRecommendation.audit_id, SmartRecommendation.status, SmartRecommendation.due_on)
        .select_from(SmartRecommendation).join(Audit, SmartRecommendation.audit_id == Audit.id), month)).all()
    weakest = _weakest_elements(month)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RECOMMENDATION_STATES, 0))
    for audit_id, status, due_on in recommendations:
        counts[weakest.get(audit_id, NO_ELEMENT)][_state(status, due_on, today)] += 1
    numbers = in_code_order(number for number in counts if number != NO_ELEMENT)
    return [{"number": number, "label": labels.get(number, ""), **counts[number]}
            for number in [*numbers, *([NO_ELEMENT] if NO_ELEMENT in counts else [])]]


def _completed_in(query, month: date):
    return (query.join(AuditRound, Audit.round_id == AuditRound.id).join(PoolCase, Audit.case_id == PoolCase.id)
            .where(*FindingsFilter(month, month).conditions(), Audit.state.in_(DONE)))


def _weakest_elements(month: date) -> dict[int, str]:
    """Each completed audit of the month's element with the most standards answered No (the first, in the tool's
    order, of equals)."""
    query = _completed_in(
        select(Audit.id, AuditElement.number, func.count()).select_from(AuditAnswer)
        .join(Audit, AuditAnswer.audit_id == Audit.id).join(AuditStandard, AuditAnswer.standard_id == AuditStandard.id)
        .join(AuditElement, AuditStandard.element_id == AuditElement.id), month)
    query = query.where(AuditAnswer.answer == Answer.NO).group_by(Audit.id, AuditElement.number)
    most: dict[int, tuple[int, str]] = {}
    for audit_id, number, noes in db.session.execute(query):
        best = most.get(audit_id)
        if best is None or noes > best[0] or (noes == best[0] and in_code_order([number, best[1]])[0] == number):
            most[audit_id] = (noes, number)
    return {audit_id: number for audit_id, (_, number) in most.items()}


def _state(status: RecommendationStatus, due_on: date | None, today: date) -> str:
    if status == RecommendationStatus.OPEN:
        return "overdue" if due_on and due_on < today else "open"
    return RecommendationStatus(status).value


def _sum_shares(shares) -> Share:
    n = total = 0
    for share in shares:
        n, total = n + share.n, total + share.total
    return Share(n, total)


def _learning_themes(period: Findings, months: list[date]) -> dict:
    """The themes of the six months, each as a share of the audits completed in them, with the last month raised."""
    themes = period.learning_themes
    references, names = _identifiers([theme.text for theme in themes], months[0], months[-1])
    return {"first_month": months[0].isoformat(), "last_month": months[-1].isoformat(),
            "themes": [{"text": _without_identifiers(theme.text, references, names),
                        "audits": _share_json(Share(theme.audits, period.completed)),
                        "latest_month": theme.latest_month.isoformat()} for theme in themes]}


def _identifiers(texts: list[str], first: date, last: date) -> tuple[set[str], set[str]]:
    """The case references and the words of the children's names of the audits that raised these themes."""
    if not texts:
        return set(), set()
    words = func.lower(func.trim(LearningPoint.text))
    query = (select(PoolCase.reference, AuditRecord.child_name).distinct().select_from(LearningPoint)
             .join(Audit, LearningPoint.audit_id == Audit.id).join(AuditRound, Audit.round_id == AuditRound.id)
             .join(PoolCase, Audit.case_id == PoolCase.id).outerjoin(AuditRecord, AuditRecord.audit_id == Audit.id)
             .where(AuditRound.month.between(first, last), or_(*(words == func.lower(text) for text in texts))))
    references, names = set(), set()
    for reference, child_name in db.session.execute(query):
        references.add(reference)
        names.update(word for word in (child_name or "").split() if len(word) > 1)
    return references, names


def _without_identifiers(text: str, references: set[str], names: set[str]) -> str:
    for reference in sorted(references, key=len, reverse=True):
        text = re.sub(re.escape(reference), CASE_REFERENCE_REMOVED, text, flags=re.IGNORECASE)
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", NAME_REMOVED, text)
    return text


def _totals(result: Findings, moderated: int, overall_changed: int, themes: int) -> dict:
    """The headline counts, straight from the findings, that the sections' figures must agree with."""
    element_changes = _sum_shares(share for _, share in result.changed_by_element)
    return {
        "allocated": result.allocated,
        "completed": result.completed,
        "graded_overall": next(iter(result.overall.values()), NO_SHARE).total,
        "good_or_better": _share_json(_good_or_better(result.overall)),
        "graded_by_element": {number: next(iter(shares.values())).total for number, _, shares in result.by_element},
        "moderated": moderated,
        "overall_grades_changed": overall_changed,
        "element_grades_moderated": element_changes.total,
        "element_grades_changed": element_changes.n,
        "recommendations_open": result.recommendations_open,
        "recommendations_overdue": result.recommendations_overdue,
        "learning_themes": themes,
    }


# --- The document -------------------------------------------------------------------------------------------------

@timed_report("audit_month")
def write(data: dict, *, title: str, generated_at: datetime) -> bytes:
    """The report as a .docx: the title, a few lines saying what it covers and how to read it, then the nine
    numbered sections. Every page's header says the date the figures are as at."""
    doc = document.new_document(title, generated_at=generated_at,
                                marking=document.protective_marking(), dated=long_date(data["as_at"]))
    document.heading(doc, title, level=0)
    document.paragraphs(doc, _opening(data))
    for number, (name, section) in enumerate(SECTIONS, start=1):
        document.heading(doc, f"{number}. {name}")
        section(doc, data)
    return document.to_bytes(doc)


def _share(value: dict) -> Share:
    return Share(value["n"], value["total"])


def _grades(value: dict) -> dict[Grade, Share]:
    return {grade: _share(value[grade.value]) for grade in Grade}


def _month(iso: str) -> str:
    return f"{date.fromisoformat(iso):%B %Y}"


def _short_month(iso: str) -> str:
    return f"{date.fromisoformat(iso):%b %Y}"


def _period(data: dict) -> str:
    return f"{_month(data['months'][0])} to {_month(data['months'][-1])}"


def _graded(grades: dict[Grade, Share]) -> int:
    return next(iter(grades.values())).total


def _grade_words(grades: dict[Grade, Share]) -> str:
    return ", ".join(f"{grade.label} {share}" for grade, share in grades.items())


def _too_few(total: int) -> bool:
    """Some, but fewer than TOO_FEW_TO_COMPARE: a percentage of so few is given but not compared."""
    return 0 < total < TOO_FEW_TO_COMPARE


def _opening(data: dict) -> str:
    completion = _share(data["completion"])
    example = (f" In section 2, {completion} means {completion.n} of the {completion.total} audits allocated were "
               "completed." if completion.total else "")
    return (f"The case-file audits of {_month(data['month'])}, for the Improvement Board. The figures are as at "
            f"{long_date(data['as_at'])}; the grades are those that stand after moderation.\n"
            f"Each figure is a percentage with its count.{example} Where fewer than {TOO_FEW_TO_COMPARE} audits are "
            "counted, the percentage is given but not compared: one audit more or less would move it a long way. "
            "Auditors are not named: the per-auditor figures are on the QA lead's findings page.")


def _summary(doc: WordDocument, data: dict) -> None:
    document.paragraphs(doc, " ".join(_headlines(data)))


def _headlines(data: dict) -> list[str]:
    month, completion = _month(data["month"]), _share(data["completion"])
    if not completion.total:
        return [f"No audits were allocated in the rounds of {month}."]
    lines = [f"In {month}, {completion} of the audits allocated were completed."]
    overall = _grades(data["overall"])
    if _graded(overall):
        lines.append(f"Of the completed audits, {_good_or_better(overall)} were graded Good or better overall"
                     f"{_compared(data, _graded(overall))} and {overall[Grade.INADEQUATE]} Inadequate.")
    lines.append(_moderation_words(data["moderation"]))
    lines.append(_recommendation_words(data))
    return lines


def _compared(data: dict, graded: int) -> str:
    """The last earlier month's share Good or better beside this month's, when both months have enough audits."""
    earlier = [row for row in data["trend"][:-1] if row["good_or_better"]["total"]]
    if not earlier:
        return ""
    last = _share(earlier[-1]["good_or_better"])
    if _too_few(graded) or _too_few(last.total):
        return f" (too few audits to compare with {_month(earlier[-1]['month'])})"
    return f" ({_month(earlier[-1]['month'])}: {last})"


def _moderation_words(moderation: dict) -> str:
    moderated = _share(moderation["moderated"])
    if not moderated.n:
        return "No audits were moderated this month."
    return (f"{moderated} of the completed audits were moderated; moderation changed "
            f"{_share(moderation['overall_changed'])} of their overall grades and "
            f"{_share(moderation['element_grades_changed'])} of their element grades.")


def _recommendation_words(data: dict) -> str:
    open_count, as_at = data["recommendations"]["open"], long_date(data["as_at"])
    if not open_count:
        return f"As at {as_at}, no SMART recommendation from these audits is open."
    return (f"As at {as_at}, {plural(open_count, 'SMART recommendation')} from these audits "
            f"{agrees(open_count, 'is', 'are')} open, {_share(data['recommendations']['overdue'])} of them overdue.")


def _lead_in(doc: WordDocument, text: str, *, spaced: bool = False) -> None:
    """A line introducing the table or chart after it, kept on its page; spaced from what comes before (often
    another table) when asked."""
    paragraph = doc.add_paragraph(text)
    paragraph.paragraph_format.keep_with_next = True
    if spaced:
        paragraph.paragraph_format.space_before = Pt(12)


def _too_few_note(doc: WordDocument, total: int, counted: str) -> None:
    """A note under a table whose figures are too few to compare (and nothing when there are enough, or none)."""
    if _too_few(total):
        doc.add_paragraph(f"Only {plural(total, counted)}: too few for these percentages to be compared.")


def _figure(doc: WordDocument, png: bytes, *, alt_text: str, caption: str) -> None:
    """A chart with its caption under it ("Figure n: …"), both kept with the table that follows."""
    document.picture(doc, png, alt_text=alt_text)
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.figures = number = getattr(doc, "figures", 0) + 1
    document.caption(doc, f"Figure {number}: {caption}")
    doc.paragraphs[-1].paragraph_format.keep_with_next = True


def _completion_section(doc: WordDocument, data: dict) -> None:
    month, completion = _month(data["month"]), _share(data["completion"])
    if not data["rounds"]:
        document.paragraphs(doc, f"No audit rounds were set up for {month}.")
        return
    if not completion.total:
        _lead_in(doc, f"No audits have been allocated in the rounds of {month} yet.")
    else:
        _lead_in(doc, f"{completion} of the audits allocated in the rounds of {month} have been completed "
                      "(submitted, moderated or closed).")
    rows = [[each["title"], _round_kind(each), str(_share(each["completion"]))] for each in data["rounds"]]
    rows.append(["All rounds", "", str(completion)])
    document.table(doc, ["Round", "Type", "Completed of allocated"], rows, widths_cm=[8.0, 5.0, 4.0],
                   keep_together=True)


def _round_kind(each: dict) -> str:
    return f"Themed: {each['theme']}" if each["kind"] == RoundKind.THEMED.value else "Routine"


def _overall_section(doc: WordDocument, data: dict) -> None:
    overall = _grades(data["overall"])
    if not _graded(overall):
        document.paragraphs(doc, f"No completed audit of {_month(data['month'])} has an overall grade yet.")
        return
    _lead_in(doc, f"The overall grades of the {plural(_graded(overall), 'completed audit')} of "
                  f"{_month(data['month'])} that have one.")
    rows = [[grade.label, str(share)] for grade, share in overall.items()]
    rows.append(["Good or better", str(_good_or_better(overall))])
    document.table(doc, ["Overall grade", "Audits"], rows, widths_cm=[9.0, 8.0], keep_together=True)
    _too_few_note(doc, _graded(overall), "graded audit")


def _elements_section(doc: WordDocument, data: dict) -> None:
    month = _month(data["month"])
    if not data["elements"]:
        document.paragraphs(doc, f"No practice element of {month}'s audits has been graded yet.")
        return
    elements = [(each["number"], each["label"], _grades(each["grades"])) for each in data["elements"]]
    described = "; ".join(f"{number} {label}: {_grade_words(grades)}" for number, label, grades in elements)
    _figure(doc, audit_charts.element_grades_png(elements),
            alt_text=f"Bar chart of the grades by practice element, {month} (the table below has the same figures): "
                     f"{described}.",
            caption=f"Grades by practice element, {month} (the table below gives the same figures with their counts)")
    rows = [[f"{number} {label}", *(str(share) for share in grades.values())] for number, label, grades in elements]
    document.table(doc, ["Practice element", *(grade.label for grade in Grade)], rows,
                   widths_cm=[5.8, 2.8, 2.8, 2.8, 2.8], keep_together=True)
    _too_few_note(doc, max(_graded(grades) for _, _, grades in elements), "graded audit")


def _trend_section(doc: WordDocument, data: dict) -> None:
    period = _period(data)
    _lead_in(doc, f"{period}: completion and overall grades month by month, then the share graded Good or better "
                  "overall and in each practice element. A month without audits shows none (0/0).")
    months = [(date.fromisoformat(row["month"]), _grades(row["overall"])) for row in data["trend"]]
    described = "; ".join(f"{month:%B %Y}: {_grade_words(grades) if _graded(grades) else 'no graded audits'}"
                          for month, grades in months)
    _figure(doc, audit_charts.monthly_grades_png(months),
            alt_text=f"Column chart of the overall grades by month, {period} (the table below has the same "
                     f"figures): {described}.",
            caption=f"Overall grades by month, {period} (the table below gives the same figures with their counts)")
    rows = [[_month(row["month"]), str(_share(row["completion"])), *(str(s) for s in _grades(row["overall"]).values())]
            for row in data["trend"]]
    document.table(doc, ["Month", "Completed", *(grade.label for grade in Grade)], rows,
                   widths_cm=[3.0, 2.8, 2.8, 2.8, 2.8, 2.8], keep_together=True)
    _months_too_few_note(doc, data)
    _good_or_better_trend(doc, data)


def _months_too_few_note(doc: WordDocument, data: dict) -> None:
    few = [_month(row["month"]) for row in data["trend"] if _too_few(row["good_or_better"]["total"])]
    if few:
        doc.add_paragraph(f"Fewer than {TOO_FEW_TO_COMPARE} audits were graded in {_and_list(few)}: too few for "
                          f"{agrees(len(few), 'its', 'their')} percentages to be compared with other months.")


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _good_or_better_trend(doc: WordDocument, data: dict) -> None:
    graded = [(date.fromisoformat(row["month"]), _share(row["good_or_better"])) for row in data["trend"]
              if _share(row["good_or_better"]).total]
    if len(graded) > 1:
        described = "; ".join(f"{month:%B %Y} {share}" for month, share in graded)
        _figure(doc, audit_charts.trend_png(graded),
                alt_text=f"Line chart of the audits graded Good or better overall, by month, {_period(data)} (the "
                         f"table below has the same figures, with each element's): {described}.",
                caption=f"Audits graded Good or better overall, by month, {_period(data)} (the table below gives "
                        "the same figures, and each practice element's)")
    rows = [["Overall", *(str(_share(row["good_or_better"])) for row in data["trend"])]]
    rows += [[f"{each['number']} {each['label']}", *(str(_share(share)) for share in each["good_or_better"])]
             for each in data["element_trend"]]
    _lead_in(doc, "Graded Good or better, overall and by practice element:", spaced=len(graded) <= 1)
    document.table(doc, ["Graded Good or better", *(_short_month(month) for month in data["months"])], rows,
                   widths_cm=[4.4] + [2.1] * len(data["months"]), keep_together=True)


def _standards_section(doc: WordDocument, data: dict) -> None:
    month = _month(data["month"])
    if not data["most_often_no"]:
        document.paragraphs(doc, f"No key standard was answered No in the completed audits of {month}.")
        return
    _lead_in(doc, f"The key standards answered No most often in the completed audits of {month}, as a share of the "
                  "audits that answered them Yes or No (Not applicable is left out).")
    rows = [[each["element"], each["standard"], str(_share(each["no"]))] for each in data["most_often_no"]]
    document.table(doc, ["Element", "Key standard", "Answered No"], rows, widths_cm=[2.0, 11.0, 4.0],
                   keep_together=True)
    _too_few_note(doc, max(each["no"]["total"] for each in data["most_often_no"]), "audit answering them")


def _moderation_section(doc: WordDocument, data: dict) -> None:
    moderation = data["moderation"]
    document.paragraphs(doc, _moderation_words(moderation))
    if not _share(moderation["moderated"]).n:
        return
    _too_few_note(doc, _share(moderation["moderated"]).n, "moderated audit")
    _lead_in(doc, "Element grades changed in moderation, by practice element:", spaced=True)
    rows = [[f"{each['number']} {each['label']}".strip(), str(_share(each["changed"]))] for each in moderation["by_element"]]
    document.table(doc, ["Practice element", "Grades changed"], rows, widths_cm=[12.0, 5.0], keep_together=True)
    _lead_in(doc, "Element grades changed in moderation, by auditor. Auditors are not named in this report; Auditor A "
                  "had the most grades moderated this month.", spaced=True)
    rows = [[each["auditor"], str(_share(each["changed"]))] for each in moderation["by_auditor"]]
    document.table(doc, ["Auditor", "Grades changed"], rows, widths_cm=[12.0, 5.0], keep_together=True)
    few = [each["auditor"] for each in moderation["by_auditor"] if _too_few(each["changed"]["total"])]
    if few:
        doc.add_paragraph(f"{_and_list(few)} had fewer than {TOO_FEW_TO_COMPARE} grades moderated: too few for "
                          f"{agrees(len(few), 'that percentage', 'those percentages')} to be compared.")


def _themes_section(doc: WordDocument, data: dict) -> None:
    themes, period = data["learning_themes"]["themes"], _period(data)
    if not themes:
        document.paragraphs(doc, f"No learning points were raised in the completed audits of {period}.")
        return
    _lead_in(doc, f"Learning points raised in the completed audits of {period}: points with the same words are one "
                  "theme, the most often raised first, as a share of the audits completed in those months.")
    rows = [[each["text"], str(_share(each["audits"])), _month(each["latest_month"])] for each in themes]
    document.table(doc, ["Learning theme", "Audits raising it", "Last raised"], rows, widths_cm=[10.0, 4.0, 3.0],
                   keep_together=len(rows) <= 15)
    _too_few_note(doc, themes[0]["audits"]["total"], "completed audit")


RECOMMENDATION_COLUMNS = ["Practice element", "Open, not yet due", "Overdue", "Done", "Cancelled", "All"]


def _recommendations_section(doc: WordDocument, data: dict) -> None:
    document.paragraphs(doc, _recommendation_words(data))
    by_element = data["recommendations"].get("by_element") or []
    if not by_element:
        return
    _lead_in(doc, f"The SMART recommendations of {_month(data['month'])}'s completed audits, by practice element and "
                  f"status as at {long_date(data['as_at'])}. A recommendation is not recorded against one element, so "
                  "each is counted under the element of its audit with the most standards answered No.", spaced=True)
    rows = [[_element_name(each), *(str(each[state]) for state in RECOMMENDATION_STATES),
             str(sum(each[state] for state in RECOMMENDATION_STATES))] for each in by_element]
    totals = [sum(each[state] for each in by_element) for state in RECOMMENDATION_STATES]
    rows.append(["All elements", *map(str, totals), str(sum(totals))])
    document.table(doc, RECOMMENDATION_COLUMNS, rows, widths_cm=[6.2, 2.4, 2.2, 2.0, 2.2, 2.0], keep_together=True)


def _element_name(each: dict) -> str:
    return f"{each['number']} {each['label']}".strip() if each["number"] != NO_ELEMENT else NO_ELEMENT


SECTIONS = (
    ("Summary", _summary),
    ("Completion", _completion_section),
    ("Grades overall", _overall_section),
    ("Grades by practice element", _elements_section),
    ("Compared with previous months", _trend_section),
    ("Standards most often not met", _standards_section),
    ("Moderation", _moderation_section),
    ("Learning themes", _themes_section),
    ("SMART recommendations", _recommendations_section),
)
