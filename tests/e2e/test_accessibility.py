"""Every page each role can reach, checked in Chromium by axe-core (from npm) against the WCAG 2.2 A and AA rules.

For each role, the test signs in once and opens every GET page of the URL map, with ids taken from the demo data
(and a plan upload and a monthly audit report made first, so that their pages exist). A page the role is refused
(403) is left out for that role; every other page must answer 200 and have no violations. A new page is covered
without a change here: a page whose address needs an id this module cannot fill fails the test until it is given
a way to find one in IDS (or is listed in NOT_PAGES, with the reason it is not a page to check).

Each page's document width at a 320 px wide window is recorded in test-results/e2e/page-widths-*.md and shown
at the end of the run, and must be at most 320 px (WCAG 1.4.10 Reflow: no sideways scroll on a phone).
"""

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app import create_app
from app.models import (
    Action,
    Area,
    Audit,
    AuditRound,
    AuditState,
    DueDateRevision,
    ImprovementArea,
    LearningPoint,
    Meeting,
    Milestone,
    MilestoneStatus,
    Moderation,
    Person,
    PoolCase,
    Recommendation,
    RoundSelection,
    Team,
)
from app.models.plans import RevisionDecision
from app.services import help as help_guides
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, RESULTS_DIR, ROOT, LiveServer, csp_refusals

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The WCAG 2.0, 2.1 and 2.2 level A and AA rules, and axe-core's best practices (the issue counted two of them:
# content outside every landmark, and an empty table header): decision 0009.
AXE_OPTIONS = {"runOnly": {"type": "tag",
                           "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
               "resultTypes": ["violations"]}
# One exception, as GOV.UK Frontend makes it in its own tests: its radios with conditionally revealed questions
# say whether the question is shown with aria-expanded, which ARIA does not (yet) list for radios
# (alphagov/govuk-frontend#979, w3c/aria#1404). Every other attribute not allowed on a radio still fails.
AXE_RUN = """options => {
  axe.configure({checks: [{id: "aria-allowed-attr", options: {radio: ["aria-expanded"]}}]});
  return axe.run(document, options);
}"""
PASSWORD = "demo-password"
ROLES = {
    "administrator": "admin@council.example",
    "programme manager": "phil.hayden@council.example",
    "QA lead": "qa.lead@council.example",
    "auditor": "auditor@council.example",
    "viewer who owns milestones": "amandip.johal@council.example",
}
OWNER = ROLES["viewer who owns milestones"]
PLAN_FILE = ROOT / "tests" / "fixtures" / "improvement-plan-2020-07.docx"
NARROW, WIDE = {"width": 320, "height": 800}, {"width": 1280, "height": 800}

# Endpoints with a GET rule that are not pages to check, and why.
NOT_PAGES = {
    "assets.static": "files the pages use (styles, scripts, images)",
    "main.health": "a health check for monitoring, not a page",
    "main.ready": "a readiness check for load balancers and monitoring (JSON), not a page",
    "main.metrics_page": "metrics for Prometheus (text), not a page",
    "main.index": "sends people on to My work",
    "auth.login": "sends people who are signed in on; checked signed out by its own test",
    "auth.sso_start": "sends people to the identity provider (test_single_sign_on_journey.py)",
    "auth.sso_callback": "back from the identity provider: signs in and sends people on (test_single_sign_on_journey.py)",
    "notifications.open_notice": "marks a notice read and sends its reader on to what it is about",
    "notifications.calendar_feed": "a calendar feed for calendar programs",
    "plans.export_plan": "a download (spreadsheet)",
    "admin.security_events_download": "a download (CSV)",
    "plans.import_template": "a download (spreadsheet)",
    "plans.download_evidence": "a download (the evidence file)",
    "audits.export_audits": "a download (CSV)",
    "audits.download_audit": "a download (Word)",
    "audits.findings_chart": "an image on the findings page (checked there, with its text alternative)",
    "audits.findings_trend_chart": "an image on the findings page (checked there, with its text alternative)",
    "reports.document": "a download (Word)",
    "main.my_update_pack": "a download (Word): the person's own update pack",
    "help.picture": "an image in a guide (checked there, with its text alternative)",
    "auth.new_password": "opened only by an e-mailed link's secret (through HTTP in test_password_pages.py); its "
                         "new-password box is the one checked on /account/password in test_second_factor_journey.py",
    "auth.sign_in_code": "only between the password and the code; checked in test_second_factor_journey.py",
    "auth.sign_in_recovery_code": "only between the password and the code; checked in test_second_factor_journey.py",
}


def _first(query) -> Callable:
    return lambda session, person: [session.scalar(query)]


def _audits(session: Session, person: Person) -> list:
    """The auditor's own audit still in progress (its form); for everyone else, a submitted one to read."""
    if person.email == ROLES["auditor"]:
        return [session.scalar(select(func.min(Audit.id)).where(Audit.auditor_id == person.id,
                                                                Audit.state == AuditState.IN_PROGRESS))]
    return [session.scalar(select(func.min(Audit.id)).where(Audit.state.in_([AuditState.SUBMITTED,
                                                                             AuditState.MODERATED])))]


def _moderations(session: Session, person: Person) -> list:
    """One moderation still open (its form) and one done."""
    return [session.scalar(select(func.min(Moderation.id)).where(Moderation.completed_at.is_(None))),
            session.scalar(select(func.min(Moderation.id)).where(Moderation.completed_at.is_not(None)))]


def _cases(session: Session, person: Person) -> list:
    """A case with an audit (its removal refused) and one never chosen for a round (its removal asked)."""
    audited = select(Audit.case_id)
    chosen = select(RoundSelection.case_id)
    return [session.scalar(select(func.min(PoolCase.id)).where(PoolCase.id.in_(audited))),
            session.scalar(select(func.min(PoolCase.id)).where(PoolCase.id.not_in(audited), PoolCase.id.not_in(chosen)))]


# How to find the record for each id in a page's address: (session, the signed-in person) -> ids to open.
IDS: dict[str, Callable] = {
    "area_id": _first(select(func.min(Area.id))),
    "action_id": _first(select(func.min(Action.id))),
    # an open milestone of the owner's: every role may read it, and the owner may update it
    "milestone_id": _first(select(func.min(Milestone.id)).join(Milestone.responsible).where(
        Person.email == OWNER, Milestone.status != MilestoneStatus.COMPLETE)),
    "revision_id": _first(select(func.min(DueDateRevision.id)).where(
        DueDateRevision.decision == RevisionDecision.PROPOSED)),
    "recommendation_id": _first(select(func.min(Recommendation.id))),
    "afi_id": _first(select(func.min(ImprovementArea.id))),
    "meeting_id": _first(select(func.min(Meeting.id))),
    "person_id": _first(select(Person.id).where(Person.email == OWNER)),
    "team_id": _first(select(func.min(Team.id))),
    "round_id": _first(select(func.max(AuditRound.id))),
    "audit_id": _audits,
    "moderation_id": _moderations,
    "point_id": _first(select(func.min(LearningPoint.id))),
    "case_id": _cases,
    "slug": lambda session, person: list(help_guides.GUIDES),  # every user guide
}


# Ids that exist only once the `prepared` fixture has made their record.
PREPARED = ("sha256", "report_id")


def get_pages() -> dict[str, list[str]]:
    """Every GET rule of the URL map that is a page: endpoint -> rules."""
    pages: dict[str, list[str]] = {}
    for rule in create_app("testing").url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES and not rule.rule.startswith("/api/"):  # JSON
            pages.setdefault(rule.endpoint, []).append(rule.rule)
    return pages


def fill(rule: str, ids: dict[str, list]) -> list[str]:
    """The addresses to open for a rule: one for each id its argument has (every id must be found)."""
    arguments = re.findall(r"<(?:\w+:)?(\w+)>", rule)
    if not arguments:
        return [rule]
    assert len(arguments) == 1, f"{rule}: more than one id in an address; teach fill() to fill it"
    values = ids.get(arguments[0])
    assert values is not None, f"{rule}: no way to find a record for <{arguments[0]}>: add one to IDS, " \
                               "or list the endpoint in NOT_PAGES with the reason it is not a page"
    assert all(value is not None for value in values), f"{rule}: the data has no record for <{arguments[0]}>"
    return [re.sub(r"<[^>]+>", str(value), rule) for value in values]


def test_every_page_of_the_url_map_is_checked_or_listed_as_not_a_page():
    """Runs without a browser, so a new page whose ids cannot be found fails even where Chromium is missing."""
    endpoints = {rule.endpoint for rule in create_app("testing").url_map.iter_rules()}
    assert set(NOT_PAGES) <= endpoints, "an endpoint listed in NOT_PAGES no longer exists"
    ids = {name: [0] for name in [*IDS, *PREPARED]}
    assert all(fill(rule, ids) for rules in get_pages().values() for rule in rules)


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile(r"^Sign out "))).to_be_visible()


def new_page(browser: Browser, live_server: LiveServer) -> Page:
    """A page in a context of its own, with axe-core loaded into every page it opens (before the page's scripts),
    and what the Content-Security-Policy refuses on it kept in CSP_REFUSALS."""
    context = browser.new_context(base_url=live_server.url, viewport=WIDE, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    CSP_REFUSALS[page] = csp_refusals(context)
    return page


CSP_REFUSALS: dict[Page, list[str]] = {}


def check(page: Page) -> dict:
    """axe-core's violations on the page as it is (rule id -> the elements), with what the Content-Security-Policy
    refused since the last check, and the page's width at 320 px."""
    results = page.evaluate(AXE_RUN, AXE_OPTIONS)
    page.set_viewport_size(NARROW)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(WIDE)
    violations = {v["id"]: [" ".join(node["target"]) for node in v["nodes"]] for v in results["violations"]}
    refused = CSP_REFUSALS.get(page, [])
    if refused:
        violations["content-security-policy"] = refused[:]
        refused.clear()
    return {"violations": violations, "width": width}


def open_and_check(page: Page, url: str) -> dict | None:
    """None if the role is refused the page."""
    response = page.goto(url)
    if response.status == 403:
        return None
    assert response.status == 200, f"{url} answered {response.status}"
    return check(page)


@pytest.fixture(scope="module")
def prepared(browser: Browser, live_server: LiveServer) -> dict:
    """Pages that exist only once something is done: a plan upload waiting for its confirm (the demo plan's own
    Word file, never confirmed) and a monthly audit report (a draft)."""
    page = new_page(browser, live_server)
    sign_in(page, ROLES["programme manager"])
    page.goto("/plan/import")
    page.get_by_label("Upload the plan").set_input_files(str(PLAN_FILE))
    page.get_by_role("button", name="Upload and check").click()
    expect(page).to_have_url(re.compile(r"/plan/import/[0-9a-f]{64}$"))
    upload = page.url.rsplit("/", 1)[1]
    page.context.clear_cookies()
    sign_in(page, ROLES["QA lead"])
    page.goto("/reports/audits")
    page.get_by_role("button", name="Generate the report").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+$"))
    report = page.url.rsplit("/", 1)[1]
    page.context.close()
    return {"sha256": [upload], "report_id": [report]}


def record_widths(name: str, widths: dict[str, int]) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    rows = [f"| {url} | {width} |" for url, width in sorted(widths.items(), key=lambda item: -item[1])]
    table = "\n".join([f"Page widths at a 320 px window, as the {name}", "", "| Page | Width (px) |", "|---|---|",
                       *rows, ""])
    (RESULTS_DIR / f"page-widths-{name.replace(' ', '-')}.md").write_text(table)
    print(table)


def report(failures: dict[str, dict[str, list[str]]]) -> str:
    return "axe-core found violations:\n" + json.dumps(failures, indent=1)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_role_can_reach_has_no_accessibility_violations(browser, live_server, prepared, role):
    page = new_page(browser, live_server)
    engine = create_engine(live_server.database_url)
    try:
        sign_in(page, ROLES[role])
        with Session(engine) as session:
            person = session.scalar(select(Person).where(Person.email == ROLES[role]))
            ids = {name: find(session, person) for name, find in IDS.items()} | prepared
        endpoints = {url: endpoint for endpoint, rules in get_pages().items() for rule in rules
                     for url in fill(rule, ids)}
        checked = {url: open_and_check(page, url) for url in endpoints}
    finally:
        page.context.close()
        engine.dispose()
    reached = {url: result for url, result in checked.items() if result is not None}
    record_widths(role, {url: result["width"] for url, result in reached.items()})
    assert len(reached) >= 10, f"only {len(reached)} pages were reached as the {role}"
    failures = {url: result["violations"] for url, result in reached.items() if result["violations"]}
    assert failures == {}, report(failures)
    too_wide = {url: result["width"] for url, result in reached.items()
                if result["width"] > NARROW["width"]}
    assert too_wide == {}, f"pages wider than {NARROW['width']} px at a {NARROW['width']} px window: {too_wide}"


def test_a_page_showing_form_errors_has_no_accessibility_violations(browser, live_server):
    """The owner asks for a revised date without filling anything in: the error summary, and an error on each
    field, including the due date radios with their revealed details."""
    page = new_page(browser, live_server)
    engine = create_engine(live_server.database_url)
    try:
        with Session(engine) as session:
            milestone = IDS["milestone_id"](session, None)[0]
        page.goto("/login")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        signed_out = check(page)
        sign_in(page, OWNER)
        page.goto(f"/milestones/{milestone}/revise")
        page.locator("main form[method=post]").get_by_role("button").last.click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        revise = check(page)
    finally:
        page.context.close()
        engine.dispose()
    failures = {name: result["violations"] for name, result in {"sign in": signed_out, "revise": revise}.items()
                if result["violations"]}
    assert failures == {}, report(failures)
