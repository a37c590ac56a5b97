"""Single audits through the read API as a BI tool and an attacker would ask for them: QA-lead tokens only, never the
child's identity, each audit given recorded in the audit access log as read by the token and shown to QA leads."""

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import (
    Answer,
    AuditAccess,
    AuditAnswer,
    AuditElementGrade,
    AuditParty,
    AuditRecord,
    AuditState,
    Grade,
    LearningPoint,
    Moderation,
    ModerationGrade,
    PartyKind,
    PoolCase,
    Role,
    RoundSelection,
    SmartRecommendation,
)
from app.services import history
from app.services.audits import rounds as audit_rounds
from tests.integration.audit_setting import NOW, allocated_audit
from tests.integration.test_api import bearer, token_for

CHILD_NAME, CHILD_BORN = "Synthetic Childname", date(2015, 1, 2)
AUDIT_KEYS = {"id", "round", "team", "state", "tool_version", "auditor", "allocated_at", "completed_on", "submitted_at",
              "overall", "elements", "moderation", "recommendations", "standards", "learning_points"}


@pytest.fixture
def setting(db, make_person):
    """A moderated audit of case C0001 holding the child's name and date of birth, a household member and text."""
    setting = allocated_audit(db, make_person)
    audit, element = setting["audit"], setting["audit"].tool.elements[0]
    standard = element.standards[0]
    audit.record = AuditRecord(child_name=CHILD_NAME, child_date_of_birth=CHILD_BORN, gender="Girl", age=6,
                               ethnicity="Written ethnicity", case_overview=f"{CHILD_NAME} lives with mum",
                               overall_grade=Grade.REQUIRES_IMPROVEMENT, summary=f"Summary about {CHILD_NAME}")
    audit.parties = [AuditParty(kind=PartyKind.HOUSEHOLD, position=0, name="Household Member", relationship_to_child="Mum")]
    audit.element_grades = [AuditElementGrade(element_id=element.id, grade=Grade.GOOD, comment=f"About {CHILD_NAME}")]
    audit.answers = [AuditAnswer(standard_id=standard.id, answer=Answer.YES)]
    audit.recommendations = [SmartRecommendation(position=0, what="Visit weekly"),
                             SmartRecommendation(position=1, what="Review plan", status="done", done_on=NOW.date())]
    audit.learning_points = [LearningPoint(position=0, text="Supervision notes")]
    audit.state, audit.completed_on, audit.submitted_at = AuditState.MODERATED, NOW.date(), NOW
    moderator = make_person("Mo Moderator", Role.AUDITOR)
    db.session.add(Moderation(audit=audit, moderator=moderator, selected_at=NOW, completed_at=NOW,
                              overall_grade=Grade.GOOD, overall_reason=f"{CHILD_NAME} is safer",
                              grades=[ModerationGrade(element_id=element.id, original_grade=Grade.GOOD,
                                                      grade=Grade.OUTSTANDING, reason="Better")]))
    db.session.commit()
    return setting


def api_reads(db) -> list[AuditAccess]:
    return list(db.session.scalars(select(AuditAccess).where(AuditAccess.kind == "api").order_by(AuditAccess.id)))


def test_a_qa_lead_token_reads_an_audit_with_its_grades_and_moderation(client, db, setting):
    audit = setting["audit"]
    item = client.get(f"/api/v1/audits/{audit.id}", headers=bearer(token_for(Role.QA_LEAD))).json
    assert set(item) == AUDIT_KEYS
    assert item["round"] == {"id": audit.round_id, "kind": "routine", "month": "2021-03-01", "title": "March",
                             "theme": None}
    assert (item["team"], item["auditor"], item["state"]) == ("Safeguarding North", "Ari Auditor", "moderated")
    assert item["overall"] == {"auditor_grade": "requires_improvement", "moderated_grade": "good", "grade": "good"}
    first = item["elements"][0]
    assert (first["number"], first["auditor_grade"], first["moderated_grade"], first["grade"]) == (
        "5.1", "good", "outstanding", "outstanding")
    assert item["elements"][1]["grade"] is None and len(item["elements"]) == len(audit.tool.elements)
    at = NOW.astimezone().isoformat()  # the service's local time, with its offset
    assert item["moderation"] == {"moderator": "Mo Moderator", "selected_at": at, "completed_at": at,
                                  "grades_changed": 1, "grades_moderated": 1}
    assert item["recommendations"] == {"total": 2, "open": 1, "done": 1, "cancelled": 0}
    assert item["standards"] == {"yes": 1, "no": 0, "not_applicable": 0}
    assert item["learning_points"] == {"total": 1, "made_plan_actions": 0}


def test_nothing_identifies_the_child_or_repeats_what_was_written(client, db, setting):
    headers = bearer(token_for(Role.QA_LEAD))
    for url in ["/api/v1/audits", f"/api/v1/audits/{setting['audit'].id}"]:
        body = client.get(url, headers=headers).get_data(as_text=True)
        for value in [CHILD_NAME, "Synthetic", CHILD_BORN.isoformat(), "2015", "C0001", "Household Member",
                      "Written ethnicity", "lives with mum", "is safer", "Visit weekly", "Supervision notes"]:
            assert value not in body, f"{value} in {url}"
        keys = _keys(json.loads(body))
        assert not keys & {"child_name", "child_date_of_birth", "reference", "case", "case_id", "parties", "name",
                           "comment", "summary", "reason", "overall_reason", "age", "gender", "ethnicity"}, url


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(_keys(inner) for inner in value.values()))
    if isinstance(value, list):
        return set().union(*(_keys(inner) for inner in value))
    return set()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROGRAMME_MANAGER, Role.AUDITOR, Role.VIEWER],
                         ids=lambda role: role.value)
def test_other_roles_are_refused_and_nothing_is_logged(client, db, setting, role):
    headers = bearer(token_for(role))
    for url in ["/api/v1/audits", f"/api/v1/audits/{setting['audit'].id}", "/api/v1/audits/999"]:
        response = client.get(url, headers=headers)
        assert response.status_code == 403 and response.json["code"] == 403 and "QA lead" in response.json["message"]
    assert api_reads(db) == []


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer itk_wrong"}], ids=["missing", "wrong"])
def test_no_valid_token_is_401(client, db, setting, headers):
    for url in ["/api/v1/audits", f"/api/v1/audits/{setting['audit'].id}"]:
        assert client.get(url, headers=headers).status_code == 401
    assert api_reads(db) == []


def test_an_unknown_audit_is_a_json_404_and_not_logged(client, db, setting):
    headers = bearer(token_for(Role.QA_LEAD))
    for url in ["/api/v1/audits/999", "/api/v1/audits/2147483647"]:  # the largest id the path takes
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.is_json, url
    assert api_reads(db) == []


def test_each_read_is_logged_as_the_tokens_and_shown_on_who_has_opened_this_audit(client, db, setting, login):
    audit, headers = setting["audit"], bearer(token_for(Role.QA_LEAD, "Power BI quality"))
    client.get(f"/api/v1/audits/{audit.id}", headers=headers)
    client.get("/api/v1/audits", headers=headers)
    reads = api_reads(db)
    assert [(read.audit_id, read.person_id, read.api_token.name) for read in reads] == [
        (audit.id, None, "Power BI quality")] * 2
    login(setting["qa_lead"])
    page = client.get(f"/audits/{audit.id}/access").get_data(as_text=True).split("<table")[-1]
    assert page.count("API token ‘Power BI quality’") == 2 and page.count("Read through the API") == 2
    assert "Power BI quality" in client.get("/audits/access-log?person=power+bi").get_data(as_text=True).split(
        "<table")[-1]
    assert "Read through the API" in client.get("/audits/access-log?kind=api").get_data(as_text=True).split(
        "<table")[-1]


def allocated_audit_of(db, setting, number: int):
    """Another audit in the same round, of a new case of the same team chosen for it."""
    audit_round = setting["audit"].round
    case = PoolCase(reference=f"C000{number}", team=setting["north"], added_at=NOW)
    db.session.add(RoundSelection(round_id=audit_round.id, case=case, position=number))
    db.session.commit()
    return audit_rounds.allocate(audit_round, case, setting["auditor"], override_reason=None,
                                 actor=setting["qa_lead"], now=NOW)


def test_a_page_is_logged_in_one_insert_per_request(client, db, setting, make_person, count_queries):
    more = [allocated_audit_of(db, setting, n) for n in range(2, 6)]
    headers = bearer(token_for(Role.QA_LEAD))
    client.get("/api/v1/audits?limit=1", headers=headers)  # the token's first use is noted once a minute
    with count_queries() as one_page:
        assert len(client.get("/api/v1/audits?limit=2", headers=headers).json["items"]) == 2
    with count_queries() as bigger:
        assert len(client.get("/api/v1/audits?limit=5", headers=headers).json["items"]) == 5
    assert bigger.count == one_page.count  # none per audit: the log is one INSERT for the page
    assert len(api_reads(db)) == 1 + 2 + 5 and more


def test_paging_and_updated_since(client, db, setting):
    audits = [setting["audit"], *(allocated_audit_of(db, setting, n) for n in range(2, 5))]
    headers, seen, url = bearer(token_for(Role.QA_LEAD)), [], "/api/v1/audits?limit=3"
    while url:
        page = client.get(url, headers=headers).json
        assert len(page["items"]) <= 3
        seen += [item["id"] for item in page["items"]]
        url = page["next_cursor"] and f"/api/v1/audits?limit=3&cursor={page['next_cursor']}"
    assert seen == [audit.id for audit in audits]
    later = NOW + timedelta(days=30)
    history.record(audits[2], "state", "allocated", "in_progress", actor=None, now=later, action_id=None)
    db.session.commit()
    since = (later - timedelta(minutes=1)).isoformat()
    assert [item["id"] for item in client.get(f"/api/v1/audits?updated_since={since}", headers=headers).json[
        "items"]] == [audits[2].id]
    assert client.get(f"/api/v1/audits?updated_since={(later + timedelta(minutes=1)).isoformat()}",
                      headers=headers).json["items"] == []
    assert client.get("/api/v1/audits?cursor=not-ours", headers=headers).status_code == 422


def test_the_openapi_document_describes_audits(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/audits", "/api/v1/audits/{audit_id}"} <= set(paths)
    assert "404" in paths["/api/v1/audits/{audit_id}"]["get"]["responses"]


def test_the_access_log_keeps_a_person_or_a_token_for_every_row(db, setting):
    db.session.add(AuditAccess(audit_id=setting["audit"].id, kind="view", at=datetime(2021, 3, 10)))
    with pytest.raises(Exception, match="(?i)constraint|check"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditAccess.id))) == 0
