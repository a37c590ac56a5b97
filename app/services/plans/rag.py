"""RAG rules: a suggested rating for each milestone from the facts and today's date, and roll-ups.

Following the plan's key: complete → Green; due date slipped and not yet accepted → Red; past due
and not complete → Red; no usable date or not started → Not rated; otherwise on track → Amber.
A person may set a different rating with a reason; the suggestion is always kept beside it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.models.plans import RATING_SEVERITY, DueKind, MilestoneStatus, Rating
from app.services.plans.due_dates import days_between, long_date
from app.services.wording import plural

RATING_WORDS = {Rating.RED: "Red", Rating.AMBER: "Amber", Rating.GREEN: "Green", Rating.NOT_RATED: "Not rated"}


@dataclass(frozen=True)
class MilestoneFacts:
    status: str
    due_kind: str
    due_on: date | None = None
    due_problem: str | None = None
    completed_on: date | None = None
    pending_revision_from: date | None = None  # old date of an unaccepted re-plan
    has_pending_revision: bool = False


@dataclass(frozen=True)
class RagResult:
    """A suggested rating and the reason for it. Pages show the rating as a tag and then the reason; text without the
    tag (exports, reports, e-mails) uses the explanation, which names the rating first."""

    rating: Rating
    reason: str

    @property
    def explanation(self) -> str:
        return f"{RATING_WORDS[self.rating]}: {self.reason}"

    @property
    def why(self) -> str:
        """The reason on its own, as a sentence: for a table cell beside a column that gives the rating."""
        return self.reason[:1].upper() + self.reason[1:]


def suggest(facts: MilestoneFacts, today: date) -> RagResult:
    if facts.status == MilestoneStatus.COMPLETE:
        done = f" on {long_date(facts.completed_on)}" if facts.completed_on else ""
        return RagResult(Rating.GREEN, f"completed{done}")
    if facts.has_pending_revision:
        return RagResult(Rating.RED, _slip_description(facts))
    if facts.due_problem:
        return RagResult(Rating.NOT_RATED, f"the due date is invalid ({facts.due_problem})")
    if facts.due_on is None:
        return RagResult(Rating.NOT_RATED, _no_date_reason(facts.due_kind))
    overdue_days = days_between(facts.due_on, today)
    what = "review due" if facts.due_kind == DueKind.ONGOING else "due"
    if overdue_days > 0:
        return RagResult(Rating.RED, f"{what} {long_date(facts.due_on)}, {plural(overdue_days, 'day')} overdue")
    if facts.status == MilestoneStatus.NOT_STARTED:
        return RagResult(Rating.NOT_RATED, f"not started yet ({what} {long_date(facts.due_on)})")
    remaining = "today" if overdue_days == 0 else f"in {plural(-overdue_days, 'day')}"
    return RagResult(Rating.AMBER, f"on track, {what} {long_date(facts.due_on)} ({remaining})")


def _slip_description(facts: MilestoneFacts) -> str:
    new = long_date(facts.due_on) if facts.due_on else "a new date"
    old = f"from {long_date(facts.pending_revision_from)} " if facts.pending_revision_from else ""
    return f"due date moved {old}to {new}, not yet accepted by a programme manager"


def _no_date_reason(due_kind: str) -> str:
    if due_kind == DueKind.TBD:
        return "no due date (to be decided)"
    if due_kind == DueKind.ONGOING:
        return "ongoing with no review date"
    return "no due date"


def roll_up(ratings: Iterable[Rating]) -> Rating:
    """An action's or area's rating from its milestones' ratings.

    Any Red → Red; otherwise any Amber → Amber; all Green → Green; Green mixed with Not rated means
    work is under way but not finished → Amber; nothing rated → Not rated.
    """
    present = set(ratings)
    if not present or present == {Rating.NOT_RATED}:
        return Rating.NOT_RATED
    worst = max(present, key=RATING_SEVERITY.__getitem__)
    if worst == Rating.GREEN and Rating.NOT_RATED in present:
        return Rating.AMBER
    return worst


def effective(suggested: Rating, rag_set: str | None) -> Rating:
    """The rating people see: the one a person set, if any, otherwise the suggestion."""
    return Rating(rag_set) if rag_set else suggested


def rating_from_word(word: str, key) -> Rating | None:
    """Read a rating written as a word ("Green", "Yellow") through a plan's RAG key and its synonyms."""
    wanted = word.strip().lower()
    for entry in key:
        if wanted in {entry.rating.value.lower(), entry.label.lower(), *(s.lower() for s in entry.synonym_list)}:
            return Rating(entry.rating)
    return None
