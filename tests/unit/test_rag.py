"""The RAG rules with fixed dates: every case of the plan's key, with its explanation, and the roll-ups."""

from datetime import date

import pytest

from app.models import DueKind, MilestoneStatus, RagKeyEntry, Rating
from app.services.plans.rag import MilestoneFacts, effective, rating_from_word, roll_up, suggest

TODAY = date(2020, 10, 12)


def facts(**values):
    defaults = {"status": MilestoneStatus.IN_PROGRESS, "due_kind": DueKind.DATE, "due_on": date(2020, 12, 31)}
    return MilestoneFacts(**{**defaults, **values})


def test_complete_is_green_even_when_late():
    result = suggest(facts(status=MilestoneStatus.COMPLETE, completed_on=date(2020, 11, 2), due_on=date(2020, 9, 30)),
                     TODAY)
    assert (result.rating, result.explanation) == (Rating.GREEN, "Green: completed on 2 November 2020")


def test_past_due_and_not_complete_is_red_with_days_overdue():
    result = suggest(facts(due_on=date(2020, 9, 30)), TODAY)
    assert (result.rating, result.explanation) == (Rating.RED, "Red: due 30 September 2020, 12 days overdue")


def test_one_day_overdue_is_singular():
    assert suggest(facts(due_on=date(2020, 10, 11)), TODAY).explanation == "Red: due 11 October 2020, 1 day overdue"


def test_not_started_and_overdue_is_red():
    assert suggest(facts(status=MilestoneStatus.NOT_STARTED, due_on=date(2020, 9, 30)), TODAY).rating == Rating.RED


def test_slipped_date_is_red_until_accepted():
    slipped = facts(due_on=date(2021, 3, 31), has_pending_revision=True, pending_revision_from=date(2020, 9, 30))
    result = suggest(slipped, TODAY)
    assert result.rating == Rating.RED
    assert result.explanation == ("Red: due date moved from 30 September 2020 to 31 March 2021, "
                                  "not yet accepted by a programme manager")
    accepted = facts(due_on=date(2021, 3, 31), has_pending_revision=False)
    assert suggest(accepted, TODAY).rating == Rating.AMBER


def test_on_track_is_amber():
    result = suggest(facts(due_on=date(2020, 10, 20)), TODAY)
    assert (result.rating, result.explanation) == (Rating.AMBER, "Amber: on track, due 20 October 2020 (in 8 days)")
    assert suggest(facts(due_on=TODAY), TODAY).explanation == "Amber: on track, due 12 October 2020 (today)"


@pytest.mark.parametrize(
    ("values", "explanation"),
    [
        ({"due_kind": DueKind.TBD, "due_on": None}, "Not rated: no due date (to be decided)"),
        ({"due_kind": DueKind.ONGOING, "due_on": None}, "Not rated: ongoing with no review date"),
        ({"status": MilestoneStatus.NOT_STARTED}, "Not rated: not started yet (due 31 December 2020)"),
        ({"due_on": None, "due_problem": "31/09/20 is not a calendar date: September 2020 has 30 days"},
         "Not rated: the due date is invalid (31/09/20 is not a calendar date: September 2020 has 30 days)"),
    ],
)
def test_no_usable_date_or_not_started_is_not_rated(values, explanation):
    result = suggest(facts(**values), TODAY)
    assert (result.rating, result.explanation) == (Rating.NOT_RATED, explanation)


def test_ongoing_work_past_its_review_date_is_red():
    result = suggest(facts(due_kind=DueKind.ONGOING, due_on=date(2020, 9, 30)), TODAY)
    assert result.explanation == "Red: review due 30 September 2020, 12 days overdue"


def test_a_rating_set_by_a_person_wins_but_the_suggestion_is_kept():
    assert effective(Rating.RED, "AMBER") == Rating.AMBER
    assert effective(Rating.RED, None) == Rating.RED


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([Rating.GREEN, Rating.RED, Rating.AMBER], Rating.RED),
        ([Rating.GREEN, Rating.AMBER, Rating.NOT_RATED], Rating.AMBER),
        ([Rating.GREEN, Rating.GREEN], Rating.GREEN),
        ([Rating.GREEN, Rating.NOT_RATED], Rating.AMBER),
        ([Rating.NOT_RATED, Rating.NOT_RATED], Rating.NOT_RATED),
        ([Rating.NOT_RATED, Rating.RED], Rating.RED),
        ([], Rating.NOT_RATED),
    ],
)
def test_roll_up(ratings, expected):
    assert roll_up(ratings) == expected


def test_words_are_read_through_the_plans_key():
    key = [RagKeyEntry(rating=Rating.AMBER, label="Amber", synonyms="Yellow"),
           RagKeyEntry(rating=Rating.GREEN, label="Green", synonyms="")]
    assert rating_from_word("Yellow", key) == Rating.AMBER
    assert rating_from_word(" green ", key) == Rating.GREEN
    assert rating_from_word("Purple", key) is None
