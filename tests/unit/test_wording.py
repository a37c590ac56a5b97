"""How counts, codes and notices read (issue 15, item 11): one plural, one code order, words that say what is true."""

from datetime import date

from app.models import DueKind, MilestoneStatus, NoticeKind, Rating
from app.services.plans.rag import MilestoneFacts, suggest
from app.services.reminders.rules import Due
from app.services.reminders.wording import due_title, meeting_words
from app.services.wording import agrees, code_order, in_code_order, plural

FRIDAY, SATURDAY, MONDAY = date(2020, 7, 31), date(2020, 8, 1), date(2020, 8, 3)


def test_one_thing_is_singular():
    assert [plural(1, "audit"), plural(0, "audit"), plural(2, "audit")] == ["1 audit", "0 audits", "2 audits"]
    assert plural(1, "person", "people") == "1 person" and plural(3, "person", "people") == "3 people"
    assert [agrees(1, "needs", "need"), agrees(13, "needs", "need")] == ["needs", "need"]


def test_codes_are_in_the_order_people_count():
    assert in_code_order(["R10", "R2", "R6c", "R1", "R6"]) == ["R1", "R2", "R6", "R6c", "R10"]
    assert in_code_order(["1.10", "1.2", "1.1", "2.0", "1.0"]) == ["1.0", "1.1", "1.2", "1.10", "2.0"]
    assert code_order("r10") == code_order("R10") and code_order(None) == ()


def test_the_suggestion_names_its_rating_once():
    facts = MilestoneFacts(status=MilestoneStatus.IN_PROGRESS, due_kind=DueKind.DATE, due_on=date(2020, 7, 30))
    result = suggest(facts, FRIDAY)
    assert result.rating == Rating.RED
    assert result.reason == "due 30 July 2020, 1 day overdue"  # shown after the Red tag on the pages
    assert result.explanation == "Red: due 30 July 2020, 1 day overdue"  # for text with no tag
    assert result.why == "Due 30 July 2020, 1 day overdue"  # a table cell beside the rating's own column


def test_a_reminder_for_a_saturday_says_which_day_is_the_last_working_day():
    title = due_title(Due(NoticeKind.DUE_TODAY), "4.8 Life story work", SATURDAY, FRIDAY)
    assert title == "Due Saturday 01/08/2020, so the last working day for it is Friday 31/07/2020: 4.8 Life story work"
    assert due_title(Due(NoticeKind.DUE_TODAY), "4.8 Life story work", MONDAY, MONDAY) == \
        "Due today (03/08/2020): 4.8 Life story work"


def nudge(open_count: int, stale: int) -> tuple[str, str]:
    return meeting_words(NoticeKind.UPDATE_NUDGE, "Improvement Board", date(2020, 8, 12), date(2020, 8, 3),
                         open_count, stale, date(2020, 7, 1))


def test_the_nudge_agrees_with_its_count():
    assert nudge(3, 1) == ("1 of your milestones needs an update by Monday 3 August 2020",
                           "1 of your 3 open milestones has had no progress update since 1 July 2020. The report for "
                           "the Improvement Board on 12 August 2020 is drawn up after Monday 3 August 2020.")
    assert nudge(1, 1)[1].startswith("Your open milestone has had no progress update")
    assert nudge(13, 13)[0] == "13 of your milestones need an update by Monday 3 August 2020"
    assert nudge(13, 13)[1].startswith("All 13 of your open milestones have had")


def test_the_request_to_one_owner_of_one_milestone_is_singular():
    _, body = meeting_words(NoticeKind.UPDATE_REQUEST, "Improvement Board", date(2020, 8, 12), date(2020, 8, 3), 1, 0,
                            date(2020, 7, 1))
    assert body.startswith("You are responsible for or lead 1 open milestone. Add a dated progress update to it by")
