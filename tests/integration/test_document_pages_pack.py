"""The demo's update pack as a reader gets it: LibreOffice lays out Amandip Johal's pack (32 open milestones, as at
31 July 2020, for the Scrutiny Committee on 20 August 2020) in at most 8 pages, laid out as a clerk would send it.

Before issue 16 the same pack took 19 pages: the action's words on every row, a column of addresses, rows split.
Without soffice the test is skipped, unless REQUIRE_LIBREOFFICE=1 (as in CI), when it fails instead.
"""

from datetime import date

import pytest
from sqlalchemy import select

from app.demo import load_demo
from app.models import Meeting, Person
from app.services.plans.queries import Window
from app.services.reports import update_pack
from tests.conftest import NOW, TODAY
from tests.integration.report_reading import layout_problems, reopen
from tests.integration.test_reports_in_libreoffice import PAGE, convert, soffice  # noqa: F401 (the fixture)

pytestmark = pytest.mark.libreoffice

MOST_PAGES = 8
OWNER = "amandip.johal@council.example"


@pytest.fixture
def demo_pack(db) -> tuple[dict, bytes]:
    load_demo(NOW)
    owner = db.session.scalar(select(Person).where(Person.email == OWNER))
    meeting = db.session.scalar(select(Meeting).where(Meeting.held_on >= TODAY).order_by(Meeting.held_on))
    data = update_pack.gather(owner, meeting, Window(TODAY))
    return data, update_pack.write(data, generated_at=NOW)


def test_the_demo_owners_pack_of_32_milestones_is_at_most_8_pages(soffice, demo_pack, tmp_path):  # noqa: F811
    data, content = demo_pack
    assert data["counts"] == {"open": 32, "overdue": 9, "due_soon": 3}
    assert data["meeting"]["held_on"] == date(2020, 8, 20).isoformat()
    assert data["meeting"]["update_deadline_text"] == "Friday 31 July 2020 (moved from Sunday 2 August, a weekend)"
    assert layout_problems(reopen(content)) == []

    source = tmp_path / "update-pack.docx"
    source.write_bytes(content)
    returncode, stdout, stderr = convert(soffice, [source], tmp_path, profile=tmp_path / "lo-profile", home=tmp_path)
    assert returncode == 0 and "Error" not in stderr, f"{stdout}\n{stderr}"
    pages = len(PAGE.findall((tmp_path / "update-pack.pdf").read_bytes()))
    assert 2 <= pages <= MOST_PAGES, f"the demo's update pack is {pages} pages"
