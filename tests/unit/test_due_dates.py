"""Due dates as written in real plans: typed, raw text kept, impossible dates flagged and never guessed."""

from datetime import date

import pytest

from app.models import DueKind
from app.services.plans.due_dates import describe, parse_due_text, read_date, read_month, written_differently


@pytest.mark.parametrize(
    ("raw", "kind", "on"),
    [
        ("30/06/20", DueKind.DATE, date(2020, 6, 30)),
        ("30.11.2020", DueKind.DATE, date(2020, 11, 30)),
        ("26.3.14", DueKind.DATE, date(2014, 3, 26)),
        ("15-04-16", DueKind.DATE, date(2016, 4, 15)),
        ("July 2020", DueKind.MONTH, date(2020, 7, 31)),
        ("Sept 2014", DueKind.MONTH, date(2014, 9, 30)),
        ("TBD", DueKind.TBD, None),
        ("Ongoing", DueKind.ONGOING, None),
        ("ongoing", DueKind.ONGOING, None),
        ("31/05/20 and ongoing", DueKind.ONGOING, date(2020, 5, 31)),
        ("Revised 31/08/20", DueKind.DATE, date(2020, 8, 31)),
        ("Revised to 30/09/20", DueKind.DATE, date(2020, 9, 30)),
        ("31/07/20 Projects to have individual deadlines", DueKind.DATE, date(2020, 7, 31)),
    ],
)
def test_cells_as_written_are_typed(raw, kind, on):
    due = parse_due_text(raw)
    assert (due.kind, due.on, due.raw, due.problem) == (kind, on, raw, None)


def test_impossible_date_is_flagged_not_corrected():
    due = parse_due_text("31/09/20")
    assert due.on is None
    assert due.raw == "31/09/20"
    assert due.problem == "31/09/20 is not a calendar date: September 2020 has 30 days"
    assert describe(due) == "Invalid date"


@pytest.mark.parametrize("raw", ["30/11//20", "Complete", "06/16", "Sept-December 2014", "Revised 31/11/20"])
def test_unreadable_cells_are_flagged(raw):
    due = parse_due_text(raw)
    assert due.problem and due.on is None and due.raw == raw


def test_revised_and_completed_prefixes_are_recognised():
    assert parse_due_text("Revised 30/11/20").revised
    assert not parse_due_text("30/11/20").revised
    assert parse_due_text("Completed 20/02/20").completed_on == date(2020, 2, 20)


def test_date_note_is_kept():
    assert parse_due_text("31/07/20 Projects to have individual deadlines").note == "Projects to have individual deadlines"


def test_tbd_reason_is_kept():
    due = parse_due_text("TBD - awaiting funding decision")
    assert due.kind == DueKind.TBD and due.note == "awaiting funding decision"


def test_phases_each_keep_their_date_and_the_last_is_due():
    due = parse_due_text("<p>Phase 1 30/09/20</p> <p>Phase 2 30/10/20</p> <p>Phase 3 30/11/20</p>")
    assert due.kind == DueKind.PHASED
    assert [(p.label, p.on) for p in due.phases] == [
        ("Phase 1", date(2020, 9, 30)), ("Phase 2", date(2020, 10, 30)), ("Phase 3", date(2020, 11, 30))]
    assert due.on == date(2020, 11, 30)


def test_phase_with_impossible_date_flags_the_whole_due_date():
    due = parse_due_text("<p>Phase 1 30/09/20</p><p>Phase 2 31/11/20</p>")
    assert due.problem == "31/11/20 is not a calendar date: November 2020 has 30 days"


def test_read_date_and_month():
    assert read_date("29/02/2020").on == date(2020, 2, 29)
    assert "February 2021 has 28 days" in read_date("29/02/2021").problem
    assert "no month 13" in read_date("01/13/2020").problem
    assert read_month("07/2020").on == date(2020, 7, 31)
    assert read_month("Julember 2020").problem


def test_descriptions():
    assert describe(kind=DueKind.TBD, note="awaiting budget") == "To be decided: awaiting budget"
    assert describe(kind=DueKind.MONTH, on=date(2020, 7, 31)) == "July 2020"
    assert describe(kind=DueKind.ONGOING, on=date(2020, 12, 31)) == "Ongoing, review 31/12/2020"
    assert describe(kind=DueKind.DATE, on=date(2020, 9, 30)) == "30/09/2020"


def test_as_written_is_shown_only_when_it_says_more_than_the_date():
    june = date(2020, 6, 25)
    assert not written_differently("25/06/20", june), "the same date, written shorter"
    assert not written_differently("<p>25/06/2020</p>", june), "the same date inside the imported cell's markup"
    assert written_differently("End of June 2020", june)
    assert written_differently("26/06/20", june)
    assert written_differently("TBC", None)
    assert not written_differently("", None)
