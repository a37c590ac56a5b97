"""How a recorded change is said: one sentence per change, from fixed recorded values."""

from datetime import datetime
from types import SimpleNamespace

import pytest

from app.models import Rating
from app.services.history import said, sentence, when_words

AT = datetime(2020, 10, 1, 14, 5)


CASES = """
# Milestones: the due date as written, in words
milestone | due_raw | 30/09/20 | 31/10/2020 | Due date changed from 30 September 2020 to 31 October 2020
milestone | due_raw | 31/10/2020 | November 2020 | Due date changed from 31 October 2020 to November 2020
milestone | due_raw | - | TBD: awaiting funding | Due date set to not yet decided (awaiting funding)
milestone | due_raw | 30/06/20 | 31/05/20 and ongoing | Due date changed from 30 June 2020 to ongoing, review 31 May 2020
milestone | due_raw | 31/09/20 | 30/09/20 | Due date changed from “31/09/20” to 30 September 2020
milestone | due_raw | 30/06/20 | 30/06/2020 | Due date changed from “30/06/20” to “30/06/2020”
milestone | due_on | 2020-09-30 | 2020-10-31 | Due date changed from 30 September 2020 to 31 October 2020
milestone | due_kind | date | month | Kind of due date changed from Exact date to During a month
milestone | due_note | - | awaiting funding | Note on the due date set to “awaiting funding”
milestone | due_problem | - | 31/09/20 is not a calendar date | The due date could not be read: 31/09/20 is not a calendar date
milestone | due_problem | 31/09/20 is not a calendar date | - | The due date can now be read
milestone | revision | - | accepted: 31/10/2020 | Revised date accepted: 31 October 2020
milestone | revision | - | rejected: November 2020 | Revised date rejected: November 2020
# Ratings by their word, status by its label, people by name
milestone | rag_set | - | GREEN | Rating set to Green
milestone | rag_set | AMBER | RED | Rating changed from Amber to Red
milestone | rag_set | GREEN | - | Rating of Green removed: the suggested rating applies
milestone | status | not_started | in_progress | Status changed from Not started to In progress
milestone | completed_on | - | 2020-07-30 | Date completed set to 30 July 2020
milestone | responsible | Stu Barratt | Amandip Johal | Responsible person changed from Stu Barratt to Amandip Johal
milestone | leads | "" | Alex Church, Ali Jan Haider | Leads set to Alex Church, Ali Jan Haider
milestone | deliverable | Review | Audit | Expected milestone or deliverable changed from “Review” to “Audit”
milestone | sub_action | Draft | - | Sub-action removed (was “Draft”)
milestone | evidence | - | minutes.pdf | Evidence added: minutes.pdf
milestone | created | - | This milestone | Created
# Actions, areas, the plan and its RAG key
action | delivery_type | service_action | project | Delivery type changed from Service action to Project
action | number | 1.1 | 1.2 | Action number changed from 1.1 to 1.2
action | project_code | - | P1 | Project code set to P1
action | recommendations | "" | R6a, R6b | Ofsted recommendations set to R6a, R6b
action | created | - | from a learning point (learning point 4) | Created: from a learning point (learning point 4)
area | summary | Old aim | New aim | Aim changed from “Old aim” to “New aim”
improvementarea | identifications | June 2018 | June 2018, May 2020 | When Ofsted identified it changed \
from June 2018 to June 2018, May 2020
plan | revision | Revised April 2020 | Revised Sept 2020 | Revision changed from Revised April 2020 to Revised Sept 2020
plan | lead_author | Phil Hayden | - | Lead author removed (was Phil Hayden)
ragkeyentry | label | Green | On track | Rating label changed from Green to On track
# Meetings, people, teams, reminder settings
meeting | kind | board | committee | Kind of meeting changed from Improvement Board to Scrutiny committee
meeting | held_on | 2020-09-15 | 2020-09-22 | Date of the meeting changed from 15 September 2020 to 22 September 2020
meeting | deleted | Improvement Board on 15/09/2020 | - | Deleted: Improvement Board on 15/09/2020
person | role | viewer | qa_lead | Role changed from Action owner or viewer to QA lead
person | kind | individual | group | Kind changed from Person to Group or role
person | active | True | False | Can sign in changed from Yes to No
person | line_manager | - | Mona Manager | Line manager set to Mona Manager
person | email_preference | each | none | E-mail choice changed from \
An e-mail for each reminder to No e-mails: I will look in the service
person | password | - | set by an administrator | Password set by an administrator
person | calendar link | - | created | Calendar link created
person | calendar link | previous link revoked | created | Calendar link created (the previous link was revoked)
person | calendar link | active | revoked | Calendar link revoked
team | name | East | Children in Care East | Team name changed from East to Children in Care East
remindersettings | overdue_repeat_days | 7 | 14 | Days between overdue reminders changed from 7 to 14
remindersettings | remind_on_due_day | True | False | Remind owners on the day a milestone is due changed from Yes to No
# Audits: states and answers by their labels, the child's identity without its values
audit | allocated | - | Sunita Varma | Allocated to Sunita Varma
audit | state | submitted | in_progress: please add the plan | Status changed from Submitted to In progress: please add the plan
audit | standard 5.2.2 | - | not_applicable | Standard 5.2.2 set to Not applicable
audit | grade 5.1 | good | requires_improvement | Grade 5.1 changed from Good to Requires Improvement
audit | overall_grade | good | inadequate | Overall grade changed from Good to Inadequate
audit | recommendation 2 | open | done on 2020-08-01 | Recommendation 2 changed from Open to Done on 1 August 2020
audit | child_name | - | changed | Child's name changed
audit | child_date_of_birth | - | changed | Child's date of birth changed
audit | moderation | - | 2 element grades changed; overall agreed | Moderated: 2 element grades changed; overall agreed
auditround | created | - | 40 cases drawn with seed 7 | Created: 40 cases drawn with seed 7
# A field with no label is said by its name in words
audit | primary_language | "" | Polish | Primary language set to Polish
"""
"""One case a line: the kind of record | the field | the old value | the new value | the sentence. "-" is no value
(None), "" an empty one; a line starting with # is a heading; a line ending in a backslash goes on on the next."""


def cases() -> list[tuple]:
    rows = [line.split(" | ") for line in CASES.strip().splitlines() if not line.startswith("#")]
    value = {"-": None, '""': ""}
    return [(entity, field, value.get(old, old), value.get(new, new), expected) for entity, field, old, new, expected in rows]


@pytest.mark.parametrize(("entity", "field", "old", "new", "expected"), cases())
def test_each_recorded_change_is_one_sentence(entity, field, old, new, expected):
    assert sentence(entity, field, old, new) == expected


def test_a_rating_is_said_with_the_plans_own_word():
    words = {Rating.GREEN: "On track"}.get
    assert sentence("milestone", "rag_set", None, "GREEN", rating_word=words) == "Rating set to On track"


def record(field, old, new, *, entity_type="milestone", entity_id=1, at=AT, by=None):
    return SimpleNamespace(entity_type=entity_type, entity_id=entity_id, field=field, old_value=old, new_value=new,
                           changed_at=at, changed_by=by, changed_by_id=by)


def test_a_due_dates_kind_and_day_are_said_with_the_date_as_written():
    saved = [record("due_kind", "date", "month"), record("due_on", "2020-10-31", "2020-11-30"),
             record("due_raw", "31/10/2020", "November 2020")]
    assert [line.sentence for line in said(saved)] == ["Due date changed from 31 October 2020 to November 2020"]


def test_a_due_day_saved_alone_is_still_said():
    """Never hidden: a companion field without its main field is said by itself."""
    lines = said([record("due_on", "2020-10-31", "2020-11-30")])
    assert [line.sentence for line in lines] == ["Due date changed from 31 October 2020 to 30 November 2020"]


def test_a_companion_of_another_record_or_save_is_not_folded():
    lines = said([record("due_on", "2020-10-31", "2020-11-30", entity_id=2), record("due_raw", "31/10/20", "30/11/20"),
                  record("due_kind", "date", "month", at=datetime(2020, 10, 2))])
    assert [line.sentence for line in lines] == ["Due date changed from 31 October 2020 to 30 November 2020",
                                                 "Due date changed from 31 October 2020 to 30 November 2020",
                                                 "Kind of due date changed from Exact date to During a month"]


def test_a_ratings_reason_and_a_completion_date_go_with_their_change():
    saved = [record("rag_set", None, "GREEN"), record("rag_set_reason", None, "Audits show it is embedded"),
             record("status", "in_progress", "complete"), record("completed_on", None, "2020-07-30")]
    assert [(line.kind, line.sentence) for line in said(saved)] == [
        ("Milestone", "Rating set to Green. Reason: Audits show it is embedded"),
        ("Milestone", "Status changed from In progress to Complete, on 30 July 2020")]


def test_the_kind_of_record_is_said_in_words():
    lines = said([record("label", "Green", "On track", entity_type="ragkeyentry"),
                  record("text", "a", "b", entity_type="improvementarea")])
    assert [line.kind for line in lines] == ["RAG key", "Area for Improvement"]


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2020, 10, 1, 14, 5), "1 October 2020 at 2:05pm"),
    (datetime(2020, 10, 1, 9, 30), "1 October 2020 at 9:30am"),
    (datetime(2020, 10, 1, 12, 0), "1 October 2020 at midday"),
    (datetime(2020, 10, 1, 0, 0), "1 October 2020 at midnight"),
    (datetime(2020, 10, 1, 0, 15), "1 October 2020 at 12:15am"),
])
def test_when_a_change_was_made_is_said_in_words(moment, expected):
    assert when_words(moment) == expected
