"""A case-file audit through the real app in Chromium, from the case pool to the findings.

A QA lead adds a case to the pool, starts a round that draws it and allocates it to an auditor from another
team. The auditor fills in part of the form, saves a draft and signs out; signs in again, finds the answers
kept, completes every element and submits. The QA lead chooses the audit for moderation, changes one
element's grade with a reason, and sees the change in the audit findings.

The demo data may hold other audits (for the same month and team too), so the findings are read before and
after, and only the difference this audit makes is checked. Every reference and title is new on each run.
"""

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "demo-password"
QA_LEAD = ("qa.lead@council.example", "Demo QA Lead")
AUDITOR = ("auditor@council.example", "Demo Auditor")
AUDITOR_TEAM = "Practice Improvement"
CASE_TEAM = "Business Support"  # a demo team that is not the auditor's, so no override is needed
MONTH = "July 2020"  # the demo runs as at 31/07/2020
ELEMENTS = [f"5.{number}" for number in range(1, 10)]
GRADES = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
MODERATED_ELEMENT = "5.4"
COMMENT_51 = "Referral screened the same day; the strategy discussion was held within 24 hours."


# --- Helpers ---------------------------------------------------------------------------------------


def audit_to_write(page: Page, reference: str):
    """The audit of the case on My work's list (with the work collapsed under "Show N other open items" shown)."""
    rest = page.locator("#rest")
    if rest.count() and rest.get_attribute("open") is None:
        rest.locator("> summary").click()
    return page.locator("li[data-audit]").filter(
        has=page.get_by_role("link", name=f"Audit of case {reference}", exact=True))


def sign_in(page: Page, who: tuple[str, str]) -> None:
    email, name = who
    page.goto("/my-work")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.get_by_role("button", name=f"Sign out {name}")).to_be_visible()


def sign_out(page: Page, who: tuple[str, str]) -> None:
    page.get_by_role("button", name=f"Sign out {who[1]}").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()


def go_to(page: Page, link: str) -> None:
    """Follow a link in the service navigation at the top of every page."""
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=link, exact=True).click()


def expect_success(page: Page, message: str | re.Pattern) -> None:
    """A success banner with this message (a page may show more than one: a submission also saves a draft)."""
    banners = page.get_by_role("alert", name="Success").filter(has_text=message)
    expect(banners).to_have_count(1)


def fill_date(scope: Page | Locator, legend: str, day: int, month: int, year: int) -> None:
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def element_section(page: Page, number: str) -> Locator:
    """One practice element of the audit form: a region named by its heading, such as "5.1 There is…"."""
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(number)} "))


def answer_radios(page: Page, number: str, answer: str) -> Locator:
    """The element's radios for one answer, one per key standard, in the tool's order."""
    return element_section(page, number).get_by_role("radio", name=answer, exact=True)


def grade_radio(page: Page, number: str, grade: str) -> Locator:
    return element_section(page, number).get_by_role("group", name=f"Grade for {number}").get_by_label(grade, exact=True)


def share_in(cell: Locator) -> tuple[int, int]:
    """n and N from a findings cell such as "100% (1/1)"; a dash (nothing to count) is 0/0."""
    found = re.search(r"\((\d+)/(\d+)\)", cell.inner_text())
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def show_findings(page: Page, team: str) -> None:
    go_to(page, "Audits")
    page.get_by_role("link", name="Audit findings").click()
    expect(page.get_by_role("heading", name="Audit findings", level=1)).to_be_visible()
    page.get_by_label("From month").fill(MONTH)
    page.get_by_label("To month").fill(MONTH)
    page.get_by_label("Team", exact=True).select_option(label=team)
    page.get_by_role("button", name="Show findings").click()
    expect(page.get_by_text(f"{MONTH} to {MONTH}:")).to_be_visible()
    expect(page.get_by_label("Team", exact=True)).to_have_value(re.compile(r"^\d+$"))


def changed_in_moderation(page: Page, number: str) -> tuple[int, int]:
    """From "Grades changed in moderation, by element": how many of the element's moderated grades changed."""
    table = page.get_by_role("table", name="Grades changed in moderation, by element")
    expect(table).to_be_visible()
    row = table.get_by_role("row").filter(has=page.get_by_role("cell", name=number, exact=True))
    return share_in(row.get_by_role("cell").nth(1)) if row.count() else (0, 0)


def standing_grades(page: Page, number: str) -> dict[str, tuple[int, int]]:
    """From "Grades by practice element": the element's standing grades (the moderator's where moderated)."""
    row_header = page.get_by_role("rowheader", name=re.compile(rf"^{re.escape(number)} "))
    if not row_header.count():  # no completed audits in the period yet: no table at all
        return {grade: (0, 0) for grade in GRADES}
    row = page.get_by_role("row").filter(has=row_header)
    cells = row.get_by_role("cell")
    return {grade: share_in(cells.nth(index)) for index, grade in enumerate(GRADES)}


def findings_for(page: Page, team: str) -> dict:
    show_findings(page, team)
    return {"changed": {number: changed_in_moderation(page, number) for number in ("5.1", MODERATED_ELEMENT)},
            "standing": standing_grades(page, MODERATED_ELEMENT)}


# --- The journey -----------------------------------------------------------------------------------


def test_case_is_pooled_drawn_allocated_audited_over_two_sittings_moderated_and_reported(page: Page):
    suffix = uuid.uuid4().hex[:8].upper()
    reference = f"E2E-{suffix}"
    round_title = f"Browser test round {suffix}"

    # --- The QA lead: findings before, a case in the pool, a round that draws it, the allocation.
    sign_in(page, QA_LEAD)
    before = findings_for(page, CASE_TEAM)

    go_to(page, "Audits")
    page.get_by_role("link", name="Case pool").click()
    expect(page.get_by_role("heading", name="Case pool", level=1)).to_be_visible()
    page.get_by_role("link", name="Add a case").click()
    expect(page.get_by_role("heading", name="Add a case to the pool", level=1)).to_be_visible()
    page.get_by_label("Case ID number").fill(reference)
    page.get_by_label("Team", exact=True).select_option(label=CASE_TEAM)
    page.get_by_label("Allocated worker").fill("Synthetic Worker")
    page.get_by_label("Plan type").select_option(label="Child in Need")
    page.get_by_label("Neglect as a risk factor").check()
    page.get_by_role("button", name="Add case").click()
    expect_success(page, f"Case {reference} is in the pool")
    expect(page.get_by_role("row", name=re.compile(rf"^{reference} {CASE_TEAM}"))).to_be_visible()

    go_to(page, "Audits")
    page.get_by_role("link", name="Start an audit round").click()
    expect(page.get_by_role("heading", name="Start an audit round", level=1)).to_be_visible()
    page.get_by_role("group", name="Type of audit").get_by_label("Monthly routine audit").check()
    page.get_by_label("Month", exact=True).fill(MONTH)
    page.get_by_label("Title").fill(round_title)
    page.get_by_role("group", name="Teams").get_by_label(CASE_TEAM, exact=True).check()
    page.get_by_label("Number of cases").fill("500")
    page.get_by_role("button", name="Choose cases").click()
    expect_success(page, re.compile(r"\d+ (case was|cases were) chosen \(seed \d+\)"))
    expect(page.get_by_role("heading", name=round_title, level=1)).to_be_visible()
    round_url = page.url

    main = page.get_by_role("main")
    cases = main.get_by_role("table", name="Cases and auditors")
    case_row = cases.get_by_role("row").filter(has=page.get_by_role("cell", name=reference, exact=True))
    expect(case_row).to_contain_text("Not allocated")
    main.get_by_label("Case", exact=True).select_option(label=f"{reference} ({CASE_TEAM})")
    main.get_by_label("Auditor", exact=True).select_option(label=f"{AUDITOR[1]} ({AUDITOR_TEAM})")
    main.get_by_role("button", name="Allocate").click()
    expect_success(page, f"Case {reference} is allocated to {AUDITOR[1]}")
    expect(case_row).to_contain_text(AUDITOR[1])
    expect(case_row.get_by_role("link", name="Allocated")).to_be_visible()
    sign_out(page, QA_LEAD)

    # --- The auditor, first sitting: part of the form, then a draft.
    sign_in(page, AUDITOR)
    audit_to_write(page, reference).get_by_role("link", name=f"Audit of case {reference}", exact=True).click()
    expect(page.get_by_role("heading", name=f"Audit of case {reference}", level=1)).to_be_visible()
    audit_url = page.url
    assert re.search(r"/audits/\d+/edit$", audit_url), audit_url

    yes_51 = answer_radios(page, "5.1", "Yes")
    expect(yes_51).to_have_count(12)
    for index in range(12):
        yes_51.nth(index).check()
    grade_radio(page, "5.1", "Good").check()
    comment_51 = element_section(page, "5.1").get_by_label("Comment on 5.1")
    comment_51.fill(COMMENT_51)
    answer_radios(page, "5.2", "No").nth(0).check()
    answer_radios(page, "5.2", "Not applicable").nth(1).check()
    answer_radios(page, "5.2", "Yes").nth(2).check()
    element_section(page, "5.2").get_by_role("button", name="Save draft").click()
    expect_success(page, "Draft saved")
    expect(page.get_by_text("In progress", exact=True)).to_be_visible()
    sign_out(page, AUDITOR)

    # --- The auditor, second sitting: the draft is as it was left; complete it and submit.
    sign_in(page, AUDITOR)
    row = audit_to_write(page, reference)
    expect(row).to_contain_text("In progress")
    row.get_by_role("link", name=f"Audit of case {reference}", exact=True).click()
    expect(page.get_by_role("heading", name=f"Audit of case {reference}", level=1)).to_be_visible()
    for index in range(12):
        expect(yes_51.nth(index)).to_be_checked()
    expect(grade_radio(page, "5.1", "Good")).to_be_checked()
    expect(comment_51).to_have_value(COMMENT_51)
    expect(answer_radios(page, "5.2", "No").nth(0)).to_be_checked()
    expect(answer_radios(page, "5.2", "Not applicable").nth(1)).to_be_checked()
    expect(answer_radios(page, "5.2", "Yes").nth(2)).to_be_checked()
    for answer in ("Yes", "No", "Not applicable"):
        expect(answer_radios(page, "5.2", answer).nth(3)).not_to_be_checked()
    expect(grade_radio(page, "5.2", "Good")).not_to_be_checked()

    fill_date(page, "Date audit completed", 30, 7, 2020)
    for number in ELEMENTS[1:]:
        yes = answer_radios(page, number, "Yes")
        first = 3 if number == "5.2" else 0
        for index in range(first, yes.count()):
            yes.nth(index).check()
        grade_radio(page, number, "Good").check()
    page.get_by_role("group", name="Overall Grade").get_by_label("Good", exact=True).check()
    page.get_by_label("Summary", exact=True).fill("Synthetic test audit: good, timely work throughout.")
    page.get_by_role("group", name="Was the audit completed alongside the social worker?").get_by_label(
        "Yes", exact=True).check()
    page.get_by_role("button", name="Submit audit").click()

    expect_success(page, "Audit submitted")
    expect(page).to_have_url(re.compile(r"/audits/\d+$"))
    expect(page.get_by_role("heading", name=f"Audit of case {reference}", level=1)).to_be_visible()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Submit audit")).to_have_count(0)
    element_52 = page.get_by_role("table", name=re.compile(r"^5\.2 "))
    expect(element_52.get_by_role("cell", name="Not applicable", exact=True)).to_have_count(1)
    expect(element_52.get_by_role("cell", name="No", exact=True)).to_have_count(1)
    sign_out(page, AUDITOR)

    # --- The QA lead: choose the audit for moderation, change one element's grade, see the findings.
    sign_in(page, QA_LEAD)
    page.goto(round_url)
    expect(page.get_by_role("heading", name=round_title, level=1)).to_be_visible()
    # The form that holds the control labelled "Moderator". (The round page currently renders this form twice,
    # once above <main>, with the same ids, so each label names the first copy's control; this finds that copy,
    # and still works once there is only one.)
    moderator = page.get_by_label("Moderator", exact=True)
    choose = page.locator("form").filter(has=moderator)
    moderator.select_option(label=QA_LEAD[1])
    choose.get_by_label(f"{reference} ({AUDITOR[1]})", exact=True).check()
    choose.get_by_role("button", name="Choose for moderation").click()
    main = page.get_by_role("main")
    expect_success(page, f"to be moderated by {QA_LEAD[1]}")
    case_row = main.get_by_role("table", name="Cases and auditors").get_by_role("row").filter(
        has=page.get_by_role("cell", name=reference, exact=True))
    case_row.get_by_role("link", name=f"To moderate by {QA_LEAD[1]}").click()

    expect(page.get_by_role("heading", name=f"Moderate the audit of case {reference}", level=1)).to_be_visible()
    element = page.get_by_role("group", name=re.compile(rf"^{re.escape(MODERATED_ELEMENT)} "))
    expect(element.get_by_label("Good", exact=True)).to_be_checked()  # the auditor's grade, agreed unless changed
    element.get_by_label("Requires Improvement", exact=True).check()
    element_box = page.locator(".govuk-form-group").filter(has=element)
    element_box.get_by_label("Reason, if you change the grade").fill(
        "The child's views are recorded but not how they shaped the plan.")
    page.get_by_role("button", name="Record the moderation").click()
    expect_success(page, "The moderation is recorded")
    expect(page.get_by_text("Moderated", exact=True)).to_be_visible()

    after = findings_for(page, CASE_TEAM)
    changed_before, changed_after = before["changed"], after["changed"]
    n, total = changed_before[MODERATED_ELEMENT]
    assert changed_after[MODERATED_ELEMENT] == (n + 1, total + 1), (changed_before, changed_after)
    n, total = changed_before["5.1"]
    assert changed_after["5.1"] == (n, total + 1), (changed_before, changed_after)
    # The standing grade is the moderator's: one more Requires Improvement, no more Good.
    standing_before, standing_after = before["standing"], after["standing"]
    n, total = standing_before["Requires Improvement"]
    assert standing_after["Requires Improvement"] == (n + 1, total + 1), (standing_before, standing_after)
    n, total = standing_before["Good"]
    assert standing_after["Good"] == (n, total + 1), (standing_before, standing_after)
