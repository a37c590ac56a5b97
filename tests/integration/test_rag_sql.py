"""The RAG rules run twice: in Python (with explanations) and in SQL (for counts and filters). They must agree."""

import itertools
from datetime import date

from app.models import DueDateRevision, DueKind, Milestone, MilestoneStatus, Rating, RevisionDecision, RevisionReason
from app.services.plans.queries import Facts, Window, _milestones, milestone_rows
from tests.conftest import NOW

TODAY = date(2020, 7, 31)
DUE_DATES = [None, date(2020, 7, 30), TODAY, date(2020, 8, 1)]
STATUSES = list(MilestoneStatus)
PROBLEMS = [None, "31/09/20 is not a calendar date"]
REVISIONS = [None, RevisionDecision.PROPOSED, RevisionDecision.ACCEPTED]
SET_RATINGS = [None, Rating.GREEN]


def test_sql_and_python_ratings_agree_for_every_combination(db, plan_tree):
    action = plan_tree["action"]
    for due_on, status, problem, revision, rag_set in itertools.product(DUE_DATES, STATUSES, PROBLEMS, REVISIONS,
                                                                         SET_RATINGS):
        milestone = Milestone(action=action, deliverable="combination", status=status,
                              completed_on=TODAY if status == MilestoneStatus.COMPLETE else None,
                              due_kind=DueKind.DATE if due_on else DueKind.ONGOING, due_on=due_on, due_problem=problem,
                              rag_set=rag_set, rag_set_reason="set" if rag_set else None)
        db.session.add(milestone)
        if revision:
            db.session.add(DueDateRevision(milestone=milestone, new_kind=DueKind.DATE, reason=RevisionReason.OTHER,
                                           reason_text="x", proposed_at=NOW, decision=revision))
    db.session.commit()
    window = Window(TODAY)
    in_sql = dict(db.session.execute(_milestones().add_columns(Milestone.id, Facts(window).rating)).all())
    in_python = {row.id: row.rating for row in milestone_rows(window)}
    assert len(in_python) == 1 + len(DUE_DATES) * len(STATUSES) * len(PROBLEMS) * len(REVISIONS) * len(SET_RATINGS)
    assert {mid: Rating(rating) for mid, rating in in_sql.items()} == in_python
    assert set(in_python.values()) == set(Rating)
