"""Due dates as people really write them: a typed value, the raw text kept, invalid dates flagged.

"When will it be done?" holds exact dates, months, "TBD", "Ongoing", "31/05/20 and ongoing",
"Revised 30/11/20", "Completed 20/02/20", a date followed by a note, or several phases. A date that
does not exist (31/09/20) is flagged as a problem and never silently corrected.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from app.models.plans import DueKind
from app.services.plain_text import plain_text

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

DATE_PATTERN = re.compile(r"(?<![\d/.-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])")
MONTH_PATTERN = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
NUMERIC_MONTH_PATTERN = re.compile(r"^(\d{1,2})/(\d{4})$")
TBD_PATTERN = re.compile(r"^(tbd|tbc|to be (decided|confirmed|agreed))\b[\s:.,–-]*", re.IGNORECASE)
ONGOING_PATTERN = re.compile(r"\bongoing\b", re.IGNORECASE)
COMPLETED_PATTERN = re.compile(r"^(completed?)\b", re.IGNORECASE)
REVISED_PATTERN = re.compile(r"^revised(\s+to)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Phase:
    label: str
    on: date | None
    problem: str | None = None


@dataclass(frozen=True)
class DueDate:
    kind: DueKind
    on: date | None = None
    raw: str = ""
    note: str = ""
    problem: str | None = None
    phases: tuple[Phase, ...] = ()
    completed_on: date | None = None  # "Completed 20/02/20"
    revised: bool = False  # "Revised 30/11/20": the plan already says this date was moved


@dataclass(frozen=True)
class DateReading:
    on: date | None
    problem: str | None = None


def read_date(text: str) -> DateReading:
    """Read one dd/mm/yy(yy) date (separators / . or -). Impossible dates are a problem, not a guess."""
    text = text.strip()
    match = DATE_PATTERN.fullmatch(text)
    if not match:
        return DateReading(None, f"“{text}” is not a date in the form dd/mm/yyyy")
    return _date_from_match(match)


def written_differently(raw: str, on: date | None) -> bool:
    """Whether a due date as written says more than the date read from it ("25/06/20" for 25 June 2020 does not,
    "End of June (phase 1)" does), so that pages show "As written" only when it tells the reader something."""
    text = Markup(raw or "").striptags()
    return bool(text) and (on is None or read_date(text).on != on)


def _date_from_match(match: re.Match) -> DateReading:
    day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        return DateReading(date(full_year, month, day))
    except ValueError:
        return DateReading(None, _impossible_date_reason(match.group(0), day, month, full_year))


def _impossible_date_reason(text: str, day: int, month: int, year: int) -> str:
    if not 1 <= month <= 12:
        return f"{text} is not a calendar date: there is no month {month}"
    days_in_month = calendar.monthrange(year, month)[1]
    return f"{text} is not a calendar date: {calendar.month_name[month]} {year} has {days_in_month} days"


def read_month(text: str) -> DateReading:
    """Read "July 2020", "Sept 2014" or "07/2020"; the due date is the month's last day."""
    text = text.strip()
    named = MONTH_PATTERN.fullmatch(text)
    numeric = NUMERIC_MONTH_PATTERN.fullmatch(text)
    if named and named.group(1).lower() in MONTHS:
        month, year = MONTHS[named.group(1).lower()], int(named.group(2))
    elif numeric and 1 <= int(numeric.group(1)) <= 12:
        month, year = int(numeric.group(1)), int(numeric.group(2))
    else:
        return DateReading(None, f"“{text}” is not a month such as “July 2020” or “07/2020”")
    return DateReading(date(year, month, calendar.monthrange(year, month)[1]))


def month_start(text: str) -> date | None:
    reading = read_month(text)
    return reading.on.replace(day=1) if reading.on else None


def _cell_lines(raw: str) -> list[str]:
    return [" ".join(line.split()) for line in plain_text(raw).splitlines() if line.strip()]


def parse_due_text(raw: str) -> DueDate:
    """Interpret a "When will it be done?" cell as written in a plan."""
    raw = raw.strip()
    lines = _cell_lines(raw)
    if not lines:
        return DueDate(DueKind.TBD, raw=raw, note="No date given")
    if len(lines) > 1 and sum(bool(DATE_PATTERN.search(line)) for line in lines) > 1:
        return _phased(raw, lines)
    return _single(raw, " ".join(lines))


def _single(raw: str, text: str) -> DueDate:
    tbd = TBD_PATTERN.match(text)
    if tbd:
        return DueDate(DueKind.TBD, raw=raw, note=text[tbd.end():].strip())
    month = read_month(text)
    if month.on:
        return DueDate(DueKind.MONTH, on=month.on, raw=raw)
    match = DATE_PATTERN.search(text)
    if not match:
        if ONGOING_PATTERN.search(text):
            return DueDate(DueKind.ONGOING, raw=raw, note=_note(text, ONGOING_PATTERN))
        return DueDate(DueKind.DATE, raw=raw, problem=f"“{text}” could not be read as a date")
    reading = _date_from_match(match)
    before, after = text[: match.start()].strip(), text[match.end():].strip()
    kind = DueKind.ONGOING if ONGOING_PATTERN.search(after) else DueKind.DATE
    note = after if kind == DueKind.DATE else _note(after, ONGOING_PATTERN).removeprefix("and").strip()
    completed = COMPLETED_PATTERN.match(before)
    return DueDate(
        kind,
        on=reading.on,
        raw=raw,
        note=note,
        problem=reading.problem,
        completed_on=reading.on if completed else None,
        revised=bool(REVISED_PATTERN.match(before)),
    )


def _note(text: str, pattern: re.Pattern) -> str:
    return pattern.sub("", text, count=1).strip(" ,.;:–-")


def _phased(raw: str, lines: list[str]) -> DueDate:
    phases = []
    for line in lines:
        match = DATE_PATTERN.search(line)
        if not match:
            continue
        reading = _date_from_match(match)
        label = (line[: match.start()] + line[match.end():]).strip(" ,.;:–-") or f"Phase {len(phases) + 1}"
        phases.append(Phase(label, reading.on, reading.problem))
    problems = [phase.problem for phase in phases if phase.problem]
    last = phases[-1].on if phases else None
    return DueDate(DueKind.PHASED, on=last, raw=raw, phases=tuple(phases), problem="; ".join(problems) or None)


def describe(due: DueDate | None = None, *, kind=None, on=None, note="", problem=None, dates=None) -> str:
    """A short description of a due date for people, e.g. "30/09/2020", "To be decided: awaiting funding".
    `dates` writes a day (format_date unless given: long_date gives "30 September 2020")."""
    if due is not None:
        kind, on, note, problem = due.kind, due.on, due.note, due.problem
    if problem:
        return "Invalid date"
    when = (dates or format_date)(on) if on else ""
    if kind == DueKind.TBD:
        return "To be decided" + (f": {note}" if note else "")
    if kind == DueKind.MONTH and on:
        return on.strftime("%B %Y")
    if kind == DueKind.ONGOING:
        return f"Ongoing, review {when}" if on else "Ongoing"
    if kind == DueKind.PHASED:
        return f"In phases, last {when}" if on else "In phases"
    return when


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def long_date(value: str | date) -> str:
    """A day in words, as GOV.UK writes it: "30 September 2020" (from a date or its ISO text)."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%B %Y}"


def days_between(start: date, end: date) -> int:
    return (end - start) // timedelta(days=1)
