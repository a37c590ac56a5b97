"""Interpret single cells of the council's Word plan: who is named, the dated progress updates, the RAG rating.

Plain functions over the raw cell text read by plan_docx (no database). Each returns what it found and
says what it could not read, as text; nothing is guessed silently.

People ("Responsible Person", "Who will lead this"). A cell may name several people, groups and placeholders:
- "/", ";", new lines and " with " always separate; ",", " and " and " & " separate only when every piece is a
  name or a placeholder, so "AA Task & Finish Group" and "Commissioners in Public Health, CCG and Children's
  Services" stay whole.
- A piece naming a placeholder ("tbd", "TBC", "vacant", "Programme Lead to be identified") is one placeholder.
- Otherwise the words are read in order. Names are capitalised words that are not role words; the Word
  plan often runs names together with only spaces between them ("Mandy Helm Duncan Cooper Joanne Tooby"), so
  a run of names is read as two-word names, or as one three-word name ("Ali Jan Haider"); any other odd run is
  kept whole and flagged. The other words form groups or roles ("Heads of Service", "Service Managers",
  "P&EH Governance Board"), which end at a word such as Group, Board, Team, Managers or Services; role words
  straight after a person without such an ending describe that person ("Ruth Shaw Health Commissioner").
- "(interim)", "(Chair)", "(CCG)" are qualifiers of the entry before them.
Names are returned as written: matching them to known people (and spelling corrections) is a later step.

Progress updates ("Date & Progress Summary"): headings such as "Update 17 July 2020", "Updated 21 July 2020",
"Update 17th July 2020", "Project Concluded Update 17 July 2020", "Update 16th July" (no year: the plan's
year, marked as assumed) or "Update 17/07/20" at the start of a line; each update's body runs to the next
heading. A date that does not exist is a problem: the heading is kept, with no date.

RAG rating ("Current RAG Rating"): the word is read through the plan's key (label or synonym, any case, so
"Yellow" is Amber); without a word, the cell's shading colour is classified by hue. A word that disagrees
with the shading is a problem (the word wins); a word not in the key is a problem.
"""

import colorsys
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from app.models.people import PersonKind
from app.models.plans import Rating
from app.services.plans.due_dates import MONTHS

# --- People ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedPerson:
    name: str
    kind: PersonKind
    qualifier: str | None = None
    problem: str | None = None


ALWAYS_SEPARATES = re.compile(r"\s*(?:\n|;|/|\s+with\s+)\s*(?![^()]*\))", re.IGNORECASE)
SEPARATES_NAMES = re.compile(r"\s*(?:,|\s+and\s+|\s+&\s+)\s*(?![^()]*\))", re.IGNORECASE)
PLACEHOLDER = re.compile(
    r"\b(?:tbd|tbc|tba|vacant|vacancy|to be (?:identified|confirmed|agreed|appointed|decided|recruited))\b", re.IGNORECASE
)
TOKEN = re.compile(r"\([^)]*\)?|[^\s(]+")
NAME_WORD = re.compile(r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)*")
NOT_A_NAME_ENDING = re.compile(r"(?:tion|ment|ship|ity)$")
# Words that end the name of a group: plural ones always do; singular ones unless another role word follows
# ("Team Managers", "Service Managers").
PLURAL_GROUP_ENDINGS = {"managers", "heads", "services", "commissioners", "leads", "officers", "workers", "partners",
                        "members", "practitioners", "voices", "groups", "boards", "teams"}
SINGULAR_GROUP_ENDINGS = {"group", "board", "team", "panel", "forum", "committee", "partnership", "trust", "council",
                          "unit", "network", "service"}
ROLE_WORDS = PLURAL_GROUP_ENDINGS | SINGULAR_GROUP_ENDINGS | {
    "manager", "head", "task", "finish", "commissioner", "health", "lead", "programme", "project", "staff", "officer",
    "worker", "director", "chair", "audit", "finance", "data", "hr", "school", "social", "principal", "senior",
}


def people_in(cell_text: str) -> list[NamedPerson]:
    """The people, groups or roles and placeholders a Responsible Person or Who will lead this cell names."""
    return [person for piece in _pieces(cell_text) for person in _people_in_piece(piece)]


def _pieces(cell_text: str) -> list[str]:
    pieces = []
    for part in ALWAYS_SEPARATES.split(cell_text.strip()):
        smaller = [text for text in SEPARATES_NAMES.split(part) if text]
        pieces.extend(smaller if all(_stands_alone(text) for text in smaller) else [part])
    return [piece.strip(" ,.") for piece in pieces if piece.strip(" ,.")]


def _stands_alone(text: str) -> bool:
    """A name, a placeholder or a whole group: what ",", "and" and "&" can separate."""
    words = [token for token in TOKEN.findall(text) if not token.startswith("(")]
    return _is_names(text) or bool(PLACEHOLDER.search(text)) or bool(words and _ends_a_group(words[-1], None))


def _is_names(text: str) -> bool:
    words = [token for token in TOKEN.findall(text) if not token.startswith("(")]
    return len(words) >= 2 and all(_is_name_word(word) for word in words)


def _is_name_word(token: str) -> bool:
    word = _bare(token)
    return bool(NAME_WORD.fullmatch(word)) and not _is_role_word(token)


def _is_role_word(token: str) -> bool:
    word = _bare(token).lower()
    return word in ROLE_WORDS or bool(NOT_A_NAME_ENDING.search(word))


def _bare(token: str) -> str:
    return token.strip(",.;:")


def _people_in_piece(piece: str) -> list[NamedPerson]:
    if PLACEHOLDER.search(piece):
        return [_placeholder(piece)]
    tokens = TOKEN.findall(piece)
    labels = _labels(tokens)
    people: list[NamedPerson] = []
    for label, words in _chunks(tokens, labels):
        if label == "qualifier":
            people = _qualify(people, words[0].strip("()").strip())
        elif label == "names":
            people.extend(_individuals(words, whole_piece=len(words) == labels.count("names")))
        else:
            people = _add_roles(people, words, follows_person=bool(people) and people[-1].kind == PersonKind.INDIVIDUAL)
    return people


def _placeholder(piece: str) -> NamedPerson:
    qualifiers = [text.strip("()").strip() for text in re.findall(r"\([^)]*\)", piece)]
    name = re.sub(r"\s*\([^)]*\)", "", piece).strip()
    return NamedPerson(name or qualifiers.pop(0), PersonKind.PLACEHOLDER, ", ".join(qualifiers) or None)


def _labels(tokens: list[str]) -> list[str]:
    """Each token as part of a name ("names"), of a group or role ("roles") or a bracketed "qualifier"."""
    labels = ["qualifier" if token.startswith("(") else "names" if _is_name_word(token) else "roles" for token in tokens]
    for start, end in _name_runs(labels):
        before = tokens[start - 1] if start else ""
        after = tokens[end] if end < len(tokens) else ""
        if _is_connector(before):  # "Children in Need …", "Public Health"
            labels[start:end] = ["roles"] * (end - start)
        elif _ends_a_group(after, tokens[end + 1] if end + 1 < len(tokens) else None):  # "Leaving Care Team"
            in_group = min(end - start, 1 if (end - start) % 2 else 2)
            labels[end - in_group:end] = ["roles"] * in_group
        elif _is_connector(after) or (_is_role_word(after) and (end - start) % 2):  # "Children in", "Staff Task"
            labels[end - 1] = "roles"
    return labels


def _is_connector(token: str) -> bool:
    return bool(token) and (token == "&" or token[0].islower())


def _name_runs(labels: list[str]) -> list[tuple[int, int]]:
    runs, start = [], None
    for index, label in enumerate([*labels, "end"]):
        if label == "names" and start is None:
            start = index
        elif label != "names" and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _chunks(tokens: list[str], labels: list[str]) -> list[tuple[str, list[str]]]:
    chunks: list[tuple[str, list[str]]] = []
    for token, label in zip(tokens, labels, strict=True):
        if chunks and chunks[-1][0] == label != "qualifier":
            chunks[-1][1].append(token)
        else:
            chunks.append((label, [token]))
    return chunks


def _individuals(words: list[str], *, whole_piece: bool) -> list[NamedPerson]:
    words = [_bare(word) for word in words]
    if len(words) % 2 == 0:
        return [NamedPerson(" ".join(words[i:i + 2]), PersonKind.INDIVIDUAL) for i in range(0, len(words), 2)]
    if len(words) == 3 and whole_piece:  # "Ali Jan Haider"
        return [NamedPerson(" ".join(words), PersonKind.INDIVIDUAL)]
    problem = (f"“{' '.join(words)}”: cannot tell where one name ends and the next begins" if len(words) > 1
               else f"“{words[0]}” is a single word: a first name, a surname or an organisation?")
    return [NamedPerson(" ".join(words), PersonKind.INDIVIDUAL, problem=problem)]


def _add_roles(people: list[NamedPerson], words: list[str], *, follows_person: bool) -> list[NamedPerson]:
    people = list(people)
    for index, role in enumerate(_split_roles(words)):
        if index == 0 and follows_person and not _ends_a_group(role[-1], None):  # "Ruth Shaw Health Commissioner"
            people = _qualify(people, " ".join(role))
        else:
            people.append(NamedPerson(" ".join(role).strip(" ,."), PersonKind.GROUP))
    return people


def _split_roles(words: list[str]) -> list[list[str]]:
    """"Service Managers Team Managers Heads of Service" → three groups, each ending at a group word."""
    roles: list[list[str]] = [[]]
    for index, word in enumerate(words):
        roles[-1].append(word)
        following = words[index + 1] if index + 1 < len(words) else None
        if following and _ends_a_group(word, following):
            roles.append([])
    return [role for role in roles if role]


def _ends_a_group(word: str, following: str | None) -> bool:
    bare = _bare(word).lower()
    if following is not None and (_is_connector(following) or word.endswith(",")):
        return False
    if bare in PLURAL_GROUP_ENDINGS:
        return True
    return bare in SINGULAR_GROUP_ENDINGS and not (following and _is_role_word(following))


def _qualify(people: list[NamedPerson], qualifier: str) -> list[NamedPerson]:
    if not people:
        return [NamedPerson(qualifier, PersonKind.GROUP)]
    last = people[-1]
    combined = f"{last.qualifier}, {qualifier}" if last.qualifier else qualifier
    return [*people[:-1], NamedPerson(last.name, last.kind, combined, last.problem)]


# --- Progress updates -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatedUpdate:
    written_on: date | None
    heading_raw: str
    body: str
    year_assumed: bool = False
    problem: str | None = None


MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
UPDATE_HEADING = re.compile(
    r"^[ \t•▪–-]*(?P<heading>(?:Project\s+Concluded\s+|Progress\s+)?Updated?:?\s+"
    r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>" + MONTH_NAMES + r")\.?(?:,?\s+(?P<year>\d{4})\b)?"
    r"|(?P<nday>\d{1,2})[/.](?P<nmonth>\d{1,2})[/.](?P<nyear>\d{4}|\d{2})\b))",
    re.IGNORECASE | re.MULTILINE,
)


def progress_updates_in(cell_text: str, *, plan_year: int | None) -> list[DatedUpdate]:
    """Each dated update heading in a progress cell with the text up to the next heading."""
    headings = list(UPDATE_HEADING.finditer(cell_text))
    ends = [heading.start() for heading in headings[1:]] + [len(cell_text)] * bool(headings)
    return [_update(heading, cell_text[heading.end():end], plan_year) for heading, end in zip(headings, ends, strict=True)]


def without_its_own_date(body: str, written_on: date) -> str:
    """An update's text without a first line (or opening words) such as "Update 20 July 2020" that only repeats
    the update's own date, which is shown beside it; any other text is kept as written."""
    heading = UPDATE_HEADING.match(body)
    if heading is None or _update(heading, "", written_on.year).written_on != written_on:
        return body
    rest = body[heading.end():].lstrip(" \t:–-").lstrip("\r\n")
    return rest if rest.strip() else body


def _update(heading: re.Match, body: str, plan_year: int | None) -> DatedUpdate:
    raw = heading.group("heading")
    day, month, year = _date_parts(heading)
    year_assumed = year is None
    if year_assumed:
        if plan_year is None:
            return DatedUpdate(None, raw, body.strip(), problem=f"“{raw}” has no year, and the plan's year is not known")
        year = plan_year
    try:
        written_on = date(year, month, day)
    except ValueError:
        return DatedUpdate(None, raw, body.strip(), year_assumed, problem=f"“{raw}” is not a real date")
    return DatedUpdate(written_on, raw, body.strip(), year_assumed)


def _date_parts(heading: re.Match) -> tuple[int, int, int | None]:
    if heading.group("day"):
        year = heading.group("year")
        return int(heading.group("day")), MONTHS[heading.group("month").lower()], int(year) if year else None
    year = int(heading.group("nyear"))
    return int(heading.group("nday")), int(heading.group("nmonth")), year + 2000 if year < 100 else year


# --- RAG rating -----------------------------------------------------------------------------------------------

RagKey = Sequence[tuple[Rating, str, Iterable[str] | str]]  # (rating, label, synonyms) as in RagKeyEntry


def rating_in(rag_text: str, shading_hex: str | None, key: RagKey) -> tuple[Rating | None, str | None]:
    """The rating a RAG cell gives, from its word through the plan's key or else its shading, and any problem."""
    word = " ".join(rag_text.split())
    shaded = shading_rating(shading_hex)
    if not word:
        return shaded, None
    rating = _rating_for_word(word, key)
    if rating is None:
        return None, f"“{word}” is not a rating in the plan's key ({_key_words(key)})"
    if shaded is not None and shaded != rating:
        return rating, f"The cell says “{word}” but is shaded {shaded.value.lower()} (#{shading_hex}); the word is used"
    return rating, None


def shading_rating(shading_hex: str | None) -> Rating | None:
    """Red, amber (or yellow) or green by hue, for reasonably strong colours; None for white, grey or others."""
    rgb = _rgb(shading_hex)
    if rgb is None:
        return None
    hue, saturation, value = colorsys.rgb_to_hsv(*rgb)
    if saturation < 0.4 or value < 0.35:
        return None
    degrees = hue * 360
    if degrees < 15 or degrees >= 340:
        return Rating.RED
    if 25 <= degrees < 70:
        return Rating.AMBER
    if 75 <= degrees < 170:
        return Rating.GREEN
    return None


def _rgb(shading_hex: str | None) -> tuple[float, float, float] | None:
    text = (shading_hex or "").strip().lstrip("#")
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", text):
        return None
    return tuple(int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))


def _rating_for_word(word: str, key: RagKey) -> Rating | None:
    wanted = word.casefold()
    for rating, label, synonyms in key:
        if wanted in {text.strip().casefold() for text in [label, *_synonym_list(synonyms)]}:
            return rating
    return None


def _synonym_list(synonyms: Iterable[str] | str) -> list[str]:
    return synonyms.split(",") if isinstance(synonyms, str) else list(synonyms)


def _key_words(key: RagKey) -> str:
    return ", ".join(text.strip() for _, label, synonyms in key for text in [label, *_synonym_list(synonyms)] if text.strip())
