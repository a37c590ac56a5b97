"""What every plan import (the JSON extraction, a Word plan, a spreadsheet) records the same way: the RAG key of a
new plan, a milestone's status from its cells, and a "Revised …" date as a revision awaiting a decision."""

from datetime import date, datetime

from app.models import DueDateRevision, Milestone, MilestoneStatus, RagKeyEntry, Rating, RevisionReason
from app.services.plans.due_dates import DueDate

# The plan's key: each rating's word and the other words read as it ("Yellow" is Amber).
DEFAULT_KEY = [(Rating.RED, "Red", ""), (Rating.AMBER, "Amber", "Yellow"), (Rating.GREEN, "Green", ""),
               (Rating.NOT_RATED, "Not rated", "Not yet started")]
NOT_RATED_DEFINITION = "No due date yet, or not started"
NO_IMPROVEMENT_AREA_TEXT = "(No text in the imported plan: only the date was given)"


def improvement_area_text(text: str) -> str:
    """An Area for Improvement's text as stored: the plan's words, or a note when the plan gives only its date (so
    a second import of the same plan recognises it rather than adding it again)."""
    return text or NO_IMPROVEMENT_AREA_TEXT


def rag_key(definitions: dict[str, str]) -> list[RagKeyEntry]:
    """A new plan's key, with the definitions the plan gives ("RED" → …)."""
    return [RagKeyEntry(rating=rating, label=label, synonyms=synonyms, position=index,
                        definition=definitions.get(rating.value) or (NOT_RATED_DEFINITION
                                                                     if rating == Rating.NOT_RATED else ""))
            for index, (rating, label, synonyms) in enumerate(DEFAULT_KEY)]


def status(progress_text: str, completed_on: date | None) -> MilestoneStatus:
    """Complete with a completion date in the due cell; in progress with progress written; else not started."""
    if completed_on:
        return MilestoneStatus.COMPLETE
    return MilestoneStatus.IN_PROGRESS if progress_text.strip() else MilestoneStatus.NOT_STARTED


def revised_revision(milestone: Milestone, due: DueDate, now: datetime) -> DueDateRevision | None:
    """A due cell that says "Revised …": the new date awaits a programme manager's decision (the old one is not
    in the plan)."""
    if not due.revised:
        return None
    return DueDateRevision(milestone=milestone, old_kind=None, old_on=None, old_raw="", new_kind=due.kind,
                           new_on=due.on, new_raw=due.raw, reason=RevisionReason.OTHER, proposed_at=now,
                           reason_text=f"The imported plan says “{due.raw}”; the earlier date was not recorded in it.")
