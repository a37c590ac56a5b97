"""A real word processor opens what we produce: each kind of Word document (the plan progress report, the monthly
audit report, a single audit, an update pack), made by the real services on small synthetic data, is converted to
PDF by LibreOffice (`soffice --headless`), all four in one run.

python-docx reading a file back only shows that it is well-formed XML; LibreOffice lays it out. Without soffice the
test is skipped, unless REQUIRE_LIBREOFFICE=1 (as in CI), when it fails instead.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest

from app.services.plans.queries import Window
from app.services.reports import audit_record, snapshots, update_pack
from tests.conftest import NOW, TODAY
from tests.integration.audit_setting import allocated_audit
from tests.integration.test_audit_record_docx import submit
from tests.integration.test_report_commands import COMPLETE, a_meeting

pytestmark = pytest.mark.libreoffice

SOFFICE = os.environ.get("SOFFICE_PATH") or shutil.which("soffice") or "/usr/bin/soffice"
TIMEOUT_SECONDS = 120
SMALLEST_PDF = 5_000  # bytes: a PDF with text and tables on a page or more, not an empty shell
WORD_FILTER = "MS Word 2007 XML"  # read as .docx only: no falling back to reading the bytes as plain text
PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _libreoffice_required() -> bool:
    return os.environ.get("REQUIRE_LIBREOFFICE", "") not in ("", "0", "false", "no")


@pytest.fixture
def soffice() -> str:
    if not (os.path.isfile(SOFFICE) and os.access(SOFFICE, os.X_OK)):
        reason = f"LibreOffice is not installed ({SOFFICE} is missing)"
        if _libreoffice_required():
            pytest.fail(f"{reason} (REQUIRE_LIBREOFFICE=1, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(f"{reason}; set REQUIRE_LIBREOFFICE=1 to make this a failure")
    return SOFFICE


def documents(db, plan_tree, make_person) -> dict[str, bytes]:
    """One document of each kind, each as the service makes it."""
    meeting = a_meeting(db, date(2020, 9, 15))
    plan_report = snapshots.generate_plan_report(plan_tree["plan"], meeting, COMPLETE, actor=None, now=NOW,
                                                 today=TODAY)
    setting = allocated_audit(db, make_person)
    audit = submit(setting, child_name="Synthetic Child", child_date_of_birth=date(2014, 2, 3))
    monthly = snapshots.generate_audit_report(date(2021, 3, 1), actor=None, now=NOW, today=date(2021, 4, 15))
    pack = update_pack.gather(plan_tree["owner"], meeting, Window(TODAY))
    return {
        "plan-progress-report": snapshots.document_of(plan_report),
        "monthly-audit-report": snapshots.document_of(monthly),
        "single-audit": audit_record.write_audit(audit, generated_at=NOW),
        "update-pack": update_pack.write(pack, generated_at=NOW),
    }


def convert(soffice: str, files: list[Path], out: Path, *, profile: Path, home: Path) -> tuple[int, str, str]:
    """One soffice run for every file, with a profile of its own (no clash with another LibreOffice running). soffice
    starts soffice.bin under it: on a timeout the whole process group is stopped, not only soffice."""
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
               f"--infilter={WORD_FILTER}", "--convert-to", "pdf", "--outdir", str(out), *map(str, files)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                          env={**os.environ, "HOME": str(home)}) as process:
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            pytest.fail(f"soffice did not finish within {TIMEOUT_SECONDS}s:\n{stdout}\n{stderr}", pytrace=False)
    return process.returncode, stdout, stderr


def test_libreoffice_converts_every_kind_of_report_to_pdf(soffice, db, plan_tree, make_person, tmp_path):
    sources, out = tmp_path / "docx", tmp_path / "pdf"
    sources.mkdir()
    files = []
    for name, content in documents(db, plan_tree, make_person).items():
        path = sources / f"{name}.docx"
        path.write_bytes(content)
        files.append(path)

    started = time.monotonic()
    returncode, stdout, stderr = convert(soffice, files, out, profile=tmp_path / "lo-profile", home=tmp_path)
    said = f"soffice took {time.monotonic() - started:.1f}s and said:\n{stdout}\n{stderr}"
    assert returncode == 0, said
    assert "Error" not in stderr, said  # "Error: source file could not be loaded" comes with status 0
    for path in files:
        pdf = out / f"{path.stem}.pdf"
        assert pdf.is_file(), f"no PDF for {path.name}. {said}"
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF-"), f"{pdf.name} is not a PDF"
        assert len(content) > SMALLEST_PDF, f"{pdf.name} is only {len(content)} bytes"
        assert PAGE.search(content), f"{pdf.name} has no pages"
