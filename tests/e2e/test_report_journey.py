"""A programme manager prepares the plan progress report for a meeting in Chromium: fills in the committee
template's front block and sections, generates the report, reads what the checks found, releases it and downloads
the Word document, which opens with the template's numbered sections."""

import io

import docx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_plan_import_journey import sign_in

pytestmark = pytest.mark.browser

FILLED = {
    "Report of the": "Strategic Director, Children's Services",
    "To the meeting of": "Children's Services Scrutiny Committee",
    "Subject": "Children's Services Improvement Plan: progress in August 2020",
    "Summary statement": "The committee is asked to note progress on the improvement plan.",
    "Signatory": "Phil Hayden",
    "Portfolio": "Children and Families",
    "Report contact: name": "Phil Hayden",
    "Report contact: role": "Programme Manager",
    "Report contact: phone": "01234 567890",
    "Report contact: e-mail": "phil.hayden@council.example",
    "Overview and Scrutiny Area": "Children's Services",
    "2. Background": "Ofsted judged the service inadequate; this plan answers its recommendations.",
    "10. Recommendations": "That the committee notes the progress and the revised dates.",
}


def test_a_programme_manager_prepares_releases_and_downloads_the_report_for_a_meeting(page: Page):
    sign_in(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    page.get_by_role("link", name="Children's Services Scrutiny Committee, 20/08/2020 (prepare its report)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children's Services Scrutiny Committee, 20/08/2020")

    for label, value in FILLED.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Generate the report").click()

    expect(page.get_by_text("The report is generated.")).to_be_visible()
    expect(page.get_by_text("problems to put right before release")).to_have_count(0)
    warning_box = page.get_by_label("I have looked at each warning and the report can be released as it is")
    if warning_box.count():  # a staff name that is also a synthetic child's first name: a warning to look at
        warning_box.check()
    page.get_by_role("button", name="Release this report").click()
    expect(page.get_by_text("is released")).to_be_visible()

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the report (Word)").click()
    download = waiting.value
    assert download.suggested_filename.endswith(".docx")
    report = docx.Document(io.BytesIO(download.path().read_bytes()))
    headings = [p.text for p in report.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["1. Summary", "2. Background", "3. Other considerations"]
    assert report.paragraphs[0].text == FILLED["Subject"]
