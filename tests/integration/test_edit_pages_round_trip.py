"""Every edit page, opened and saved as a browser would without changing anything, saves without an error and
changes nothing.

A form test that posts hand-made data proves nothing about the form people use: a milestone could not be edited
for weeks while its tests passed (the page filled "Who will lead this" with a Python list). Here each page's own
form is read from the HTML it serves and sent back exactly as a browser would send it. Every page of the URL map
that takes both GET and POST is listed below as an edit page or as another kind of page: a new one fails
`test_every_form_page_is_classified` until it is listed, so no edit page is missed.
"""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, load_demo
from app.models import (
    Action,
    Area,
    Audit,
    AuditState,
    ChangeRecord,
    ImprovementArea,
    Meeting,
    Person,
    Plan,
    PoolCase,
    Recommendation,
    Team,
)
from app.models.plans import milestone_leads
from tests.integration.served_form import page_form

ADMIN, AUDITOR, QA_LEAD = "admin@council.example", "auditor@council.example", "qa.lead@council.example"

# Pages that change a record already there: (rule, who opens it, how to find the record's id).
EDIT_PAGES = {
    "/plan/edit": (ADMIN, None),
    "/plan/rag-key": (ADMIN, None),
    "/areas/<int:area_id>/edit": (ADMIN, lambda: select(func.min(Area.id))),
    "/recommendations/<int:recommendation_id>/edit": (ADMIN, lambda: select(func.min(Recommendation.id))),
    "/improvement-areas/<int:afi_id>/edit": (ADMIN, lambda: select(func.min(ImprovementArea.id))),
    "/actions/<int:action_id>/edit": (ADMIN, lambda: select(func.min(Action.id))),
    "/actions/<int:action_id>/findings": (ADMIN, lambda: select(func.min(Action.id))),
    "/milestones/<int:milestone_id>/edit": (ADMIN, lambda: _milestone_with_leads()),
    "/milestones/<int:milestone_id>/rating": (ADMIN, lambda: _milestone_with_leads()),
    "/meetings/<int:meeting_id>/edit": (ADMIN, lambda: select(func.min(Meeting.id))),
    "/admin/people/<int:person_id>/edit": (ADMIN, lambda: select(Person.id).where(Person.name == "Phil Hayden")),
    "/admin/teams/<int:team_id>/edit": (ADMIN, lambda: select(func.min(Team.id))),
    "/admin/reminders": (ADMIN, None),
    "/account/notifications": (ADMIN, None),
    "/audits/pool/<int:case_id>": (QA_LEAD, lambda: select(func.min(PoolCase.id))),
    "/audits/<int:audit_id>/edit": (AUDITOR, lambda: select(func.min(Audit.id)).join(Audit.auditor).where(
        Person.email == AUDITOR, Audit.state == AuditState.IN_PROGRESS)),
}

# Pages with a form that is not an edit of a record already there, and why.
OTHER_FORM_PAGES = {
    "/login": "signs in",
    "/areas/new": "adds an area", "/areas/<int:area_id>/actions/new": "adds an action",
    "/areas/<int:area_id>/recommendations/new": "adds a recommendation",
    "/areas/<int:area_id>/improvement-areas/new": "adds an Area for Improvement",
    "/actions/<int:action_id>/milestones/new": "adds a milestone",
    "/milestones/<int:milestone_id>/updates/new": "adds a progress update",
    "/milestones/<int:milestone_id>/evidence/new": "uploads evidence",
    "/milestones/<int:milestone_id>/complete": "marks complete (a decision, not an edit)",
    "/milestones/<int:milestone_id>/revise": "proposes a revised date (a new revision)",
    "/revisions/<int:revision_id>/decide": "accepts or rejects a revised date",
    "/revisions": "accepts or rejects several revised dates at once (a decision, not an edit)",
    "/plan/milestones/change": "changes several milestones at once, after a check page (tested in "
                               "test_change_several_milestones)",
    "/plan/import": "uploads a plan to import",
    "/meetings/new": "adds a meeting", "/meetings/<int:meeting_id>/delete": "deletes a meeting",
    "/admin/people/new": "adds a person",
    "/admin/teams/new": "adds a team",
    "/admin/people/<int:person_id>/handover": "hands a person's open work to someone else (a decision, not an edit)",
    "/audits/rounds/new": "starts a round", "/audits/rounds/<int:round_id>": "allocates a case",
    "/audits/rounds/<int:round_id>/allocate": "allocates a round's cases as proposed (a confirmation, not an edit)",
    "/audits/pool/new": "adds a case", "/audits/pool/import": "imports cases",
    "/audits/pool/<int:case_id>/remove": "removes a case from the pool (a confirmation)",
    "/audits/moderations/<int:moderation_id>": "records a moderation, once",
    "/audits/learning-points/<int:point_id>/promote": "makes a learning point a plan action",
    "/reports/meetings/<int:meeting_id>": "generates a meeting's report",
    "/reports/audits": "generates a monthly audit report", "/reports/<int:report_id>": "releases a report",
    "/login/code": "the second step of signing in", "/login/recovery-code": "signs in with a recovery code",
    "/account/password": "changes your own password (tested in test_password_pages)",
    "/password/forgotten": "asks for a reset link", "/password/new/<token>": "chooses a password with a link",
    "/account/second-factor/set-up": "sets up a second factor (tested in test_second_factor)",
}


def _milestone_with_leads():
    """A milestone someone leads: its edit page must show the leads as names, one a line."""
    return select(func.min(milestone_leads.c.milestone_id))


def form_pages(app) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules() if {"GET", "POST"} <= rule.methods}


def test_every_form_page_is_classified(app):
    unlisted = form_pages(app) - set(EDIT_PAGES) - set(OTHER_FORM_PAGES)
    assert unlisted == set(), "list each new form page as an edit page or another kind of page"
    assert set(EDIT_PAGES) | set(OTHER_FORM_PAGES) <= form_pages(app), "a listed page no longer exists"


@pytest.fixture
def demo(app, db):
    load_demo(datetime(2020, 7, 31, 9, 0))
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 1


def sign_in(client, email: str) -> None:
    client.post("/logout")
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302


def address(rule: str, find_id, db) -> str:
    if find_id is None:
        return rule
    record_id = db.session.scalar(find_id())
    assert record_id is not None, f"the demo has no record for {rule}"
    return rule[:rule.index("<")] + str(record_id) + rule[rule.index(">") + 1:]


def shown(client, url: str) -> dict:
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    fields = page_form(page.get_data(as_text=True), url)
    return {name: fields.getlist(name) for name in fields if name not in ("csrf_token", "version", "submission_id")}, fields


def changes(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ChangeRecord))


def round_trip(client, db, url: str) -> str | None:
    """Open the page, save its form as served, open it again: what went wrong, if anything."""
    before, served = shown(client, url)
    recorded = changes(db)
    response = client.post(url, data=served)
    if response.status_code != 302:
        return f"not saved: answered {response.status_code}"
    if "There is a problem" in client.get(response.location).get_data(as_text=True):
        return "an error after saving"
    if changes(db) != recorded:
        return "changes were recorded"
    return "the page shows something else after saving" if shown(client, url)[0] != before else None


def test_each_edit_page_saved_as_served_saves_and_changes_nothing(app, client, db, demo):
    failures = {}
    for rule, (email, find_id) in EDIT_PAGES.items():
        sign_in(client, email)
        url = address(rule, find_id, db)
        failures[url] = round_trip(client, db, url)
    assert {url: problem for url, problem in failures.items() if problem} == {}
