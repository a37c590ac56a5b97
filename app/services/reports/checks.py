"""Checks made on a generated report before it may be released, reading the .docx itself (what the meeting would
read), not the data it was made from.

Each problem says what is wrong and where. Blocking problems stop the release until the report is generated again
without them: template or placeholder text left in, numbering that repeats or skips, totals that disagree between
sections, a child's or family member's full name or a child's date of birth in a plan report. A word that may be a
child's first name, or words such as "date of birth", are warnings: the programme manager confirms that they have
looked before releasing. So is a plan report's section 4, 5 or 6 (financial, risk, legal) left empty: it says
"[To be completed: …]" rather than assuming the section does not apply, and the warning asks the programme manager to
write what applies, or "None." or "Not applicable." to say that nothing does.
"""

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.ns import qn

from app.models import Rating
from app.services.plans.rag import RATING_WORDS
from app.services.reports.plan_report import TO_CONFIRM

PLACEHOLDERS = [
    re.compile(r"\[\s*(?:to be completed|insert|enter|add|delete|type|name of|date of)[^\]]*\]", re.IGNORECASE),
    re.compile(r"<\s*(?:role|committee|date|name|subject|insert|enter)[^<>]{0,40}>", re.IGNORECASE),
    re.compile(r"\b(?:lorem ipsum|delete as appropriate|guidance note)\b", re.IGNORECASE),
    re.compile(r"\bX{3,}\b|\bxx/xx/xx(?:xx)?\b"),
]
NUMBERED_HEADING = re.compile(r"^(\d+)(?:\.(\d+))?\.?\s")
BIRTH_WORDS = re.compile(r"\b(?:date of birth|d\.o\.b\.?|DOB|born on)\b", re.IGNORECASE)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")  # names such as O'Neil and Smith-Jones are one word
POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class Problem:
    kind: str  # placeholder, numbering, totals, child_name, date_of_birth, unconfirmed_section
    message: str
    where: str
    blocking: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    text: str
    where: str
    style: str = ""


def read(document_bytes: bytes) -> WordDocument:
    return Document(io.BytesIO(document_bytes))


def passages(document: WordDocument) -> Iterator[Passage]:
    """Every paragraph of the body, its tables' cells and the page headers, with where it is."""
    heading = "the start"
    table_number = 0
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            style = _style_name(document, child)
            text = _text(child)
            if style.startswith(("Heading", "Title")) and text:
                heading = "the front block" if style == "Title" else text
            yield Passage(text, heading if heading == "the front block" else f"under “{heading}”", style)
        elif tag == "tbl":
            table_number += 1
            for row_number, row in enumerate(child.iterchildren(_TR), start=1):
                for cell in row.iterchildren(_TC):
                    yield Passage(_text(cell), f"table {table_number} (under “{heading}”), row {row_number}")
    for section in document.sections:
        for paragraph in section.header.paragraphs:
            yield Passage(paragraph.text, "the page header")


_T, _BR, _P, _TR, _TC = qn("w:t"), qn("w:br"), qn("w:p"), qn("w:tr"), qn("w:tc")


def _text(element) -> str:
    """An element's text, a line for each paragraph and line break."""
    lines, current = [], []
    for node in element.iter(_T, _BR, _P):
        if node.tag == _T:
            current.append(node.text or "")
        elif current:
            lines.append("".join(current))
            current = []
    if current:
        lines.append("".join(current))
    return "\n".join(lines)


def _style_name(document: WordDocument, paragraph_element) -> str:
    style_id = paragraph_element.style
    return _style_names(document).get(style_id, "") if style_id else ""


def _style_names(document: WordDocument) -> dict[str, str]:
    cached = getattr(document, "_style_names_cache", None)
    if cached is None:
        cached = {style.style_id: style.name for style in document.styles}
        document._style_names_cache = cached
    return cached


@dataclass(frozen=True)
class Identities:
    """What the case-file audits record about children and their families, to be kept out of plan reports."""

    full_names: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()  # children's
    dates_of_birth: frozenset[str] = frozenset()  # as a report would write them, dd/mm/yyyy


def check_plan_report(document_bytes: bytes, identities: Identities) -> list[dict]:
    document = read(document_bytes)
    found = list(passages(document))
    empty = [passage for passage in found if passage.text in TO_CONFIRM]
    problems = [*unconfirmed_sections(empty), *placeholders([p for p in found if p.text not in TO_CONFIRM]),
                *numbering(found), *plan_totals(document),
                *child_identity(found, full_names=identities.full_names, first_names=identities.first_names,
                                dates_of_birth=identities.dates_of_birth)]
    return [problem.as_dict() for problem in problems]


def check_report(document_bytes: bytes) -> list[dict]:
    """The checks any report gets: no template text left in, numbering in order."""
    found = list(passages(read(document_bytes)))
    return [problem.as_dict() for problem in (*placeholders(found), *numbering(found))]


# --- The checks ---------------------------------------------------------------------------------------


def unconfirmed_sections(empty: list[Passage]) -> list[Problem]:
    """A warning for each of sections 4–6 left empty (its placeholder is the whole paragraph)."""
    return [Problem("unconfirmed_section", f"“{TO_CONFIRM[passage.text]}” is empty: write what applies, or “None.” "
                    "or “Not applicable.” to confirm that nothing does, and generate the report again",
                    passage.where, blocking=False) for passage in empty]


def placeholders(found: list[Passage]) -> list[Problem]:
    problems = []
    for passage in found:
        for pattern in PLACEHOLDERS:
            for match in pattern.finditer(passage.text):
                problems.append(Problem("placeholder", f"Template or placeholder text left in: “{match.group(0)}”",
                                        passage.where))
    return problems


def numbering(found: list[Passage]) -> list[Problem]:
    """Numbered headings run 1, 2, 3 … with no number repeated or skipped, and each sub-section (3.1, 3.2 …) runs
    from 1 within its own section. The appendices keep the plan's own numbers: there, none may appear twice."""
    problems, section, sub, appendix_numbers = [], 0, 0, Counter()
    for passage in found:
        if not passage.style.startswith("Heading"):
            continue
        if passage.style == "Heading 1" and passage.text.startswith("Appendix"):
            section = None
        match = NUMBERED_HEADING.match(passage.text)
        if match is None:
            continue
        if section is None:
            appendix_numbers[match.group(0).strip()] += 1
            if appendix_numbers[match.group(0).strip()] == 2:
                problems.append(Problem("numbering", f"The number {match.group(0).strip()} is used twice",
                                        f"the heading “{passage.text}”"))
            continue
        problem, section, sub = _next_number(int(match.group(1)), match.group(2), section, sub)
        if problem:
            problems.append(Problem("numbering", problem, f"the heading “{passage.text}”"))
    return problems


def _next_number(number: int, part: str | None, section: int, sub: int) -> tuple[str | None, int, int]:
    """Whether a heading's number follows the one before; then the section and sub-section it leaves us in."""
    if part is None:
        problem = None if number == section + 1 else f"Section {number} follows section {section}: " \
                                                      f"expected {section + 1}"
        return problem, number, 0
    if number != section or int(part) != sub + 1:
        return f"Paragraph {number}.{part} follows {section}.{sub}: expected {section}.{sub + 1}", section, int(part)
    return None, section, int(part)


def child_identity(found: list[Passage], *, full_names: Iterable[str], first_names: Iterable[str],
                   dates_of_birth: Iterable[str]) -> list[Problem]:
    """Children's and family members' names and children's dates of birth, as recorded in the audits."""
    full = {name.strip().lower() for name in full_names if len(name.strip().split()) >= 2}
    first = {name.strip() for name in first_names if len(name.strip()) >= 2}
    born = {value for value in dates_of_birth if value}
    problems = []
    for passage in found:
        words = [POSSESSIVE.sub("", word) for word in WORD.findall(passage.text)]
        lowered = [word.lower() for word in words]
        for size in (2, 3):
            for index in range(len(words) - size + 1):
                if " ".join(lowered[index:index + size]) in full:
                    problems.append(Problem("child_name", "A name recorded in a case-file audit (a child or a member "
                                            f"of their family): “{' '.join(words[index:index + size])}”",
                                            passage.where))
        for word in sorted({word for word in words if word in first}):
            problems.append(Problem("child_name", f"“{word}” is the first name of a child in a case-file audit: "
                                    "check it is not about a child", passage.where, blocking=False))
        for value in sorted(value for value in born if value in passage.text):
            problems.append(Problem("date_of_birth", f"A child's date of birth from a case-file audit: {value}",
                                    passage.where))
        for match in BIRTH_WORDS.finditer(passage.text):
            problems.append(Problem("date_of_birth", f"“{match.group(0)}”: check no child's date of birth is given",
                                    passage.where, blocking=False))
    return problems


# --- Totals in the plan progress report ----------------------------------------------------------------


def plan_totals(document: WordDocument) -> list[Problem]:
    """The "Whole plan" row equals the sum of the areas; the key figures in section 1, the trend table's row for
    this report and the appendix (its milestone rows and their RAG words) all equal the "Whole plan" row."""
    tables = [_rows(table) for table in document.tables]
    summary = next((rows for rows in tables if rows and rows[0][:2] == ["Area", "Milestones"]), None)
    if summary is None:
        return [Problem("totals", "The table of milestones by area and RAG rating is missing", "section 3.1")]
    headings, *areas, total = summary
    problems = _sum_problems(headings, areas, total)
    expected = dict(zip(headings[1:], (int(value) for value in total[1:]), strict=True))
    problems += _key_figure_problems(document, expected)
    problems += _appendix_problems(tables, expected)
    trend = next((rows for rows in tables if rows and rows[0][0] == "Report"), None)
    if trend:
        this_report = dict(zip(trend[0][1:], trend[-1][1:], strict=True))
        for name, value in this_report.items():
            if name in expected and int(value) != expected[name]:
                problems.append(Problem("totals", f"{name}: {value} in the table of ratings over the last reports, "
                                        f"{expected[name]} in the summary table", "section 3.4"))
    return problems


def _rows(table) -> list[list[str]]:
    return [[_text(cell) for cell in row.iterchildren(_TC)] for row in table._tbl.iterchildren(_TR)]


def _sum_problems(headings: list[str], areas: list[list[str]], total: list[str]) -> list[Problem]:
    problems = []
    for column, name in enumerate(headings[1:], start=1):
        added = sum(int(row[column]) for row in areas)
        if added != int(total[column]):
            problems.append(Problem("totals", f"{name}: the areas add up to {added} but the Whole plan row says "
                                    f"{total[column]}", "section 3.1"))
    return problems


# The paragraph plan_report.key_figures writes (a summary the programme manager wrote may also begin "As at").
KEY_FIGURES = re.compile(r"As at [^,]+, the plan has \d+ milestones in \d+ actions: ")


def _key_figure_problems(document: WordDocument, expected: dict[str, int]) -> list[Problem]:
    paragraph = next((p.text for p in document.paragraphs if KEY_FIGURES.match(p.text)), "")
    stated = {RATING_WORDS[r]: rf"(\d+) {RATING_WORDS[r]}\b" for r in Rating}
    stated["Milestones"] = r"has (\d+) milestones"
    stated["Overdue"] = r"(\d+) milestones are overdue"
    problems = []
    for name, pattern in stated.items():
        match = re.search(pattern, paragraph)
        if match is None or int(match.group(1)) != expected.get(name):
            said = match.group(1) if match else "nothing"
            problems.append(Problem("totals", f"{name}: section 1 says {said}, the summary table "
                                    f"{expected.get(name)}", "section 1"))
    return problems


def _appendix_problems(tables: list[list[list[str]]], expected: dict[str, int]) -> list[Problem]:
    plan_rows = [row for rows in tables if rows and rows[0][0] == "Action No." for row in rows[1:]]
    ratings = Counter(row[-1].split("\n")[0] for row in plan_rows if row[-1])
    problems = []
    if sum(ratings.values()) != expected["Milestones"]:
        problems.append(Problem("totals", f"The plan appendix has {sum(ratings.values())} rated milestones, the "
                                f"summary table {expected['Milestones']}", "Appendix A"))
    for rating in Rating:
        name = RATING_WORDS[rating]
        if ratings.get(name, 0) != expected.get(name, 0):
            problems.append(Problem("totals", f"{name}: {ratings.get(name, 0)} in the plan appendix, "
                                    f"{expected.get(name, 0)} in the summary table", "Appendix A"))
    return problems
