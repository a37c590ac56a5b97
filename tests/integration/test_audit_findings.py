"""Findings against hand-counted fixtures: completion, grades as n/N and %, standards most often No,
the monthly trend, moderation changes, recommendations and learning points."""

from datetime import date, datetime

import pytest

from app.models import (
    Answer,
    Audit,
    AuditAnswer,
    AuditElementGrade,
    AuditRecord,
    AuditRound,
    AuditState,
    Grade,
    LearningPoint,
    Moderation,
    ModerationGrade,
    PoolCase,
    RecommendationStatus,
    Role,
    RoundKind,
    SmartRecommendation,
    Team,
)
from app.services.audits import tallies as audit_tallies
from app.services.audits.findings import FindingsFilter, Share, findings
from app.services.audits.tool import load_tool

NOW = datetime(2021, 3, 31, 9, 0)
TODAY = date(2021, 4, 15)
G, RI, INAD = Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE


@pytest.fixture
def audits_done(db, make_person):
    tool, _ = load_tool(now=NOW)
    team = Team(name="Safeguarding North")
    ari, bea = make_person("Ari Auditor", Role.AUDITOR), make_person("Bea Auditor", Role.AUDITOR)
    march = AuditRound(kind=RoundKind.ROUTINE, month=date(2021, 3, 1), title="March", sample_size=4, seed=1,
                       created_at=NOW)
    e51 = tool.elements[0]
    s1, s2 = e51.standards[0], e51.standards[1]

    def audit(number, auditor, state, overall, grade_51, answers):
        a = Audit(round=march, case=PoolCase(reference=f"C{number}", team=team, added_at=NOW), tool=tool,
                  auditor=auditor, allocated_at=NOW, state=state)
        if state != AuditState.ALLOCATED:
            a.record = AuditRecord(overall_grade=overall)
            a.element_grades = [AuditElementGrade(element_id=e.id, grade=grade_51 if e is e51 else G) for e in tool.elements]
            a.answers = [AuditAnswer(standard_id=s1.id, answer=answers[0]), AuditAnswer(standard_id=s2.id, answer=answers[1])]
        db.session.add(a)
        return a

    a1 = audit(1, ari, AuditState.SUBMITTED, G, G, (Answer.NO, Answer.NO))
    a2 = audit(2, bea, AuditState.MODERATED, RI, RI, (Answer.YES, Answer.NO))
    a3 = audit(3, ari, AuditState.SUBMITTED, INAD, INAD, (Answer.NOT_APPLICABLE, Answer.NO))
    audit(4, bea, AuditState.ALLOCATED, None, None, ())
    db.session.flush()
    db.session.add(Moderation(audit=a2, moderator=make_person("Mo Moderator", Role.QA_LEAD), selected_at=NOW,
                              completed_at=NOW, overall_grade=G, overall_reason="Impact was good",
                              grades=[ModerationGrade(element_id=e.id, original_grade=RI if e is e51 else G, grade=G,
                                                      reason="x" if e is e51 else "") for e in tool.elements]))
    a1.recommendations = [SmartRecommendation(position=0, what="Chronology", due_on=date(2021, 4, 1)),
                          SmartRecommendation(position=1, what="Plan review", due_on=date(2021, 5, 1))]
    a3.recommendations = [SmartRecommendation(position=0, what="Done one", status=RecommendationStatus.DONE,
                                              done_on=date(2021, 4, 2))]
    a1.learning_points = [LearningPoint(position=0, text="Chronologies are out of date"),
                          LearningPoint(position=1, text="Fathers are not included in plans")]
    a3.learning_points = [LearningPoint(position=0, text=" chronologies are out of date ")]  # the same theme
    audit_tallies.recount_all()  # the audits above were written directly, not moved through their states
    db.session.commit()
    return {"tool": tool, "a3_point": a3.learning_points[0].id}


def test_findings_against_hand_counts(audits_done):
    result = findings(FindingsFilter(date(2021, 3, 1), date(2021, 3, 1)), TODAY)
    assert str(result.completion) == "75% (3/4)"
    assert result.overall[G] == Share(2, 3) and result.overall[INAD] == Share(1, 3) and result.overall[RI] == Share(0, 3)
    number, _, grades_51 = result.by_element[0]
    assert number == "5.1" and grades_51[G] == Share(2, 3) and grades_51[INAD] == Share(1, 3)
    assert [(n, s) for n, _, s in result.most_often_no] == [("5.1", Share(3, 3)), ("5.1", Share(1, 2))]
    assert result.by_month == [(date(2021, 3, 1), Share(2, 3))]
    assert result.changed_by_element[0] == ("5.1", Share(1, 1)) and result.changed_by_element[1] == ("5.2", Share(0, 1))
    assert result.changed_by_auditor == [("Bea Auditor", Share(1, 9))]
    assert (result.recommendations_open, result.recommendations_overdue) == (2, 1)
    assert [(t.text, t.audits, t.latest_month, t.action_id) for t in result.learning_themes] == [
        ("Chronologies are out of date", 2, date(2021, 3, 1), None),
        ("Fathers are not included in plans", 1, date(2021, 3, 1), None)]
    assert result.learning_themes[0].point_id == audits_done["a3_point"]  # the newest of the theme's points


def test_filters_narrow_the_figures(audits_done):
    assert findings(FindingsFilter(date(2021, 4, 1), date(2021, 4, 1)), TODAY).allocated == 0
    assert findings(FindingsFilter(date(2021, 3, 1), date(2021, 3, 1), kind=RoundKind.THEMED), TODAY).allocated == 0
    assert str(Share(34, 77)) == "44% (34/77)"


def test_findings_page_shows_the_figures_and_a_chart(audits_done, client, login, make_person, app):
    app.config["AS_OF_DATE"] = TODAY
    login(make_person("Dee Director", Role.VIEWER))
    html = client.get("/audits/findings?from=March+2021&to=March+2021").get_data(as_text=True)
    assert "<strong>3 audits</strong> completed of <strong>4</strong> allocated (75%)." in html
    assert '67% <span class="govuk-body-s">(2/3)</span>' in html
    assert ('Chronologies are out of date</td><td class="govuk-table__cell govuk-table__cell--numeric" '
            'data-label="Audits">2</td>') in html
    for chart in ("elements", "trend"):
        png = client.get(f"/audits/findings/{chart}.png?from=March+2021&to=March+2021")
        assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    bad = client.get("/audits/findings?from=Smarch+2021").get_data(as_text=True)
    assert "is not a month such as" in bad


def test_a_month_without_audits_says_so_plainly(audits_done, client, login, make_person, app):
    app.config["AS_OF_DATE"] = TODAY
    login(make_person("Dee Director", Role.VIEWER))
    html = client.get("/audits/findings?from=April+2021&to=April+2021").get_data(as_text=True)
    assert "<strong>0 audits</strong> completed of <strong>0</strong> allocated." in html
    assert "(none (0/0))" not in html
