"""The read API (/api/v1) as a BI tool uses it: bearer tokens, role limits, paging, updated_since, the OpenAPI
document, and every route of the API in its own matrix (tests/integration/test_permissions.py leaves /api/ here)."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from openapi_spec_validator import validate

from app.models import Meeting, MeetingKind, Milestone, ProgressUpdate, Report, ReportKind, ReportState, Role
from app.services import api_tokens, history
from tests.conftest import NOW

RESOURCES = ["plans", "areas", "actions", "milestones", "progress-updates", "meetings", "reports"]
ROLES = list(Role)
AGGREGATE_READERS = {Role.ADMIN, Role.QA_LEAD, Role.PROGRAMME_MANAGER, Role.VIEWER}

# endpoint: (url, status by token role); every token reads the plan, as every person signed in does
API_MATRIX = {
    **{f"api.{name.replace('-', '_')}": (f"/api/v1/{name}", dict.fromkeys(ROLES, 200)) for name in RESOURCES},
    "api.audit_findings": ("/api/v1/audit-findings", {role: 200 if role in AGGREGATE_READERS else 403
                                                      for role in ROLES}),
    "api.audits": ("/api/v1/audits", {role: 200 if role == Role.QA_LEAD else 403 for role in ROLES}),
    "api.audit": ("/api/v1/audits/1", {role: 404 if role == Role.QA_LEAD else 403 for role in ROLES}),  # none here
    "api-docs.openapi_json": ("/api/v1/openapi.json", dict.fromkeys(ROLES, 200)),  # the description: no data
}


def token_for(role: Role, name: str | None = None) -> str:
    return api_tokens.create(name or f"BI {role.value}", role, created_by=None, now=NOW).token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_every_api_route_is_in_the_api_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert endpoints == set(API_MATRIX)


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value)
def test_role_limits(client, db, plan_tree, role):
    headers = bearer(token_for(role))
    for endpoint, (url, expected) in API_MATRIX.items():
        response = client.get(url, headers=headers)
        assert response.status_code == expected[role], f"{endpoint} as {role}"
        assert response.is_json
        assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer itk_wrong"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}], ids=["missing", "empty", "wrong", "basic"])
def test_no_valid_token_is_401_with_a_bearer_challenge(client, db, headers):
    for name in [*RESOURCES, "audit-findings", "audits", "audits/1"]:
        response = client.get(f"/api/v1/{name}", headers=headers)
        assert response.status_code == 401, name
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["code"] == 401 and "Authorization" in response.json["message"]
        assert "/login" not in response.headers.get("Location", "")


@pytest.mark.parametrize("url", ["/api/v1/nothing", "/api/v1/plans/abc", "/api/v1/", "/api/v2/plans"])
@pytest.mark.parametrize("with_token", [True, False], ids=["token", "no token"])
def test_an_address_under_api_that_names_nothing_is_a_json_404_never_the_sign_in_page(client, db, url, with_token):
    response = client.get(url, headers=bearer(token_for(Role.VIEWER)) if with_token else {})
    assert response.status_code == 404 and response.is_json
    assert response.json["code"] == 404 and "/api/v1/openapi.json" in response.json["message"]
    assert "Location" not in response.headers and "Set-Cookie" not in response.headers


def test_a_revoked_token_is_401_at_once(client, db):
    token = token_for(Role.VIEWER, "Power BI")
    assert client.get("/api/v1/plans", headers=bearer(token)).status_code == 200
    api_tokens.revoke("Power BI", now=NOW)
    assert client.get("/api/v1/plans", headers=bearer(token)).status_code == 401


def test_only_the_hash_is_stored_and_the_last_use_is_noted_once_a_minute(app, db):
    made = api_tokens.create("Power BI", Role.VIEWER, created_by=None, now=NOW)
    assert made.token not in repr(vars(made.record)) and made.record.token_hash == api_tokens.token_hash(made.token)
    assert api_tokens.holder(made.token, now=NOW).last_used_at == NOW
    assert api_tokens.holder(made.token, now=NOW + timedelta(seconds=59)).last_used_at == NOW
    later = NOW + timedelta(minutes=1)
    assert api_tokens.holder(made.token, now=later).last_used_at == later


def test_the_commands_create_list_and_revoke(app, db):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["api-tokens", "create", "Power BI", "--role", "viewer"])
    token = created.output.strip().splitlines()[-1]
    assert created.exit_code == 0 and token.startswith("itk_")
    assert api_tokens.holder(token, now=NOW) is not None
    assert "Power BI\tviewer" in runner.invoke(args=["api-tokens", "list"]).output
    assert runner.invoke(args=["api-tokens", "create", "Power BI", "--role", "viewer"]).exit_code != 0
    assert runner.invoke(args=["api-tokens", "revoke", "Power BI"]).exit_code == 0
    assert api_tokens.holder(token, now=NOW) is None
    assert "revoked never" not in runner.invoke(args=["api-tokens", "list"]).output


def test_milestones_give_the_rating_with_its_reason_and_the_due_date_as_typed_and_read(client, db, plan_tree):
    item = client.get("/api/v1/milestones", headers=bearer(token_for(Role.VIEWER))).json["items"][0]
    assert item["due"] == {"kind": "date", "as_typed": "30/09/20", "date": "2020-09-30", "note": "",
                           "problem": None}
    assert item["rag"] == {"rating": "AMBER", "suggested": "AMBER", "set": None, "set_reason": None, "set_at": None,
                           "suggested_reason": "on track, due 30 September 2020 (in 61 days)"}
    assert item["responsible"] == "Olive Owner" and item["leads"] == ["Lee Lead"]
    assert item["revisions"] == [] and item["latest_update"] is None


def test_paging_walks_every_record_once_with_the_cursor(client, db, plan_tree):
    action = plan_tree["action"]
    db.session.add_all([Milestone(action=action, deliverable=f"Step {n}", position=n) for n in range(1, 7)])
    db.session.commit()
    headers, seen, url = bearer(token_for(Role.VIEWER)), [], "/api/v1/milestones?limit=3"
    while url:
        page = client.get(url, headers=headers).json
        assert len(page["items"]) <= 3
        seen += [item["id"] for item in page["items"]]
        url = page["next_cursor"] and f"/api/v1/milestones?limit=3&cursor={page['next_cursor']}"
    assert seen == sorted(db.session.scalars(db.select(Milestone.id)))


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=ten", "cursor=not-ours", "cursor=aWQ6LTE",
                                   "updated_since=yesterday"])
def test_bad_paging_parameters_are_422_with_a_message(client, db, query):
    response = client.get(f"/api/v1/milestones?{query}", headers=bearer(token_for(Role.VIEWER)))
    assert response.status_code == 422 and response.json["errors"]


def test_updated_since_gives_only_what_changed(client, db, plan_tree):
    milestone, headers = plan_tree["milestone"], bearer(token_for(Role.VIEWER))
    earlier = Milestone(action=plan_tree["action"], deliverable="Untouched", position=1)
    db.session.add_all([earlier, ProgressUpdate(milestone=milestone, written_on=NOW.date(), body="Done half",
                                                signed_as="Olive Owner", created_at=NOW)])
    history.record(milestone, "deliverable", "Old", "Supervision audit completed", actor=None, now=NOW,
                   action_id=milestone.action_id)
    db.session.commit()
    since = (NOW - timedelta(minutes=5)).isoformat()
    for name, expected in [("milestones", [milestone.id]), ("progress-updates", [1]), ("areas", [])]:
        items = client.get(f"/api/v1/{name}?updated_since={since}", headers=headers).json["items"]
        assert [item["id"] for item in items] == expected, name
    later = quote((NOW + timedelta(minutes=5)).astimezone().isoformat())  # with its offset
    assert client.get(f"/api/v1/milestones?updated_since={later}", headers=headers).json["items"] == []


def test_reports_are_metadata_only_and_drafts_only_for_who_manages_them(client, db, plan_tree):
    meeting = Meeting(kind=MeetingKind.BOARD, title="Board", held_on=NOW.date(), update_deadline=NOW.date(),
                      report_deadline=NOW.date())
    report = Report(kind=ReportKind.PLAN_PROGRESS, title="Draft", plan=plan_tree["plan"], meeting=meeting,
                    as_at=NOW.date(), data={}, document=b"secret", document_sha256="0" * 64, generated_at=NOW,
                    state=ReportState.DRAFT)
    db.session.add_all([meeting, report])
    db.session.commit()
    assert client.get("/api/v1/reports", headers=bearer(token_for(Role.VIEWER))).json["items"] == []
    items = client.get("/api/v1/reports", headers=bearer(token_for(Role.PROGRAMME_MANAGER))).json["items"]
    assert [item["title"] for item in items] == ["Draft"] and "document" not in items[0]


def test_rate_limit_per_token(app, client, db):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first, second = bearer(token_for(Role.VIEWER, "one")), bearer(token_for(Role.VIEWER, "two"))
    assert [client.get("/api/v1/plans", headers=first).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/api/v1/plans", headers=first).json["code"] == 429
    assert client.get("/api/v1/plans", headers=second).status_code == 200


def test_the_openapi_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert {f"/api/v1/{name}" for name in [*RESOURCES, "audit-findings"]} <= set(document["paths"])
