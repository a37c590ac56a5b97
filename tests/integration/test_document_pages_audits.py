"""How many pages the audit documents take in LibreOffice, for the demo's data (as a board and a team manager get
them): the monthly audit report for June 2020 and a moderated single audit.

The ranges, from the demo as rendered (and looked at page by page) when they were set:
- monthly report: 6 pages (5 before issue 16). The nine sections, three charts each captioned and kept with the
  table it illustrates, small tables kept whole on their page, and the SMART recommendations by element and status
  (one row before). 5 is allowed (a chart and its table fitting a page end); 8 or more means something repeats or a
  table breaks badly.
- single audit: 8 pages (7 before). Page 1 now sums up the grades (a table of ten rows) and the moderation section
  is kept whole instead of leaving one row on a last page. 7 is allowed; 10 or more means the nine elements' tables
  no longer sit two or three to a page.
Without soffice the test is skipped (unless REQUIRE_LIBREOFFICE=1), as the other LibreOffice test."""

from datetime import date

import pytest
from sqlalchemy import select

from app.demo.audits import DEMO_DATE
from app.extensions import db as _db
from app.models import Audit, AuditState, Person
from app.services.reports import audit_record, snapshots
from tests.conftest import NOW
from tests.integration.test_reports_in_libreoffice import PAGE, convert, soffice

pytestmark = pytest.mark.libreoffice
__all__ = ["soffice"]  # the fixture, used by name

PAGES = {"monthly-audit-report": range(5, 8), "single-audit": range(7, 10)}


def demo_documents(app) -> dict[str, bytes]:
    app.config["AS_OF_DATE"] = DEMO_DATE
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    monthly = snapshots.generate_audit_report(date(2020, 6, 1), actor=None, now=NOW, today=DEMO_DATE)
    qa_lead = _db.session.scalar(select(Person).where(Person.email == "qa.lead@council.example"))
    audit = _db.session.scalars(select(Audit).where(Audit.state == AuditState.MODERATED).order_by(Audit.id)).first()
    return {"monthly-audit-report": snapshots.document_of(monthly),
            "single-audit": audit_record.export(audit, qa_lead, now=NOW, today=DEMO_DATE, include_identity=False)}


def test_the_audit_documents_take_the_pages_expected_for_the_demo(soffice, app, tmp_path):
    sources, out = tmp_path / "docx", tmp_path / "pdf"
    sources.mkdir()
    files = []
    for name, content in demo_documents(app).items():
        files.append(sources / f"{name}.docx")
        files[-1].write_bytes(content)
    returncode, stdout, stderr = convert(soffice, files, out, profile=tmp_path / "lo-profile", home=tmp_path)
    assert returncode == 0 and "Error" not in stderr, f"{stdout}\n{stderr}"
    pages = {path.stem: len(PAGE.findall((out / f"{path.stem}.pdf").read_bytes())) for path in files}
    for name, expected in PAGES.items():
        assert pages[name] in expected, f"{name}: {pages[name]} pages, expected {expected.start}–{expected.stop - 1}"
