"""The permission matrix: every route × every role (and anonymous) gets what it should."""

from datetime import date, datetime

import pytest

from app.auth.routes import PUBLIC_ENDPOINTS
from app.models import (
    DueDateRevision,
    DueKind,
    EmailState,
    Evidence,
    FileKind,
    ImprovementArea,
    LearningPoint,
    Meeting,
    MeetingKind,
    Moderation,
    NoticeKind,
    Notification,
    PoolCase,
    Recommendation,
    Report,
    ReportKind,
    ReportState,
    RevisionReason,
    Role,
    RoundKind,
    SafeguardingAlert,
    SmartRecommendation,
    SubjectType,
    Team,
)
from app.services import storage
from app.services.audits import rounds as audit_rounds
from app.services.audits.rounds import SelectionCriteria
from app.services.audits.tool import load_tool
from app.services.importers import pending
from app.services.importers.uploads import read_upload, upload_limit
from tests.conftest import NOW
from tests.integration.test_plan_import_preview import FIXTURE

ROLES = [None, *Role]  # None: signed out
OWNER, LEAD = "owner", "lead"  # the milestone's responsible person and lead, both with the viewer role
WHO = [*ROLES, OWNER, LEAD]

ANYONE_SIGNED_IN = {role: 200 for role in WHO if role is not None}
PUBLIC = dict.fromkeys(WHO, 200)
MANAGERS = {role: 200 if role in (Role.ADMIN, Role.PROGRAMME_MANAGER) else 403 for role in WHO if role}
OWNERS = {**MANAGERS, OWNER: 200, LEAD: 200}
ADMINS = {role: 200 if role == Role.ADMIN else 403 for role in WHO if role}
# least privilege: audit contents are for QA leads (and those involved in one audit), not administrators as such
QA_LEADS = {role: 200 if role == Role.QA_LEAD else 403 for role in WHO if role}
AUDIT_REPORT_MANAGERS = {role: 200 if role in (Role.ADMIN, Role.QA_LEAD) else 403 for role in WHO if role}
AUDIT_READERS = {role: 200 if role in (Role.QA_LEAD, Role.AUDITOR, OWNER) else 403 for role in WHO if role}

# endpoint: (method, url template, expected status by who; signed-out visitors are sent to sign in)
MATRIX = {
    "auth.login": ("GET", "/login", PUBLIC),
    "main.health": ("GET", "/health", PUBLIC),
    # public, and showing no data: the test database is made without migrations (not ready), and no metrics token is set
    "main.ready": ("GET", "/health/ready", dict.fromkeys(WHO, 503)),
    "main.metrics_page": ("GET", "/metrics", dict.fromkeys(WHO, 404)),
    "assets.static": ("GET", "/assets/app.css", PUBLIC),
    "auth.logout": ("POST", "/logout", {role: 302 for role in WHO if role}),
    # single sign-on is off here (tests/integration/test_single_sign_on.py signs in with a real provider)
    "auth.sso_start": ("GET", "/sso/start", dict.fromkeys(WHO, 404)),
    "auth.sso_callback": ("GET", "/sso/callback", dict.fromkeys(WHO, 404)),
    "auth.your_sessions": ("GET", "/account/sessions", ANYONE_SIGNED_IN),
    "auth.stay_signed_in": ("POST", "/account/sessions/keep", ANYONE_SIGNED_IN),
    "auth.sign_out_everywhere": ("POST", "/account/sessions/end", {role: 302 for role in WHO if role}),
    "main.index": ("GET", "/", {role: 302 for role in WHO if role}),
    "main.my_work": ("GET", "/my-work", ANYONE_SIGNED_IN),
    "main.my_update_pack": ("GET", "/my-work/update-pack.docx", ANYONE_SIGNED_IN),  # their own milestones only
    "plans.overview": ("GET", "/plan", ANYONE_SIGNED_IN),
    "plans.milestones": ("GET", "/plan/milestones", ANYONE_SIGNED_IN),
    "plans.export_plan": ("GET", "/plan/export.xlsx", ANYONE_SIGNED_IN),
    "plans.import_template": ("GET", "/plan/import/template.xlsx", MANAGERS),
    "plans.area": ("GET", "/areas/{area}", ANYONE_SIGNED_IN),
    "plans.action": ("GET", "/actions/{action}", ANYONE_SIGNED_IN),
    "plans.milestone": ("GET", "/milestones/{milestone}", ANYONE_SIGNED_IN),
    "plans.download_evidence": ("GET", "/evidence/{evidence}", ANYONE_SIGNED_IN),
    "plans.add_update": ("GET", "/milestones/{milestone}/updates/new", OWNERS),
    "plans.complete": ("GET", "/milestones/{milestone}/complete", OWNERS),
    "plans.revise": ("GET", "/milestones/{milestone}/revise", OWNERS),
    "plans.rating": ("GET", "/milestones/{milestone}/rating", OWNERS),
    "plans.add_evidence": ("GET", "/milestones/{milestone}/evidence/new", OWNERS),
    "plans.reopen": ("POST", "/milestones/{milestone}/reopen", {**{k: 302 if v == 200 else v for k, v in OWNERS.items()}}),
    "plans.decide": ("GET", "/revisions/{revision}/decide", MANAGERS),
    "plans.change_milestones": ("GET", "/plan/milestones/change?milestone={milestone}", MANAGERS),
    "plans.decide_several": ("GET", "/revisions", MANAGERS),
    "plans.edit_area": ("GET", "/areas/{area}/edit", MANAGERS),
    "plans.edit_recommendation": ("GET", "/recommendations/{recommendation}/edit", MANAGERS),
    "plans.edit_action": ("GET", "/actions/{action}/edit", MANAGERS),
    "plans.link_findings": ("GET", "/actions/{action}/findings", MANAGERS),
    "plans.edit_milestone": ("GET", "/milestones/{milestone}/edit", MANAGERS),
    "plans.edit_rag_key": ("GET", "/plan/rag-key", MANAGERS),
    "plans.edit_plan": ("GET", "/plan/edit", MANAGERS),
    "plans.edit_improvement_area": ("GET", "/improvement-areas/{afi}/edit", MANAGERS),
    "plans.import_plan": ("GET", "/plan/import", MANAGERS),
    # a Word plan waiting for its confirm is placed in the import folder by the `world` fixture
    "plans.preview_import": ("GET", "/plan/import/{pending_import}", MANAGERS),
    # the role is checked before the file is looked for, so everyone else is refused; for a manager a key with
    # nothing waiting is "not found" (confirming the real one would import it, here and for every later request)
    "plans.confirm_import": ("POST", "/plan/import/" + "0" * 64, {role: 404 if code == 200 else code
                                                                  for role, code in MANAGERS.items()}),
    "audits.index": ("GET", "/audits/", ANYONE_SIGNED_IN),
    "audits.findings_page": ("GET", "/audits/findings", ANYONE_SIGNED_IN),
    "audits.export_audits": ("GET", "/audits/export.csv", QA_LEADS),
    "audits.findings_chart": ("GET", "/audits/findings/elements.png", ANYONE_SIGNED_IN),
    "audits.findings_trend_chart": ("GET", "/audits/findings/trend.png", ANYONE_SIGNED_IN),
    "audits.pool": ("GET", "/audits/pool", QA_LEADS),
    "audits.add_case": ("GET", "/audits/pool/new", QA_LEADS),
    "audits.import_cases": ("GET", "/audits/pool/import", QA_LEADS),
    "audits.case": ("GET", "/audits/pool/{case}", QA_LEADS),
    "audits.remove_case": ("GET", "/audits/pool/{case}/remove", QA_LEADS),
    "audits.new_round": ("GET", "/audits/rounds/new", QA_LEADS),
    "audits.round_page": ("GET", "/audits/rounds/{round}", QA_LEADS),
    "audits.allocate_round": ("GET", "/audits/rounds/{round}/allocate", QA_LEADS),
    "audits.choose_moderation": ("POST", "/audits/rounds/{round}/moderation", {k: 302 if v == 200 else v
                                                                               for k, v in QA_LEADS.items()}),
    # the allocated auditor is the person with the auditor role; the case's team manager is the owner
    "audits.audit": ("GET", "/audits/{audit}", {**AUDIT_READERS, Role.AUDITOR: 302}),
    # the audit is still allocated: those who may read it are sent back to it (no Word document before submission)
    "audits.download_audit": ("GET", "/audits/{audit}/audit.docx", {k: 302 if v == 200 else v
                                                                    for k, v in AUDIT_READERS.items()}),
    "audits.edit": ("GET", "/audits/{audit}/edit", {role: 200 if role == Role.AUDITOR else 403 for role in WHO if role}),
    "audits.moderate": ("GET", "/audits/moderations/{moderation}", AUDIT_READERS),
    "audits.acknowledge_alert": ("POST", "/audits/alerts/{alert}/acknowledge",
                                 {role: 302 if role == OWNER else 403 for role in WHO if role}),
    "audits.promote_learning_point": ("GET", "/audits/learning-points/{learning_point}/promote", MANAGERS),
    "audits.close_recommendation": ("POST", "/audits/recommendations/{recommendation_item}/close",
                                    {role: 302 if role in (Role.QA_LEAD, Role.AUDITOR, OWNER) else 403
                                     for role in WHO if role}),
    "admin.people": ("GET", "/admin/people", ADMINS),
    "admin.edit_person": ("GET", "/admin/people/{owner_id}/edit", ADMINS),
    "admin.send_set_up_link": ("POST", "/admin/people/{owner_id}/set-up-link",
                               {role: 302 if role == Role.ADMIN else 403 for role in WHO if role}),
    "admin.remove_second_factor": ("POST", "/admin/people/{owner_id}/second-factor/remove",
                                   {role: 302 if role == Role.ADMIN else 403 for role in WHO if role}),
    "admin.hand_over": ("GET", "/admin/people/{owner_id}/handover", ADMINS),
    "admin.person_sessions": ("GET", "/admin/people/{owner_id}/sessions", ADMINS),
    "admin.end_person_sessions": ("POST", "/admin/people/{owner_id}/sessions/end",
                                  {role: 302 if role == Role.ADMIN else 403 for role in WHO if role}),
    "admin.teams": ("GET", "/admin/teams", ADMINS),
    "admin.edit_team": ("GET", "/admin/teams/new", ADMINS),
    "admin.reminders": ("GET", "/admin/reminders", ADMINS),
    "admin.security_events": ("GET", "/admin/security-events", ADMINS),
    "admin.security_events_download": ("GET", "/admin/security-events.csv", ADMINS),
    "admin.lift_lock": ("POST", "/admin/people/{owner_id}/lift-lock", {k: 302 if v == 200 else v
                                                                       for k, v in ADMINS.items()}),
    "audits.access_log": ("GET", "/audits/access-log", QA_LEADS),
    "audits.audit_access": ("GET", "/audits/{audit}/access", QA_LEADS),
    "admin.retry_reminders": ("POST", "/admin/reminders/retry", {k: 302 if v == 200 else v for k, v in ADMINS.items()}),
    "meetings.index": ("GET", "/meetings", ANYONE_SIGNED_IN),
    "meetings.edit": ("GET", "/meetings/{meeting}/edit", MANAGERS),
    "meetings.delete": ("GET", "/meetings/{meeting}/delete", MANAGERS),  # asks first; the POST deletes
    "reports.index": ("GET", "/reports", ANYONE_SIGNED_IN),
    "reports.meeting": ("GET", "/reports/meetings/{meeting}", MANAGERS),
    "reports.audits": ("GET", "/reports/audits", AUDIT_REPORT_MANAGERS),  # aggregated figures: as before
    # a draft is shown only to those who manage plan reports; a released one to everyone signed in
    "reports.show": ("GET", "/reports/{draft_report}", MANAGERS),
    "reports.document": ("GET", "/reports/{released_report}/document.docx", ANYONE_SIGNED_IN),
    "notifications.index": ("GET", "/notifications", ANYONE_SIGNED_IN),
    "notifications.mark_all_read": ("POST", "/notifications/read", {role: 302 for role in WHO if role}),
    # the notice is the owner's: anyone else is told it is not found
    "notifications.open_notice": ("GET", "/notifications/{notice}/open",
                                  {role: 302 if role == OWNER else 404 for role in WHO if role}),
    "notifications.account": ("GET", "/account/notifications", ANYONE_SIGNED_IN),
    "notifications.create_calendar_link": ("POST", "/account/calendar", ANYONE_SIGNED_IN),
    "notifications.revoke_calendar_link": ("POST", "/account/calendar/revoke", {role: 302 for role in WHO if role}),
    # public (no sign-in, for calendar programs), but only a real token opens it: a wrong one is 404 for everyone
    "notifications.calendar_feed": ("GET", "/calendar/not-a-real-token.ics", dict.fromkeys(WHO, 404)),
    "help.index": ("GET", "/help/", ANYONE_SIGNED_IN),
    "help.guide": ("GET", "/help/owners", ANYONE_SIGNED_IN),
    "help.picture": ("GET", "/help/pictures/update-pack-page-1.png", ANYONE_SIGNED_IN),
    # readable before signing in: how accessible the service is, how it uses personal data, who to ask
    "help.accessibility": ("GET", "/help/accessibility", PUBLIC),
    "help.privacy": ("GET", "/help/privacy", PUBLIC),
    "help.contact": ("GET", "/help/contact", PUBLIC),
    # before signing in: asking for a reset link; a link's page (only a real, unused, unexpired link opens it); the
    # second step, which sends anyone back to sign in unless they have just given the right password
    "auth.forgotten_password": ("GET", "/password/forgotten", PUBLIC),
    "auth.new_password": ("GET", "/password/new/not-a-real-token", dict.fromkeys(WHO, 404)),
    "auth.sign_in_code": ("GET", "/login/code", dict.fromkeys(WHO, 302)),
    "auth.sign_in_recovery_code": ("GET", "/login/recovery-code", dict.fromkeys(WHO, 302)),
    # a person's own password and second factor (no one here has one yet: the page sends them to set it up)
    "auth.change_password": ("GET", "/account/password", ANYONE_SIGNED_IN),
    "auth.second_factor_page": ("GET", "/account/second-factor", {role: 302 for role in WHO if role}),
    "auth.set_up_second_factor": ("GET", "/account/second-factor/set-up", ANYONE_SIGNED_IN),
    "auth.remove_second_factor": ("POST", "/account/second-factor/remove", ANYONE_SIGNED_IN),
}
SIGNING_OUT = {"auth.logout", "auth.sign_out_everywhere"}  # sign in again after these
EXTRA_URLS = {  # second URL rules of the same endpoints (the "new" forms)
    "plans.edit_area": ("GET", "/areas/new", MANAGERS),
    "plans.edit_recommendation": ("GET", "/areas/{area}/recommendations/new", MANAGERS),
    "plans.edit_action": ("GET", "/areas/{area}/actions/new", MANAGERS),
    "plans.edit_milestone": ("GET", "/actions/{action}/milestones/new", MANAGERS),
    "plans.edit_improvement_area": ("GET", "/areas/{area}/improvement-areas/new", MANAGERS),
    "admin.edit_person": ("GET", "/admin/people/new", ADMINS),
    "meetings.edit": ("GET", "/meetings/new", MANAGERS),
}


@pytest.fixture
def world(app, db, plan_tree, make_person, tmp_path):
    pending_import = pending.keep(read_upload(FIXTURE.read_bytes(), filename=FIXTURE.name, allowed={"docx"},
                                              max_bytes=upload_limit(app.config)),
                                  now=datetime.now())  # the pages read the real time
    milestone = plan_tree["milestone"]
    storage.put(b"%PDF-1.4 test", kind=FileKind.EVIDENCE, key="stored-evidence", filename="minutes.pdf",
                content_type="application/pdf", now=NOW)
    evidence = Evidence(milestone=milestone, filename="minutes.pdf", stored_name="stored-evidence",
                        content_type="application/pdf", size_bytes=13, uploaded_at=NOW)
    revision = DueDateRevision(milestone=milestone, old_kind=DueKind.DATE, new_kind=DueKind.DATE, new_raw="31/12/2020",
                               reason=RevisionReason.CAPACITY, reason_text="Staff shortage", proposed_at=NOW)
    recommendation = Recommendation(plan=plan_tree["plan"], area=plan_tree["area"], code="R1", text="Improve")
    afi = ImprovementArea(area=plan_tree["area"], text="Supervision must be regular")
    db.session.add_all([evidence, revision, recommendation, afi])
    db.session.commit()
    people = {role: make_person(f"{role.value} person", role) for role in Role}
    people[OWNER], people[LEAD] = plan_tree["owner"], plan_tree["lead"]
    ids = {"area": plan_tree["area"].id, "action": plan_tree["action"].id, "milestone": milestone.id,
           "evidence": evidence.id, "revision": revision.id, "recommendation": recommendation.id,
           "owner_id": plan_tree["owner"].id, "afi": afi.id, **audit_world(db, people),
           "notice": notice_for(db, people[OWNER], milestone).id, "pending_import": pending_import}
    ids["meeting"] = a_meeting(db).id
    ids.update(report_world(db, plan_tree["plan"], ids["meeting"], people[Role.PROGRAMME_MANAGER]))
    return people, ids


def report_world(db, plan, meeting_id: int, manager) -> dict:
    """A draft and a released plan report for the meeting (their contents do not matter here)."""
    def report(state: ReportState) -> Report:
        return Report(kind=ReportKind.PLAN_PROGRESS, title="Plan report", plan_id=plan.id, meeting_id=meeting_id,
                      as_at=NOW.date(), details={}, data={}, document=b"docx", document_sha256="0" * 64, problems=[],
                      generated_at=NOW, state=state, released_at=NOW if state == ReportState.RELEASED else None,
                      released_by_id=manager.id if state == ReportState.RELEASED else None)

    draft, released = report(ReportState.DRAFT), report(ReportState.RELEASED)
    db.session.add_all([draft, released])
    db.session.commit()
    return {"draft_report": draft.id, "released_report": released.id}


def a_meeting(db) -> Meeting:
    meeting = Meeting(kind=MeetingKind.BOARD, title="Improvement Board", held_on=date(2020, 9, 15),
                      update_deadline=date(2020, 9, 2), report_deadline=date(2020, 9, 2))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def audit_world(db, people) -> dict:
    """An audit allocated to the auditor-role person, of a case whose team manager is the owner; a moderation
    by the QA lead and a safeguarding alert for the owner."""
    load_tool(now=NOW)
    case = PoolCase(reference="C0001", team=Team(name="Safeguarding North"), team_manager=people[OWNER], added_at=NOW)
    db.session.add(case)
    db.session.commit()
    audit_round = audit_rounds.create_round(kind=RoundKind.ROUTINE, month=date(2021, 3, 1), title="March", theme=None,
                                      criteria=SelectionCriteria(), criteria_text="", sample_size=1, seed=1,
                                      actor=people[Role.QA_LEAD], now=NOW)
    audit = audit_rounds.allocate(audit_round, case, people[Role.AUDITOR], override_reason=None, actor=people[Role.QA_LEAD],
                            now=NOW)
    check = Moderation(audit=audit, moderator=people[Role.QA_LEAD], selected_at=NOW)
    point = LearningPoint(audit_id=audit.id, position=0, text="Chronologies out of date")
    item = SmartRecommendation(audit_id=audit.id, position=0, what="Update the plan", owner=people[OWNER])
    alert = SafeguardingAlert(audit=audit, recipient=people[OWNER], actions="Visit today", raised_at=NOW)
    db.session.add_all([check, alert, point, item])
    db.session.commit()
    return {"case": case.id, "round": audit_round.id, "audit": audit.id, "moderation": check.id, "alert": alert.id,
            "learning_point": point.id, "recommendation_item": item.id}


def notice_for(db, person, milestone) -> Notification:
    notice = Notification(recipient=person, kind=NoticeKind.DUE_SOON, subject_type=SubjectType.MILESTONE,
                          subject_id=milestone.id, due_on=milestone.due_on, occurrence=3, title="Due soon",
                          link=f"/milestones/{milestone.id}", created_at=NOW, email_state=EmailState.SENT)
    db.session.add(notice)
    db.session.commit()
    return notice


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")}
    assert endpoints == set(MATRIX), "add new routes to the permission matrix (the read API's: tests/integration/test_api.py)"


@pytest.mark.parametrize("who", WHO, ids=lambda who: getattr(who, "value", who) or "signed-out")
def test_permission_matrix(client, login, world, who):
    people, ids = world
    if who is not None:
        login(people[who])
    for endpoint, (method, template, expected) in [*MATRIX.items(), *EXTRA_URLS.items()]:
        url = template.format(**ids)
        response = client.open(url, method=method)
        if who is None and None not in expected:  # only the endpoints that list signed-out visitors are public
            assert response.status_code == 302 and "/login" in response.location, f"{endpoint} {url} open to visitors"
        else:
            assert response.status_code == expected[who], f"{endpoint} {method} {url} as {who}"
        if endpoint in SIGNING_OUT and who is not None:
            login(people[who])


def test_public_endpoints_are_the_ones_the_matrix_opens_to_visitors():
    assert {endpoint for endpoint, (_, _, expected) in MATRIX.items() if None in expected} == PUBLIC_ENDPOINTS


def test_owner_cannot_update_someone_elses_milestone(client, login, world, db, plan_tree, make_person):
    people, ids = world
    stranger = make_person("Sam Stranger")
    login(stranger)
    response = client.post(f"/milestones/{ids['milestone']}/updates/new",
                           data={"written_on": ["1", "7", "2020"], "body": "Not mine"})
    assert response.status_code == 403
    assert plan_tree["milestone"].updates == []


def test_signed_out_post_is_refused(client, world):
    people, ids = world
    response = client.post(f"/milestones/{ids['milestone']}/updates/new", data={"body": "x"})
    assert response.status_code == 302 and "/login" in response.location


def test_csrf_token_required_when_enabled(app, client, world):
    people, ids = world
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": people[Role.ADMIN].email, "password": "whatever"})
    assert response.status_code == 400


def test_last_login_recorded(world, login):
    people, ids = world
    login(people[Role.VIEWER])
    assert isinstance(people[Role.VIEWER].last_login_at, datetime)
